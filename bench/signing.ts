/**
 * What signed versions cost (issue 16): verifying a version at the runner (`VersionTrust.check`:
 * Ed25519 verify over the canonical encoding, plus the held parent's digest) and a write at the
 * edge (`checkWriteSignature`: the parent digest and the verify the hub adds to a write), each
 * beside the baseline it rides on — reading the version with the shared schema (the runner's parse
 * of every answer) and validating the params (the hub's parse of every write). Also the signer's
 * side (CLI, dashboard) for scale.
 *
 * Measured in Node, in wall time per operation over sequential awaits (WebCrypto's Ed25519 work may
 * run off the main thread, so the main thread's CPU time would undercount it). The edge's figure is
 * the same code as the hub runs, measured in Node, not in workerd.
 */
import { readReceivedVersion } from '../client/received-version.ts';
import { checkWriteSignature } from '../edge/hub/write-signature.ts';
import { VersionTrust } from '../runner/sync/version-trust.ts';
import type { Version } from '../shared/api.ts';
import { DEFAULT_PARAMS } from '../shared/params-schema.ts';
import { defaultPolicyVersion } from '../shared/policy-schema.ts';
import { generateKeyPair } from '../shared/signing/ed25519.ts';
import { loadSigningKey } from '../shared/signing/sign-change.ts';
import { signWrite } from '../shared/signing/sign-write.ts';
import { paramsDigest } from '../shared/signing/signed-change.ts';
import { validateParams } from '../shared/validate-params.ts';
import type { Bench } from './bench-context.ts';
import { makeRow } from './bench-row.ts';
import { consume, nowNs } from './measure.ts';
import { median } from './stats.ts';

/** Median µs per call of `op` over `repeats` blocks of `n` sequential calls, after one warm-up block. */
async function usPerOp(op: (i: number) => Promise<unknown> | unknown, n: number, repeats = 5): Promise<number> {
  const block = async () => {
    const start = nowNs();
    for (let i = 0; i < n; i++) consume(Number(Boolean(await op(i))));
    return (nowNs() - start) / n / 1000;
  };
  await block();
  const runs: number[] = [];
  for (let r = 0; r < repeats; r++) runs.push(await block());
  return median(runs);
}

export const signingBench: Bench = {
  name: 'signing',
  description: 'Ed25519 verification per version at the runner and per write at the edge, vs schema parsing alone',
  async run(ctx) {
    const n = ctx.quick ? 200 : 2000;
    const pair = { name: 'alice', ...(await generateKeyPair()) };
    const signer = await loadSigningKey(pair);
    const trusted = [{ name: 'alice', public_key: pair.public_key }];
    const parent: Version = {
      set: 'bench',
      lineage: 'bench-lineage-0001',
      version: 41,
      params: { ...DEFAULT_PARAMS },
      created_at: new Date(0).toISOString(),
      author: 'ops',
      message: 'parent',
      kind: 'update',
      parent: 40,
    };
    const params = { ...DEFAULT_PARAMS, base_half_spread_bps: 6.5, order_size: 0.2 };
    const signature = await signWrite({ set: 'bench', head: parent, params, message: 'bench write' }, signer);
    const { lineage: _, ...stored } = signature;
    const unsigned: Version = { ...parent, version: 42, parent: 41, params, message: 'bench write' };
    const version: Version = { ...unsigned, signature: { ...stored, parent_digest: await paramsDigest(parent.params) } };
    const body = JSON.parse(JSON.stringify(version)) as unknown;

    // Runner: the version read with the shared schema (every answer), then verified against what it holds.
    const parse = await usPerOp(() => readReceivedVersion(body, 'bench'), n);
    const trust = new VersionTrust(trusted);
    const held = { lineage: parent.lineage, version: parent.version, params: parent.params };
    const verify = await usPerOp(async () => (await trust.check(version, held)).ok, n);
    ctx.log(`signing: runner parse ${parse.toFixed(1)} µs, verify ${verify.toFixed(1)} µs`);

    // Edge: the hub's params validation of a write, then its signature check.
    const policy = {
      ...defaultPolicyVersion('bench'),
      version: 1,
      policy: { ...defaultPolicyVersion('bench').policy, keys: trusted },
    };
    const validate = await usPerOp(() => validateParams(params).ok, n);
    const edgeCheck = await usPerOp(async () => (await checkWriteSignature(unsigned, parent, signature, policy)).ok, n);
    ctx.log(`signing: edge validate ${validate.toFixed(1)} µs, signature check ${edgeCheck.toFixed(1)} µs`);

    const sign = await usPerOp(() => signWrite({ set: 'bench', head: parent, params, message: 'bench write' }, signer), n);

    const note = `${n} sequential calls × 5 repeats, median, wall time in Node`;
    return [
      makeRow('signing', {
        figure: 'runner: verify one signed version',
        value: verify,
        unit: 'µs',
        baseline: parse,
        baselineLabel: 'schema parse of the version',
        note: `VersionTrust.check (Ed25519 verify + held parent digest); ${note}`,
      }),
      makeRow('signing', {
        figure: 'edge: signature check of one write',
        value: edgeCheck,
        unit: 'µs',
        baseline: validate,
        baselineLabel: 'params validation of the write',
        note: `checkWriteSignature (parent digest + Ed25519 verify), in Node not workerd; ${note}`,
      }),
      makeRow('signing', {
        figure: 'client: sign one write (CLI, dashboard)',
        value: sign,
        unit: 'µs',
        note,
      }),
    ];
  },
};
