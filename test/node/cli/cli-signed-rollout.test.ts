import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Version } from '../../../shared/api.ts';
import { etagFor } from '../../../shared/etag.ts';
import { applyMergePatch } from '../../../shared/merge-patch.ts';
import { ParamsSchema } from '../../../shared/params-schema.ts';
import { rolloutRollbackMessage } from '../../../shared/rollout.ts';
import { paramsDigest } from '../../../shared/signing/signed-change.ts';
import { verifyVersion } from '../../../shared/signing/verify-version.ts';
import type { WriteSignature } from '../../../shared/signing/version-signature.ts';
import type { FakeEdge } from './fake-edge.ts';
import { generateKey, type SigningCli, startSigningCli, stopSigningCli } from './signing-cli.ts';
import { runCli } from './run-cli.ts';

let cli: SigningCli;
let edge: FakeEdge;
let dir: string;
let env: Record<string, string>;

beforeEach(async () => {
  cli = await startSigningCli('livetune-signroll-');
  ({ edge, dir, env } = cli);
});
afterEach(() => stopSigningCli(cli));

const generate = (name: string) => generateKey(cli, name);

/** `version` as the hub would store it with `signature`, whose parent is `parent`. */
async function stored(version: Version, parent: Version, signature: WriteSignature): Promise<Version> {
  return {
    ...version,
    signature: { key: signature.key, value: signature.value, parent_digest: await paramsDigest(parent.params) },
  };
}

const START = ['rollout', 'start', 'base_half_spread_bps=8', '-m', ' wider, eu first ', '--stage', 'region=eu-west-1:10m'];

interface SignedBody {
  message: string;
  signature: WriteSignature;
  rollback_signature: WriteSignature;
}

describe('livetune rollout start --key', () => {
  it('signs the candidate on the head it read and the rollback after it; both verify as the versions the hub makes', async () => {
    const head = edge.write('hype-perp', { order_size: 0.3 }, 'bob', 'seed');
    const alice = await generate('alice');
    await runCli([...START, '--key', alice.file], env);
    const post = edge.requests.find((r) => r.method === 'POST' && r.path.endsWith('/rollouts'))!;
    expect(post.headers['if-match']).toBe(etagFor('hype-perp', head.lineage, head.version));
    const body = post.body as SignedBody;
    expect(body.signature.key).toBe('alice');
    expect(body.rollback_signature.key).toBe('alice');
    const trusted = [{ name: 'alice', public_key: alice.public_key }];

    const candidate = await stored(
      {
        ...head,
        version: head.version + 1,
        parent: head.version,
        params: ParamsSchema.parse(applyMergePatch(head.params, { base_half_spread_bps: 8 })),
        message: 'wider, eu first',
        kind: 'update',
      },
      head,
      body.signature,
    );
    expect(await verifyVersion(candidate, trusted)).toMatchObject({ ok: true });

    const rollback = await stored(
      {
        ...head,
        version: head.version + 2,
        parent: head.version + 1,
        params: head.params,
        message: rolloutRollbackMessage(head.version + 1, head.version),
        kind: 'rollback',
        rollback_of: head.version,
      },
      candidate,
      body.rollback_signature,
    );
    expect(await verifyVersion(rollback, trusted)).toMatchObject({ ok: true });
    // Neither signature stands in for the other, nor for a rollback to anything else.
    expect(await verifyVersion(await stored(rollback, candidate, body.signature), trusted)).toMatchObject({ ok: false });
    expect(await verifyVersion({ ...rollback, params: candidate.params }, trusted)).toMatchObject({ ok: false });
  });

  it('LIVETUNE_SIGNING_KEY signs it too; without a key the rollout is sent unsigned and unpinned', async () => {
    edge.write('hype-perp', { order_size: 0.3 }, 'bob', 'seed');
    const alice = await generate('alice');
    await runCli(START, { ...env, LIVETUNE_SIGNING_KEY: alice.file });
    await runCli(START, env);
    const posts = edge.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/rollouts'));
    expect(posts).toHaveLength(2);
    expect(posts[0]!.body).toMatchObject({ signature: { key: 'alice' }, rollback_signature: { key: 'alice' } });
    expect(posts[1]!.body).not.toHaveProperty('signature');
    expect(posts[1]!.body).not.toHaveProperty('rollback_signature');
    expect(posts[1]!.headers['if-match']).toBeUndefined();
  });

  it('refuses an unreadable key before any request (exit 2)', async () => {
    edge.write('hype-perp', { order_size: 0.3 }, 'bob', 'seed');
    const run = await runCli([...START, '--key', join(dir, 'missing.json')], env);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--key');
    expect(edge.requests.filter((r) => r.method === 'POST')).toHaveLength(0);
  });
});
