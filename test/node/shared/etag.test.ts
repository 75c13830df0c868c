import { describe, expect, it } from 'vitest';
import { etagFor, etagNames, parseEtag, parseEtagList } from '../../../shared/etag.ts';
import { LineageSchema, newLineage } from '../../../shared/lineage.ts';

const LINEAGE = 'Xq3_kP-9aZ0bYc1dWe2fVg';

describe('ETags', () => {
  it('are strong, derived from (set, lineage, version), and parse back to exactly that', () => {
    const tag = etagFor('hype-perp', LINEAGE, 7);
    expect(tag).toBe(`"hype-perp.${LINEAGE}.v7"`);
    expect(parseEtag(tag)).toEqual({ set: 'hype-perp', lineage: LINEAGE, version: 7 });
    expect(parseEtag(` ${tag} `)).toEqual({ set: 'hype-perp', lineage: LINEAGE, version: 7 });
    // Weak comparison (If-None-Match) reads a weak tag by its opaque part.
    expect(parseEtag(`W/${tag}`)).toEqual({ set: 'hype-perp', lineage: LINEAGE, version: 7 });
    expect(parseEtag(etagFor('a0', LINEAGE, Number.MAX_SAFE_INTEGER))?.version).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('refuse what does not name one version of one lineage', () => {
    for (const tag of [
      null,
      undefined,
      '*',
      '',
      '"hype-perp.v7"', // before lineages: no lineage
      `hype-perp.${LINEAGE}.v7`, // no quotes
      `"hype-perp.${LINEAGE}.v0"`,
      `"hype-perp.${LINEAGE}.v07"`,
      `"hype-perp.${LINEAGE}.v-1"`,
      `"hype-perp.${LINEAGE}.v99999999999999999"`, // beyond a safe integer
      `"Hype-Perp.${LINEAGE}.v7"`, // not a set name
      '"hype-perp.short.v7"', // lineage under 8 characters
      '"hype-perp.bad lineage!.v7"',
      `"hype-perp.${LINEAGE}.x.v7"`,
    ])
      expect(parseEtag(tag), String(tag)).toBeNull();
  });

  it('name a version only when set, lineage and number are all equal', () => {
    const identity = { set: 'hype-perp', lineage: LINEAGE, version: 7 };
    expect(etagNames(etagFor('hype-perp', LINEAGE, 7), identity)).toBe(true);
    expect(etagNames(etagFor('hype-perp', LINEAGE, 8), identity)).toBe(false);
    expect(etagNames(etagFor('hype-perp', 'another-history', 7), identity)).toBe(false);
    expect(etagNames(etagFor('btc-usdt', LINEAGE, 7), identity)).toBe(false);
    expect(etagNames(null, identity)).toBe(false);
  });

  it('lists split into their tags', () => {
    expect(parseEtagList('"a.v1", W/"a.v2" ,')).toEqual(['"a.v1"', 'W/"a.v2"']);
  });
});

describe('lineages', () => {
  it('are 16 random bytes as base64url: 22 characters the ETag and schema accept', () => {
    const lineage = newLineage();
    expect(lineage).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(LineageSchema.safeParse(lineage).success).toBe(true);
    expect(newLineage()).not.toBe(lineage);
    expect(newLineage((bytes) => bytes.fill(0xff))).toBe('_____________________w');
  });

  it('refuse what could break a tag apart', () => {
    for (const bad of ['short', 'has.dot-in-it', 'has space here', 'x'.repeat(65), '"quoted"'])
      expect(LineageSchema.safeParse(bad).success, bad).toBe(false);
  });
});
