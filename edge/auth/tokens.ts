/**
 * API tokens: `LIVETUNE_TOKENS` holds comma-separated `name:scope:token` entries (scope `read`,
 * `write` or `admin`; `admin` implies `write`, which implies `read`). A presented token is compared with every configured token in
 * constant time: both sides are SHA-256 digests (equal length, as `timingSafeEqual` requires) and the
 * loop never exits early, so neither the position of a match nor a common prefix shows in timing.
 * Tokens are never logged and never echoed.
 */
import { log } from '../log.ts';

export const SCOPES = ['read', 'write', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

/** Whether a token of scope `held` may do what needs scope `needed` (admin ⊃ write ⊃ read). */
export function scopeAllows(held: Scope, needed: Scope): boolean {
  return SCOPES.indexOf(held) >= SCOPES.indexOf(needed);
}

function isScope(text: string): text is Scope {
  return (SCOPES as readonly string[]).includes(text);
}

export interface Principal {
  /** The token's name: the `author` of the versions it writes. */
  name: string;
  scope: Scope;
}

interface TokenEntry extends Principal {
  digest: ArrayBuffer;
}

const encoder = new TextEncoder();

function sha256(text: string): Promise<ArrayBuffer> {
  return crypto.subtle.digest('SHA-256', encoder.encode(text));
}

/**
 * Parses the `LIVETUNE_TOKENS` value. Malformed entries are skipped and reported by name position
 * only (never their text: it holds a secret).
 */
export function parseTokenEntries(raw: string | undefined): {
  entries: { name: string; scope: Scope; token: string }[];
  skipped: number[];
} {
  const entries: { name: string; scope: Scope; token: string }[] = [];
  const skipped: number[] = [];
  (raw ?? '').split(',').forEach((part, index) => {
    const entry = part.trim();
    if (entry === '') return;
    const first = entry.indexOf(':');
    const second = entry.indexOf(':', first + 1);
    const name = entry.slice(0, first);
    const scope = entry.slice(first + 1, second);
    const token = entry.slice(second + 1);
    if (first <= 0 || second < 0 || !isScope(scope) || token.length === 0) skipped.push(index);
    else entries.push({ name, scope, token });
  });
  return { entries, skipped };
}

/** Digests of the configured tokens, cached per `LIVETUNE_TOKENS` value. */
export function createTokenVerifier(): (raw: string | undefined, presented: string) => Promise<Principal | undefined> {
  let cachedRaw: string | undefined;
  let cached: Promise<TokenEntry[]> | undefined;

  function table(raw: string | undefined): Promise<TokenEntry[]> {
    if (cached === undefined || cachedRaw !== raw) {
      cachedRaw = raw;
      const { entries, skipped } = parseTokenEntries(raw);
      if (skipped.length > 0) log.warn('tokens_skipped', { entries: skipped, expected: 'name:scope:token' });
      cached = Promise.all(entries.map(async (e) => ({ name: e.name, scope: e.scope, digest: await sha256(e.token) })));
    }
    return cached;
  }

  return async function verifyToken(raw, presented) {
    const entries = await table(raw);
    const digest = await sha256(presented);
    let match: Principal | undefined;
    for (const entry of entries) {
      // No early exit: every entry costs the same comparison whatever matched before.
      const equal = crypto.subtle.timingSafeEqual(entry.digest, digest);
      if (equal && match === undefined) match = { name: entry.name, scope: entry.scope };
    }
    return match;
  };
}
