/**
 * The runner's `--trusted-keys FILE`: `{ "keys": [ { "name", "public_key" } ], "threshold"? }`
 * (DESIGN "Shapes"; `threshold`: approvals needed to follow a key rotation, default a majority).
 * Read once at start-up, bounded and parsed with zod; a problem stops start-up with a message that
 * names the flag, the path and what was expected.
 */
import { readFile, stat } from 'node:fs/promises';
import { type TrustedKey, TrustedKeysFileSchema } from '../../shared/signing/key-schemas.ts';

/** 32 keys of ~100 bytes each, with room for formatting. */
const MAX_FILE_BYTES = 64 * 1024;

export class TrustedKeysError extends Error {
  override name = 'TrustedKeysError';
}

export async function loadTrustedKeys(path: string): Promise<{ keys: TrustedKey[]; threshold: number | undefined }> {
  const where = `--trusted-keys ${path}`;
  let text: string;
  try {
    const { size } = await stat(path);
    if (size > MAX_FILE_BYTES)
      throw new TrustedKeysError(`${where} is ${size} bytes: expected a small JSON file (at most ${MAX_FILE_BYTES})`);
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (error instanceof TrustedKeysError) throw error;
    throw new TrustedKeysError(`${where} cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new TrustedKeysError(`${where} is not JSON: expected { "keys": [ { "name", "public_key" } ] }`);
  }
  const parsed = TrustedKeysFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TrustedKeysError(
      `${where}: ${issue?.path.join('.') || '(file)'}: ${issue?.message ?? 'invalid'}; expected { "keys": [ { "name", "public_key" } ] }`,
    );
  }
  const names = new Set<string>();
  for (const key of parsed.data.keys) {
    if (names.has(key.name)) throw new TrustedKeysError(`${where}: key name "${key.name}" is used twice`);
    names.add(key.name);
  }
  const { keys, threshold } = parsed.data;
  if (threshold !== undefined && threshold > keys.length)
    throw new TrustedKeysError(
      `${where}: threshold = ${threshold} is more than the ${keys.length} key(s): expected at most ${keys.length}`,
    );
  return { keys, threshold };
}
