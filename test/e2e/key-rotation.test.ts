/**
 * Key rotation end to end (issue 16), through the `livetune` command as an operator would do it:
 * `keys generate`, `keys add` approved by the current key, a write signed by the new key, `keys
 * remove` of the old key approved by the new one. A real runner started with only the first key in
 * `--trusted-keys` follows each change (it checks the approvals itself), applies the new key's
 * versions, and the edge refuses the removed key's writes. Every process is killed in afterEach.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEdge } from '../../tools/edge-process.ts';
import { startRunner, stopAllRunners } from '../../tools/runner-process.ts';
import { type CliRun, startCli, stopAllClis } from './helpers/cli-process.ts';
import { head } from './helpers/edge-http.ts';

type Edge = Awaited<ReturnType<typeof startEdge>>;
let edge: Edge;
const dir = mkdtempSync(join(tmpdir(), 'lt-rotation-'));
const SET = 'rotation';

beforeAll(async () => {
  edge = await startEdge({ persistDir: join(dir, 'edge') });
});
afterEach(async () => {
  await stopAllRunners();
  await stopAllClis();
});
afterAll(async () => {
  await edge?.stop();
  await rm(dir, { recursive: true, force: true });
});

async function livetune(
  args: string[],
  { token = edge.tokens.write, key }: { token?: string; key?: string } = {},
): Promise<CliRun> {
  const env = {
    ...process.env,
    LIVETUNE_URL: edge.url,
    LIVETUNE_TOKEN: token,
    LIVETUNE_SET: SET,
    LIVETUNE_SIGNING_KEY: key ?? '',
  };
  return startCli(args, { env }).done;
}

async function ok(args: string[], options?: { token?: string; key?: string }): Promise<CliRun> {
  const run = await livetune(args, options);
  expect(run.code, `livetune ${args.join(' ')}\n${run.stderr}`).toBe(0);
  return run;
}

describe('key rotation', () => {
  it('add a key (approved by the current one), write with it, remove the old one: a runner follows each step', async () => {
    const aliceFile = join(dir, 'alice.json');
    const bobFile = join(dir, 'bob.json');
    const alice = JSON.parse((await ok(['keys', 'generate', '--name', 'alice', '--out', aliceFile])).stdout) as {
      public_key: string;
    };
    const bob = JSON.parse((await ok(['keys', 'generate', '--name', 'bob', '--out', bobFile])).stdout) as { public_key: string };

    // A set created signed by alice, whose policy trusts alice alone and requires signatures.
    const doc = join(dir, 'doc.json');
    writeFileSync(doc, JSON.stringify({ order_size: 0.3 }));
    await ok(['apply', '-f', doc, '-m', 'create, signed', '--create'], { key: aliceFile });
    await ok(['keys', 'add', '--name', 'alice', '--public-key', alice.public_key, '-m', 'first key'], {
      token: edge.tokens.admin,
    });
    await ok(['policy', 'set', 'signatures=required', '-m', 'signatures required', '--key', aliceFile], {
      token: edge.tokens.admin,
    });

    const trusted = join(dir, 'trusted-keys.json');
    writeFileSync(trusted, JSON.stringify({ keys: [{ name: 'alice', public_key: alice.public_key }] }));
    const runner = await startRunner({
      edgeUrl: edge.url,
      token: edge.tokens.read,
      set: SET,
      runnerId: 'r-rotation',
      region: 'eu-west-1',
      cacheDir: join(dir, 'cache'),
      extraArgs: ['--wait', '2', '--interval', '0.5', '--trusted-keys', trusted],
    });
    await runner.waitForStatus((s) => s.version === 1 && s.sync_state === 'ready', { what: 'the signed v1' });

    // Without alice's approval the key list does not change (exit 2 before anything is sent).
    const unapproved = await livetune(['keys', 'add', '--name', 'bob', '--public-key', bob.public_key, '-m', 'add bob'], {
      token: edge.tokens.admin,
    });
    expect(unapproved.code).toBe(2);
    expect(unapproved.stderr).toContain('needs approvals by 1 of the current keys (alice)');
    await ok(['keys', 'add', '--name', 'bob', '--public-key', bob.public_key, '-m', 'add bob', '--key', aliceFile], {
      token: edge.tokens.admin,
    });

    // bob's write: the runner reads the policy, checks alice approved bob, and applies it.
    await ok(['set', 'order_size=0.2', '-m', 'signed by bob'], { key: bobFile });
    const v2 = await runner.waitForStatus((s) => s.version === 2, { what: "bob's v2 applied" });
    expect(v2.params?.order_size).toBe(0.2);
    expect(v2.rejected).toBeNull();

    // alice is removed, approved by bob; her writes are refused from now on.
    await ok(['keys', 'remove', '--name', 'alice', '-m', 'alice left', '--key', bobFile], { token: edge.tokens.admin });
    const refused = await livetune(['set', 'order_size=0.1', '-m', 'signed by alice'], { key: aliceFile });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('signature');
    await ok(['set', 'order_size=0.25', '-m', 'signed by bob again'], { key: bobFile });
    await runner.waitForStatus((s) => s.version === 3 && s.params?.order_size === 0.25, { what: "bob's v3 applied" });
    // The runner followed both changes, and says so.
    await runner.waitFor(
      () => {
        const followed = runner.logRecords().filter((r) => r.msg?.toString().startsWith('trusted keys changed'));
        return followed.some((r) => JSON.stringify(r.keys) === JSON.stringify(['bob']));
      },
      { what: 'the runner following the removal of alice' },
    );
    expect((await head(edge.url, edge.tokens.read, SET))!.version.signature?.key).toBe('bob');
    expect(readFileSync(join(dir, 'cache', `${SET}.json`), 'utf8')).toContain('"key": "bob"');
  });
});
