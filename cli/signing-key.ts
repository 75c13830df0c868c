/**
 * The operator's signing key for CLI writes: `--key FILE` or `LIVETUNE_SIGNING_KEY` (a path). The
 * file is the JSON `livetune keys generate` wrote; one that others can read is refused, as ssh
 * refuses such a key: a signing key readable by every account on the machine is not the operator's.
 */
import { readFile, stat } from 'node:fs/promises';
import { type SigningKeyFile, SigningKeyFileSchema } from '../shared/signing/key-schemas.ts';
import { loadSigningKey, type SigningKey } from '../shared/signing/sign-change.ts';
import { UsageError } from './usage-error.ts';

export const SIGNING_KEY_ENV = 'LIVETUNE_SIGNING_KEY';
/** A key file is about 200 bytes; anything far larger is not one. */
const MAX_KEY_FILE_BYTES = 4096;

export async function readSigningKeyFile(path: string, flag: string): Promise<SigningKeyFile> {
  let text: string;
  try {
    const info = await stat(path);
    if (info.size > MAX_KEY_FILE_BYTES) throw new UsageError(`${flag} ${path} is ${info.size} bytes: not a livetune key file`);
    // POSIX permissions only: Windows reports 0o666 for every file.
    if (process.platform !== 'win32' && (info.mode & 0o077) !== 0)
      throw new UsageError(
        `${flag} ${path} is readable by other accounts (mode ${(info.mode & 0o777).toString(8)}): expected mode 600 (chmod 600 ${path})`,
      );
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`cannot read ${flag} ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new UsageError(`${flag} ${path} is not JSON: expected the key file livetune keys generate wrote`);
  }
  const parsed = SigningKeyFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(
      `${flag} ${path} is not a livetune key file: ${issue?.path.join('.') || '(file)'}: ${issue?.message ?? 'invalid'} (expected { name, public_key, private_key })`,
    );
  }
  return parsed.data;
}

/** The key named by `--key` or `LIVETUNE_SIGNING_KEY`, ready to sign; undefined when neither is set. */
export async function signingKeyFrom(
  flagValue: string | undefined,
  env: Record<string, string | undefined>,
): Promise<SigningKey | undefined> {
  const path = flagValue ?? (env[SIGNING_KEY_ENV] || undefined);
  if (path === undefined) return undefined;
  const flag = flagValue !== undefined ? '--key' : SIGNING_KEY_ENV;
  const file = await readSigningKeyFile(path, flag);
  try {
    return await loadSigningKey(file);
  } catch (error) {
    throw new UsageError(`${flag} ${path}: ${(error as Error).message}`);
  }
}
