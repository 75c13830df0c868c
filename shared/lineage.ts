/**
 * A set's lineage: a random id fixed when the set is created. A set deleted and re-created, or the
 * same set on a staging edge, is another lineage, and nothing from one lineage (a cached version, an
 * ETag, an ACK) is ever taken for another — version numbers alone cannot tell two histories apart.
 */
import { z } from 'zod';

export const LINEAGE_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;
export const LINEAGE_RULE = 'letters, digits, "_" or "-", 8 to 64 characters';

export const LineageSchema = z.string().regex(LINEAGE_PATTERN, `a lineage is ${LINEAGE_RULE}`);
export type Lineage = z.infer<typeof LineageSchema>;

/** 16 random bytes as base64url (22 characters): a new history. */
export function newLineage(fill: (bytes: Uint8Array) => Uint8Array = (b) => crypto.getRandomValues(b)): Lineage {
  const bytes = fill(new Uint8Array(16));
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
