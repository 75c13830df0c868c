/**
 * The CLI's half of signing (issue 16): `keys generate` writes a private key only its owner can read
 * and prints the public half; every write with `--key FILE` (or `LIVETUNE_SIGNING_KEY`) carries a
 * signature of exactly the version the edge will make — checked here by verifying it as that
 * version — and a key file others can read is refused before any request.
 */
import { chmod, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Version } from '../../../shared/api.ts';
import { applyMergePatch } from '../../../shared/merge-patch.ts';
import { ParamsSchema } from '../../../shared/params-schema.ts';
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
  cli = await startSigningCli('livetune-sign-');
  ({ edge, dir, env } = cli);
});
afterEach(() => stopSigningCli(cli));

const generate = (name: string) => generateKey(cli, name);

/** The version the edge would commit from `body` on `head`, with the body's signature stored. */
async function committed(
  head: Version,
  params: Record<string, unknown>,
  body: { message: string; signature: WriteSignature },
  extra: Partial<Version> = {},
): Promise<Version> {
  return {
    ...head,
    version: head.version + 1,
    parent: head.version,
    params: ParamsSchema.parse(params),
    message: body.message,
    kind: 'update',
    ...extra,
    signature: { key: body.signature.key, value: body.signature.value, parent_digest: await paramsDigest(head.params) },
  };
}

describe('livetune keys generate', () => {
  it('writes the private key with mode 600, prints only the public key, and never overwrites a key file', async () => {
    const { file, public_key } = await generate('alice');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const saved = JSON.parse(await readFile(file, 'utf8')) as Record<string, string>;
    expect(saved).toEqual({ name: 'alice', public_key, private_key: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    const again = await runCli(['keys', 'generate', '--name', 'alice', '--out', file], env);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('exists');
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(saved);
  });

  it('refuses a name that is not a key name', async () => {
    const run = await runCli(['keys', 'generate', '--name', 'no spaces', '--out', join(dir, 'x.json')], env);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('is not a key name');
  });
});

describe('signed writes from the CLI', () => {
  it('set --key signs the merged document on the version it read; it verifies as the version the edge makes', async () => {
    const head = edge.write('hype-perp', { order_size: 0.3 }, 'bob', 'seed');
    const alice = await generate('alice');
    const run = await runCli(['set', 'order_size=0.2', '-m', ' smaller ', '--key', alice.file], env);
    expect(run.code, run.stderr).toBe(0);
    const body = edge.requests.find((r) => r.method === 'PATCH')!.body as { message: string; signature: WriteSignature };
    expect(body.signature.key).toBe('alice');
    const version = await committed(head, applyMergePatch(head.params, { order_size: 0.2 }), body);
    expect(await verifyVersion(version, [{ name: 'alice', public_key: alice.public_key }])).toMatchObject({ ok: true });
    // The same signature on any other document does not verify.
    expect(
      await verifyVersion({ ...version, params: { ...version.params, order_size: 0.25 } }, [
        { name: 'alice', public_key: alice.public_key },
      ]),
    ).toMatchObject({ ok: false });
  });

  it('LIVETUNE_SIGNING_KEY signs apply and rollback too (a rollback signs the target params)', async () => {
    const v1 = edge.write('hype-perp', { order_size: 0.3 }, 'bob', 'seed');
    const alice = await generate('alice');
    const signedEnv = { ...env, LIVETUNE_SIGNING_KEY: alice.file };
    const docFile = join(dir, 'doc.json');
    await (await import('node:fs/promises')).writeFile(docFile, JSON.stringify({ order_size: 0.1 }));
    expect((await runCli(['apply', '-f', docFile, '-m', 'doc'], signedEnv)).code).toBe(0);
    const put = edge.requests.find((r) => r.method === 'PUT')!.body as { message: string; signature: WriteSignature };
    const trusted = [{ name: 'alice', public_key: alice.public_key }];
    expect(await verifyVersion(await committed(v1, { order_size: 0.1 }, put), trusted)).toMatchObject({ ok: true });

    const v2 = edge.versions.get('hype-perp')!.at(-1)!;
    const run = await runCli(['rollback', '1', '-m', 'back'], signedEnv);
    expect(run.code, run.stderr).toBe(0);
    const post = edge.requests.find((r) => r.method === 'POST')!;
    expect(post.headers['if-match']).toBeDefined();
    const rb = post.body as { message: string; signature: WriteSignature };
    const version = await committed(v2, v1.params, rb, { kind: 'rollback', rollback_of: 1 });
    expect(await verifyVersion(version, trusted)).toMatchObject({ ok: true });
  });

  it('refuses a key file other accounts can read, and sends no write (exit 2)', async () => {
    edge.write('hype-perp', { order_size: 0.3 }, 'bob', 'seed');
    const alice = await generate('alice');
    await chmod(alice.file, 0o644);
    const before = edge.requests.length;
    const run = await runCli(['set', 'order_size=0.2', '-m', 'm', '--key', alice.file], env);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('mode 644');
    expect(edge.requests.slice(before).filter((r) => r.method !== 'GET')).toHaveLength(0);
  });
});
