/**
 * Where the agent wallet key comes from: `HYPERLIQUID_PRIVATE_KEY`, or a file readable by its owner
 * only (like ssh refuses a private key others can read). Errors name the source and the rule, never
 * the key or any part of it.
 */
import { readFileSync, statSync } from 'node:fs';
import { PRIVATE_KEY_PATTERN } from './hyperliquid-signer.ts';

export const PRIVATE_KEY_ENV = 'HYPERLIQUID_PRIVATE_KEY';

export class PrivateKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PrivateKeyError';
  }
}

export interface KeySource {
  env: Record<string, string | undefined>;
  /** `--key-file`; wins over the variable when both are given. */
  file?: string | undefined;
  /** Injected for tests; default: fs. */
  stat?: (path: string) => { mode: number; isFile(): boolean };
  read?: (path: string) => string;
}

export function loadPrivateKey(source: KeySource): string {
  const stat = source.stat ?? ((p: string) => statSync(p));
  const read = source.read ?? ((p: string) => readFileSync(p, 'utf8'));
  if (source.file !== undefined) {
    let info: { mode: number; isFile(): boolean };
    try {
      info = stat(source.file);
    } catch (error) {
      throw new PrivateKeyError(
        `--key-file ${JSON.stringify(source.file)} cannot be read: ${(error as NodeJS.ErrnoException).code ?? 'error'}`,
      );
    }
    if (!info.isFile()) throw new PrivateKeyError(`--key-file ${JSON.stringify(source.file)}: expected a regular file`);
    if ((info.mode & 0o077) !== 0)
      throw new PrivateKeyError(
        `--key-file ${JSON.stringify(source.file)} has mode ${(info.mode & 0o777).toString(8)}: expected 600 or 400 (readable by its owner only; chmod 600 it)`,
      );
    const key = read(source.file).trim();
    if (!PRIVATE_KEY_PATTERN.test(key))
      throw new PrivateKeyError(
        `--key-file ${JSON.stringify(source.file)} does not hold a key: expected 0x and 64 hex digits on one line`,
      );
    return key;
  }
  const key = source.env[PRIVATE_KEY_ENV]?.trim();
  if (!key)
    throw new PrivateKeyError(
      `no Hyperliquid key: set ${PRIVATE_KEY_ENV} or pass --key-file (the agent wallet's key, 0x and 64 hex digits)`,
    );
  if (!PRIVATE_KEY_PATTERN.test(key))
    throw new PrivateKeyError(`${PRIVATE_KEY_ENV} (${key.length} characters) is not accepted: expected 0x and 64 hex digits`);
  return key;
}

/**
 * The key as the configuration carries it: a `#` field, so neither `JSON.stringify`, `util.inspect`
 * nor a logger serialising the configuration can reach it; only `reveal()` hands it to the signer.
 */
export class SecretKey {
  #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  toJSON(): string {
    return '[redacted]';
  }
  toString(): string {
    return '[redacted]';
  }
}
