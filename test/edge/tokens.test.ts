import { describe, expect, it } from 'vitest';
import { createTokenVerifier, parseTokenEntries } from '../../edge/auth/tokens.ts';

describe('LIVETUNE_TOKENS', () => {
  it('parses name:scope:token entries; a token may itself contain ":"', () => {
    const { entries, skipped } = parseTokenEntries(' ops:write:abc , bot:read:x:y:z , root:admin:r ,');
    expect(entries).toEqual([
      { name: 'ops', scope: 'write', token: 'abc' },
      { name: 'bot', scope: 'read', token: 'x:y:z' },
      { name: 'root', scope: 'admin', token: 'r' },
    ]);
    expect(skipped).toEqual([]);
  });

  it('skips malformed entries by position, never keeping their text', () => {
    const { entries, skipped } = parseTokenEntries('ops:root:abc,:read:t,noscope,bot:read:');
    expect(entries).toEqual([]);
    expect(skipped).toEqual([0, 1, 2, 3]);
  });

  it('finds the principal of a presented token, and nothing for near misses', async () => {
    const verify = createTokenVerifier();
    const raw = 'ops:write:token-one,bot:read:token-two';
    expect(await verify(raw, 'token-two')).toEqual({ name: 'bot', scope: 'read' });
    expect(await verify(raw, 'token-one')).toEqual({ name: 'ops', scope: 'write' });
    for (const miss of ['token-on', 'token-one ', 'TOKEN-ONE', '']) expect(await verify(raw, miss)).toBeUndefined();
    expect(await verify(undefined, 'token-one')).toBeUndefined();
  });
});
