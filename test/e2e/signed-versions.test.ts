/**
 * Signed parameter versions end to end (issue 16): real runners started with `--trusted-keys`,
 * a real `wrangler dev`, and the two adversaries signing exists for.
 * - A proxy between runner and edge rewrites `params` in a signed version: the runner NACKs it
 *   with reason `signature`, keeps trading on its held params, and applies the next genuine version.
 * - A compromised edge (a malicious local server) serves well-formed, correctly numbered versions
 *   that are unsigned, signed by an unknown key, or signed but altered: none is ever applied.
 * - The edge itself refuses a write signed by a key its policy does not trust (422).
 * - A signed rollout (`livetune rollout start --key`): the canary applies the candidate, and both
 *   canary and control apply the hub's rollback on an abort, which the operator signed at the start;
 *   a signed kill switch during a rollout ends it and reaches every runner.
 * Every process is killed in afterEach.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RunnerReport, type Version, VersionSchema } from '../../shared/api.ts';
import { etagFor } from '../../shared/etag.ts';
import { ParamsSchema, type Params } from '../../shared/params-schema.ts';
import type { SigningKey } from '../../shared/signing/sign-change.ts';
import { signWrite } from '../../shared/signing/sign-write.ts';
import { startEdge } from '../../tools/edge-process.ts';
import { HOSTILE_LINEAGE, HOSTILE_SET, HostileEdge } from '../../tools/hostile-edge.ts';
import { startRunner, stopAllRunners } from '../../tools/runner-process.ts';
import { SignedHistory, testSigner } from '../helpers/signed-history.ts';
import { startCli, stopAllClis } from './helpers/cli-process.ts';
import { call, errorBody, fleet, head } from './helpers/edge-http.ts';
import { startFaultProxy, type FaultProxy } from './helpers/fault-proxy.ts';

type Edge = Awaited<ReturnType<typeof startEdge>>;
let edge: Edge;
let proxy: FaultProxy | undefined;
let hostile: HostileEdge | undefined;
const dirs: string[] = [];

const alice = await testSigner('alice');
const mallory = await testSigner('mallory');
const RUNNER_ARGS = ['--wait', '2', '--grace', '600', '--interval', '0.5'];

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

function trustedKeysFile(): string {
  const file = join(tempDir('lt-trusted-'), 'trusted-keys.json');
  writeFileSync(file, JSON.stringify({ keys: [alice.trusted] }));
  return file;
}

beforeAll(async () => {
  edge = await startEdge({ persistDir: tempDir('lt-signed-edge-') });
});
afterEach(async () => {
  await stopAllRunners();
  await stopAllClis();
  await proxy?.close();
  proxy = undefined;
  await hostile?.close();
  hostile = undefined;
});
afterAll(async () => {
  await edge?.stop();
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

/** A signed PUT (create when `on` is undefined); the edge's answer. */
async function signedPut(set: string, on: Version | undefined, params: Partial<Params>, signer: SigningKey, message: string) {
  const full = ParamsSchema.parse(params);
  const signature = await signWrite({ set, head: on, params: full, message }, signer);
  return call(edge.url, `/v1/sets/${set}/params`, {
    method: 'PUT',
    token: edge.tokens.write,
    headers: on ? { 'if-match': etagFor(set, on.lineage, on.version) } : { 'if-none-match': '*' },
    body: { params: full, message, signature },
  });
}

async function signedSet(set: string): Promise<Version> {
  const created = await signedPut(set, undefined, { order_size: 0.3 }, alice.signer, 'create, signed');
  expect(created.status, created.text).toBe(201);
  const policy = await call(edge.url, `/v1/sets/${set}/policy`, {
    method: 'PUT',
    token: edge.tokens.admin,
    headers: { 'if-match': '*' },
    body: { signatures: 'required', keys: [alice.trusted], threshold: 1, message: 'signatures required' },
  });
  expect(policy.status, policy.text).toBe(200);
  return VersionSchema.parse(created.json());
}

describe('a proxy that rewrites params between the runner and the edge', () => {
  it('the runner NACKs the rewritten version with reason signature, keeps trading on its held params, and applies the next genuine version', async () => {
    const set = 'signed-proxy';
    const v1 = await signedSet(set);
    proxy = await startFaultProxy({ target: edge.url });
    const runner = await startRunner({
      edgeUrl: proxy.url,
      token: edge.tokens.read,
      set,
      runnerId: 'r-signed-proxy',
      region: 'eu-west-1',
      cacheDir: tempDir('lt-signed-proxy-cache-'),
      extraArgs: [...RUNNER_ARGS, '--trusted-keys', trustedKeysFile()],
    });
    await runner.waitForStatus((s) => s.version === 1 && s.sync_state === 'ready', { what: 'ready on the signed v1' });

    // The next version the proxy forwards gets a zero spread and a large size: within the schema.
    proxy.setMode({
      kind: 'rewrite-body',
      times: 1,
      rewrite: (body) => {
        const version = JSON.parse(body) as Version;
        return JSON.stringify({ ...version, params: { ...version.params, base_half_spread_bps: 0.01, order_size: 3 } });
      },
    });
    const v2 = await signedPut(set, v1, { order_size: 0.2 }, alice.signer, 'smaller, signed');
    expect(v2.status, v2.text).toBe(200);
    await runner.waitFor(() => proxy!.rewrites.length === 1, { what: 'the params rewritten once' });

    const rejected = await runner.waitForStatus((s) => s.rejected?.version === 2, { what: 'v2 as rewritten rejected' });
    expect(rejected.rejected?.reason).toMatch(/^signature: /);
    expect(rejected.params).toMatchObject({ order_size: 0.3, base_half_spread_bps: v1.params.base_half_spread_bps });
    // The NACK reached the edge: the fleet entry names v2 and why.
    await runner.waitFor(
      async () =>
        (await fleet(edge.url, edge.tokens.read, set)).runners.some(
          (r) => r.runner_id === 'r-signed-proxy' && r.rejected?.version === 2 && /^signature/.test(r.rejected.reason),
        ),
      { what: 'the NACK in the fleet table' },
    );
    // Still trading: on v1, or on the genuine v2 when the runner asked again before v3.
    const trading = await runner.waitForStatus(
      (s) => s.trading !== null && s.trading.mid !== null && s.trading.params_version !== null,
      {
        what: 'the loop quoting',
      },
    );
    expect(trading.trading?.mode).not.toBe('halted');
    expect(trading.version === 1 || trading.version === 2).toBe(true);

    // The next genuine version is applied as signed.
    const current = (await head(edge.url, edge.tokens.read, set))!.version;
    const v3 = await signedPut(set, current, { order_size: 0.25 }, alice.signer, 'genuine, signed');
    expect(v3.status, v3.text).toBe(200);
    const applied = await runner.waitForStatus((s) => s.version === 3 && s.sync_state === 'ready', { what: 'the genuine v3' });
    expect(applied.params?.order_size).toBe(0.25);
    expect(applied.params?.base_half_spread_bps).toBe(v1.params.base_half_spread_bps);
  });
});

describe('the edge under a signing policy', () => {
  it('answers 422 to a write signed by a key not in the policy, and to an unsigned one', async () => {
    const set = 'signed-policy';
    const v1 = await signedSet(set);
    const byMallory = await signedPut(set, v1, { order_size: 0.2 }, mallory.signer, 'not trusted');
    expect(byMallory.status).toBe(422);
    expect(errorBody(byMallory).error.fields?.[0]?.field).toBe('signature.key');
    const unsigned = await call(edge.url, `/v1/sets/${set}/params`, {
      method: 'PATCH',
      token: edge.tokens.write,
      headers: { 'if-match': etagFor(set, v1.lineage, 1) },
      body: { params: { order_size: 0.2 }, message: 'unsigned' },
    });
    expect(unsigned.status).toBe(422);
    expect(errorBody(unsigned).error.fields?.[0]?.field).toBe('signature');
    expect((await head(edge.url, edge.tokens.read, set))!.version.version).toBe(1);
  });
});

describe('a signed rollout', () => {
  /** `livetune …` against this edge with a write token; its exit code must be 0. */
  async function livetune(set: string, ...args: string[]): Promise<string> {
    const env = { ...process.env, LIVETUNE_URL: edge.url, LIVETUNE_TOKEN: edge.tokens.write, LIVETUNE_SET: set };
    const run = await startCli(args, { env }).done;
    expect(run.code, run.stderr).toBe(0);
    return run.stdout;
  }

  it("canaries apply the candidate; an abort's rollback, signed at the start, reaches canary and control; a signed kill switch ends the next one", async () => {
    const set = 'signed-rollout';
    const v1 = await signedSet(set);
    const keyFile = join(tempDir('lt-signed-rollout-key-'), 'alice.json');
    writeFileSync(keyFile, JSON.stringify(alice.file), { mode: 0o600 });
    const [canary, control] = await Promise.all(
      (
        [
          ['sr-eu', 'eu-west-1'],
          ['sr-us', 'us-east-1'],
        ] as const
      ).map(([runnerId, region]) =>
        startRunner({
          edgeUrl: edge.url,
          token: edge.tokens.read,
          set,
          runnerId,
          region,
          cacheDir: tempDir(`lt-${runnerId}-cache-`),
          extraArgs: [...RUNNER_ARGS, '--trusted-keys', trustedKeysFile()],
        }),
      ),
    );
    for (const runner of [canary!, control!])
      await runner.waitForStatus((s) => s.version === 1 && s.sync_state === 'ready', { what: `${runner.runnerId} on v1` });

    await livetune(
      set,
      'rollout',
      'start',
      'base_half_spread_bps=7',
      '-m',
      'wider, eu first',
      '--stage',
      'region=eu-west-1:1h',
      '--key',
      keyFile,
    );
    const onCandidate = await canary!.waitForStatus((s) => s.version === 2, { what: 'the canary on the signed candidate v2' });
    expect(onCandidate.params?.base_half_spread_bps).toBe(7);

    // The abort needs no key: the hub commits the rollback alice signed when the rollout started.
    await livetune(set, 'rollout', 'abort', 'r2', '-m', 'enough');
    for (const runner of [canary!, control!]) {
      const back = await runner.waitForStatus((s) => s.version === 3, { what: `${runner.runnerId} on the signed rollback v3` });
      expect(back.params?.base_half_spread_bps).toBe(v1.params.base_half_spread_bps);
      expect(back.rejected ?? null).toBeNull();
    }
    const applied = (r: typeof canary) =>
      r!.logRecords().flatMap((l) => (l.msg === 'applied params version' ? [l.version as number] : []));
    expect(applied(canary)).toEqual([1, 2, 3]);
    expect(applied(control)).toEqual([1, 3]);

    // A kill switch during the next signed rollout is signed on its candidate (v4) and ends it.
    await livetune(
      set,
      'rollout',
      'start',
      'order_size=0.2',
      '-m',
      'smaller, eu first',
      '--stage',
      'region=eu-west-1:1h',
      '--key',
      keyFile,
    );
    await canary!.waitForStatus((s) => s.version === 4, { what: 'the canary on the signed candidate v4' });
    await livetune(set, 'set', 'trading_mode=halted', '-m', 'stop everything', '--key', keyFile);
    for (const runner of [canary!, control!]) {
      const halted = await runner.waitForStatus((s) => s.version === 5, {
        what: `${runner.runnerId} on the signed kill switch v5`,
      });
      expect(halted.params?.trading_mode).toBe('halted');
    }
    const rollout = await call(edge.url, `/v1/sets/${set}/rollouts/r4`, { token: edge.tokens.read });
    expect(rollout.json()).toMatchObject({ rollout: { state: 'aborted', outcome_version: 5 } });
  });
});

describe('a compromised edge', () => {
  it('serves well-formed, correctly numbered versions that are unsigned, signed by an unknown key, or altered: none is ever applied', async () => {
    const history = new SignedHistory(HOSTILE_SET, HOSTILE_LINEAGE);
    const v1 = await history.next({ order_size: 0.3 }, alice.signer);
    // What the attacker serves as v2, in turn: each is a valid version of the right set, lineage and number.
    const forged = new SignedHistory(HOSTILE_SET, HOSTILE_LINEAGE);
    forged.versions.push(v1);
    const v2Unsigned = await forged.next({ order_size: 3, base_half_spread_bps: 0.01 }, null);
    forged.versions.pop();
    const v2Mallory = await forged.next({ order_size: 3, base_half_spread_bps: 0.01 }, mallory.signer);
    forged.versions.pop();
    const genuine = await forged.next({ order_size: 0.2 }, alice.signer);
    const v2Altered = { ...genuine, params: { ...genuine.params, order_size: 3, base_half_spread_bps: 0.01 } };
    const lies = [v2Unsigned, v2Mallory, v2Altered];

    hostile = await HostileEdge.start(v1);
    let served = 0;
    hostile.answer = (_req, res) => {
      const lie = lies[served++ % lies.length]!;
      res.writeHead(200, { 'content-type': 'application/json', etag: etagFor(HOSTILE_SET, HOSTILE_LINEAGE, 2) });
      res.end(JSON.stringify(lie));
    };
    const runner = await startRunner({
      edgeUrl: hostile.url,
      token: 'hostile-read-token',
      set: HOSTILE_SET,
      runnerId: 'r-compromised',
      region: 'eu-west-1',
      cacheDir: tempDir('lt-compromised-cache-'),
      extraArgs: [...RUNNER_ARGS, '--heartbeat', '3600', '--trusted-keys', trustedKeysFile()],
    });
    await runner.waitFor(() => served >= 6, { what: 'each lie served twice', timeoutMs: 60_000 });
    const status = await runner.status();
    expect(status.version).toBe(1);
    expect(status.params).toMatchObject({ order_size: 0.3 });
    expect(status.rejected).toMatchObject({ version: 2, reason: expect.stringMatching(/^signature: /) });
    const reasons = (hostile.reports as RunnerReport[]).flatMap((r) => (r.rejected ? [r.rejected.reason] : []));
    expect(reasons.length).toBeGreaterThan(0);
    for (const reason of reasons) expect(reason).toMatch(/^signature: /);
    expect(runner.logRecords().some((r) => r.msg === 'applied params version' && r.version === 2)).toBe(false);
  });
});
