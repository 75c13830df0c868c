/**
 * A signature as it travels: in a write's body (what the client signed) and in the stored version
 * (what a runner verifies). The stored form adds `parent_digest`, the SHA-256 of the parent's params
 * as the hub held them when it accepted the write: a runner that did not hold the parent still has
 * every signed byte, and one that did can check the digest against its own copy.
 */
import { z } from 'zod';
import { LineageSchema } from '../lineage.ts';
import { DigestSchema, KeyNameSchema, SignatureValueSchema } from './key-schemas.ts';

/** A write's signature: which trusted key signed it, the signature, and for a new set its lineage. */
export const WriteSignatureSchema = z.strictObject({
  key: KeyNameSchema,
  value: SignatureValueSchema,
  /**
   * A new set's lineage, chosen by the signer (a create is signed before the set exists, so its
   * history id cannot come from the hub). Refused on a write to an existing set.
   */
  lineage: LineageSchema.optional(),
});
export type WriteSignature = z.infer<typeof WriteSignatureSchema>;

/** A version's signature, as stored and served. */
export const VersionSignatureSchema = z.strictObject({
  key: KeyNameSchema,
  value: SignatureValueSchema,
  /** SHA-256 (canonical JSON) of the parent version's params; null for a set's first version. */
  parent_digest: DigestSchema.nullable(),
});
export type VersionSignature = z.infer<typeof VersionSignatureSchema>;
