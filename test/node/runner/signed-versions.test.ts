/**
 * A runner with `--trusted-keys` (issue 16): it applies a version only when a trusted key signed
 * exactly it, on a parent that matches what it holds; anything else — params rewritten on the way,
 * no signature, an unknown key, a forged parent — is rejected with a reason starting `signature`,
 * and the held params stay. The next genuine version is applied. The cache keeps the signature and
 * is verified when loaded.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readReceivedVersion } from '../../../client/received-version.ts';
import { ParamsCache } from '../../../runner/cache/params-cache.ts';
import { ParamsHolder } from '../../../runner/params/params-holder.ts';
import { loadInitialParams, StartupError } from '../../../runner/sync/initial-params.ts';
import { SyncHealth } from '../../../runner/sync/sync-health.ts';
import { type ApplyOutcome, VersionApplier } from '../../../runner/sync/version-applier.ts';
import { VersionTrust } from '../../../runner/sync/version-trust.ts';
import { ConfigError, parseRunnerConfig } from '../../../runner/config.ts';
import { loadTrustedKeys } from '../../../runner/config/trusted-keys-file.ts';
import type { Version } from '../../../shared/api.ts';
import { SignedHistory, testSigner } from '../../helpers/signed-history.ts';
import { FakeClock } from '../helpers/fake-clock.ts';
import { LINEAGE, SET, silentLogger } from '../helpers/runner-fixtures.ts';

const alice = await testSigner('alice');
const mallory = await testSigner('mallory');

let dir: string;
/** Appliers whose cache writes must end before the folder goes. */
let appliers: VersionApplier[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'livetune-signed-'));
});
afterEach(async () => {
  await Promise.all(appliers.map((a) => a.flush()));
  appliers = [];
  await rm(dir, { recursive: true, force: true });
});

function setup() {
  const clock = new FakeClock();
  const holder = new ParamsHolder({ clock });
  const cache = new ParamsCache({ dir, set: SET, clock });
  const outcomes: ApplyOutcome[] = [];
  const trust = new VersionTrust([alice.trusted]);
  const applier = new VersionApplier({
    set: SET,
    holder,
    cache,
    logger: silentLogger(),
    trust,
    onOutcome: (o) => outcomes.push(o),
  });
  appliers.push(applier);
  const receive = (v: unknown) => applier.receive(readReceivedVersion(structuredClone(v), SET), null, { fresh: true });
  return { clock, holder, cache, applier, receive, outcomes, trust };
}

describe('a runner that requires signatures', () => {
  it('applies signed versions, rejects a version whose params were rewritten (reason signature), keeps the held params, then applies the next genuine one', async () => {
    const { holder, receive } = setup();
    const history = new SignedHistory(SET, LINEAGE);
    expect(await receive(await history.next({ order_size: 0.3 }, alice.signer))).toMatchObject({ kind: 'applied', version: 1 });
    const v2 = await history.next({ order_size: 0.2 }, alice.signer);
    const rewritten = { ...v2, params: { ...v2.params, order_size: 3, base_half_spread_bps: 0.01 } };
    const outcome = await receive(rewritten);
    expect(outcome).toMatchObject({ kind: 'rejected', version: 2, reason: expect.stringMatching(/^signature: /) });
    expect(holder.version).toBe(1);
    expect(holder.get().order_size).toBe(0.3);
    expect(await receive(await history.next({ order_size: 0.25 }, alice.signer))).toMatchObject({ kind: 'applied', version: 3 });
    expect(holder.get().order_size).toBe(0.25);
  });

  it('rejects an unsigned version, one signed by an untrusted key, and a forged parent', async () => {
    const { holder, receive } = setup();
    const history = new SignedHistory(SET, LINEAGE);
    await receive(await history.next({}, alice.signer));
    const unsigned = await history.next({ order_size: 0.1 }, null);
    expect(await receive(unsigned)).toMatchObject({
      kind: 'rejected',
      reason: expect.stringMatching(/^signature: version 2 is unsigned/),
    });
    const other = new SignedHistory(SET, LINEAGE);
    await other.next({}, alice.signer);
    await other.next({ order_size: 0.2 }, alice.signer);
    const byMallory = await other.next({ order_size: 0.1 }, mallory.signer);
    expect(await receive(byMallory)).toMatchObject({
      kind: 'rejected',
      reason: expect.stringMatching(/"mallory", which is not trusted/),
    });
    // A genuine signature by alice, made on another v1 than the one this runner holds.
    const forked = new SignedHistory(SET, LINEAGE);
    await forked.next({ order_size: 0.9 }, alice.signer);
    const onOtherParent = await forked.next({ order_size: 0.15 }, alice.signer);
    expect(await receive(onOtherParent)).toMatchObject({
      kind: 'rejected',
      reason: expect.stringMatching(/params differ from the v1 this runner holds/),
    });
    expect(holder.version).toBe(1);
  });

  it('applies a signed version whose parent it never held (runners skip versions)', async () => {
    const { receive, holder } = setup();
    const history = new SignedHistory(SET, LINEAGE);
    await receive(await history.next({}, alice.signer));
    await history.next({ order_size: 0.2 }, alice.signer);
    await history.next({ order_size: 0.1 }, alice.signer);
    expect(await receive(history.head)).toMatchObject({ kind: 'applied', version: 3 });
    expect(holder.version).toBe(3);
  });

  it('saves the signature in the cache, starts from a cache that verifies, and refuses one edited on disk', async () => {
    const { applier, receive, cache, trust } = setup();
    const history = new SignedHistory(SET, LINEAGE);
    await receive(await history.next({ order_size: 0.2 }, alice.signer));
    await applier.flush();
    const saved = JSON.parse(await readFile(cache.path, 'utf8')) as { signed?: { signature?: Version['signature'] } };
    expect(saved.signed?.signature).toEqual(history.head!.signature);

    const start = () => {
      const clock = new FakeClock();
      const holder = new ParamsHolder({ clock });
      const edge = { readParams: async () => Promise.reject(new Error('edge down')), paramsUrl: () => 'http://edge.test' };
      return loadInitialParams({
        edge: edge as never,
        applier: new VersionApplier({ set: SET, holder, cache, logger: silentLogger(), trust }),
        holder,
        cache,
        health: new SyncHealth({ graceMs: 30_000, onError: 'halt', clock }),
        logger: silentLogger(),
        allowDefaults: false,
        timeoutMs: 1000,
        trust,
      }).then((origin) => ({ origin, holder }));
    };
    const started = await start();
    expect(started.origin).toBe('cache');
    expect(started.holder.get().order_size).toBe(0.2);

    const text = await readFile(cache.path, 'utf8');
    await writeFile(cache.path, text.replace('"order_size": 0.2', '"order_size": 3'));
    await expect(start()).rejects.toThrow(StartupError);
    await expect(start()).rejects.toThrow(/does not verify against --trusted-keys/);
  });
});

describe('--trusted-keys FILE', () => {
  it('is refused with --sync file, naming the flag (signatures come with versions from an edge)', () => {
    const argv = ['--set', SET, '--runner-id', 'r1', '--region', 'eu', '--sync', 'file', '--trusted-keys', 'keys.json'];
    expect(() => parseRunnerConfig(argv, {})).toThrow(ConfigError);
    expect(() => parseRunnerConfig(argv, {})).toThrow(/--trusted-keys = "keys.json" is not accepted: .*not file/);
    const withEdge = parseRunnerConfig(
      [
        '--set',
        SET,
        '--runner-id',
        'r1',
        '--region',
        'eu',
        '--url',
        'http://127.0.0.1:1',
        '--token',
        't',
        '--trusted-keys',
        'keys.json',
      ],
      {},
    );
    expect(withEdge.trustedKeys).toBe('keys.json');
  });

  it('reads { keys: [{ name, public_key }] } and names the path and the problem otherwise', async () => {
    const file = join(dir, 'trusted.json');
    await writeFile(file, JSON.stringify({ keys: [alice.trusted] }));
    expect(await loadTrustedKeys(file)).toEqual({ keys: [alice.trusted], threshold: undefined });
    await writeFile(file, JSON.stringify({ keys: [{ name: 'alice', public_key: 'short' }] }));
    await expect(loadTrustedKeys(file)).rejects.toThrow(
      /--trusted-keys .*trusted.json: keys.0.public_key: a public key is the base64url/,
    );
    await expect(loadTrustedKeys(join(dir, 'missing.json'))).rejects.toThrow(/cannot be read: ENOENT/);
    await writeFile(file, JSON.stringify({ keys: [alice.trusted, alice.trusted] }));
    await expect(loadTrustedKeys(file)).rejects.toThrow(/"alice" is used twice/);
  });
});
