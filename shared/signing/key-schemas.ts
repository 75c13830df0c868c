/**
 * The text forms signing deals in: a key's name, an Ed25519 public key, a signature, a params
 * digest. Kept apart from the policy so that `api.ts` (a version's `signature`) and
 * `policy-schema.ts` (trusted keys) share them without importing each other.
 */
import { z } from 'zod';

export const KEY_NAME_RULE = 'letters, digits, ".", "_" or "-", at most 64 characters';
export const KeyNameSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, `a key name is ${KEY_NAME_RULE}`);

/** base64url of 32 raw bytes is 43 characters whose last one carries 2 bits of padding (zero). */
export const PublicKeySchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/, 'a public key is the base64url of 32 raw bytes (43 characters)');

/** An Ed25519 signature: base64url of 64 bytes (86 characters; the last carries 4 bits, zero). */
export const SignatureValueSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{85}[AQgw]$/, 'a signature is the base64url of 64 raw bytes (86 characters)');

/** SHA-256 as 64 lowercase hex digits. */
export const DigestSchema = z.string().regex(/^[0-9a-f]{64}$/, 'a digest is SHA-256 as 64 lowercase hex digits');

/** A named public key: in a set policy, in a runner's `--trusted-keys` file, in `keys list`. */
export const TrustedKeySchema = z.strictObject({ name: KeyNameSchema, public_key: PublicKeySchema });
export type TrustedKey = z.infer<typeof TrustedKeySchema>;

/** Most trusted keys one set (or one runner's file) may hold. */
export const MAX_TRUSTED_KEYS = 32;

/**
 * A runner's `--trusted-keys` file: `{ "keys": [ { "name", "public_key" } ], "threshold"? }`.
 * `threshold`: how many of these keys must approve a key-list change before the runner follows it
 * (default: a majority).
 */
export const TrustedKeysFileSchema = z.strictObject({
  keys: z.array(TrustedKeySchema).min(1, 'at least one key').max(MAX_TRUSTED_KEYS),
  threshold: z.number().int().min(1).max(MAX_TRUSTED_KEYS).optional(),
});
export type TrustedKeysFile = z.infer<typeof TrustedKeysFileSchema>;

/** A private key file (`livetune keys generate`; mode 0600): the name, both halves, as base64url. */
export const SigningKeyFileSchema = z.strictObject({
  name: KeyNameSchema,
  public_key: PublicKeySchema,
  private_key: z.string().regex(/^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/, 'a private key is the base64url of a 32-byte seed'),
});
export type SigningKeyFile = z.infer<typeof SigningKeyFileSchema>;
