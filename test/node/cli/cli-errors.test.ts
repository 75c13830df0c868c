import { createServer } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { READ_TOKEN, startFakeEdge, WRITE_TOKEN, type FakeEdge } from './fake-edge.ts';
import { runCli, type CliRun } from './run-cli.ts';

let edge: FakeEdge;
let env: Record<string, string>;

beforeEach(async () => {
  edge = await startFakeEdge();
  env = { LIVETUNE_URL: edge.url, LIVETUNE_TOKEN: WRITE_TOKEN, LIVETUNE_SET: 'hype-perp' };
  edge.write('hype-perp', {}, 'alice', 'seed');
});
afterEach(() => edge.close());

/** A loopback port with nothing listening on it. */
async function deadUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

describe('a stale write (412)', () => {
  it('names who changed the set to which version, and the diff command', async () => {
    edge.write('hype-perp', { order_size: 0.5 }, 'bob', 'bigger clips');
    const run = await runCli(['set', 'skew_adjustment_factor=0.9', '--if-version', '1', '-m', 'mine'], env);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('it is now at v2, written by bob');
    expect(run.stderr).toContain('"bigger clips"');
    expect(run.stderr).toContain('You read v1; nothing was changed.');
    expect(run.stderr).toContain('livetune diff 1 2 --set hype-perp');
    expect(edge.versions.get('hype-perp')).toHaveLength(2);
  });
});

describe('a document the edge rejects (422)', () => {
  it('lists each field with its value and accepted range (exit 3)', async () => {
    edge.failWith(422, {
      error: {
        code: 'validation_failed',
        message: 'invalid params',
        fields: [
          { field: 'max_position', value: 0, expected: 'a finite number > 0', message: 'max_position = 0 is not accepted' },
        ],
      },
    });
    const run = await runCli(['set', 'max_position=2', '--if-version', '1', '-m', 'x'], env);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('the edge rejected the document (422)');
    expect(run.stderr).toContain('max_position = 0: expected a finite number > 0');
  });
});

describe('--no-local-check', () => {
  it('lets the edge judge the values, and renders its 422 field by field', async () => {
    const run = await runCli(['set', 'skew_adjustment_factor=5', 'order_size=0.4', '--no-local-check', '-m', 'x'], env);
    expect(run.code).toBe(3);
    expect(edge.requests.find((r) => r.method === 'PATCH')?.body).toEqual({
      params: { skew_adjustment_factor: 5, order_size: 0.4 },
      message: 'x',
    });
    expect(run.stderr).toContain('skew_adjustment_factor = 5: expected a finite number in [0, 2]');
    expect(edge.versions.get('hype-perp')).toHaveLength(1);
  });
});

describe('tokens and scopes', () => {
  it('says the token was refused on 401 and lacks write scope on 403 (exit 3)', async () => {
    const refused = await runCli(['get'], { ...env, LIVETUNE_TOKEN: 'wrong' });
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('the edge refused the token (401)');
    const readOnly = await runCli(['set', 'order_size=1', '-m', 'x', '--token', READ_TOKEN], env);
    expect(readOnly.code).toBe(3);
    expect(readOnly.stderr).toContain('the token lacks write scope (403)');
  });

  it('never prints the token, whatever happens', async () => {
    const runs: CliRun[] = [
      await runCli(['--help'], env),
      await runCli(['get', '--json'], env),
      await runCli(['get', '--token', READ_TOKEN], env),
      await runCli(['set', 'order_size=1', '-m', 'x', '--token', READ_TOKEN], env),
      await runCli(['set', 'order_size=1', '--if-version', '9', '-m', 'x'], env),
      await runCli(['set', 'order_size=1', '--if-version', '9', '-m', 'x', '--json'], env),
      await runCli(['history', '--url', await deadUrl()], env),
      await runCli(['get', '--url', 'http://user:pw@127.0.0.1:1'], env),
    ];
    for (const run of runs) {
      expect(run.stdout + run.stderr).not.toContain(WRITE_TOKEN);
      expect(run.stdout + run.stderr).not.toContain(READ_TOKEN);
    }
  });
});

describe('an unreachable edge', () => {
  it('names the URL that failed and exits 4', async () => {
    const url = await deadUrl();
    const run = await runCli(['get', '--url', url], env);
    expect(run.code).toBe(4);
    expect(run.stderr).toContain(`cannot reach ${url}/v1/sets/hype-perp/params`);
    expect(run.stderr).toContain('Check --url or LIVETUNE_URL');
  });

  it('exits 4 on a 5xx', async () => {
    edge.failWith(503, { error: { code: 'unavailable', message: 'hub down' } });
    const run = await runCli(['get'], env);
    expect(run.code).toBe(4);
    expect(run.stderr).toContain('hub down');
  });
});

describe('usage errors (exit 2)', () => {
  it('covers a missing URL, a bad set name, an unknown flag and a bad version', async () => {
    const noUrl = await runCli(['get'], { LIVETUNE_SET: 'x' });
    expect(noUrl.code).toBe(2);
    expect(noUrl.stderr).toContain('pass --url');
    const badSet = await runCli(['get', '--set', 'Bad_Set'], env);
    expect(badSet.code).toBe(2);
    expect(badSet.stderr).toContain('is not a set name');
    const flag = await runCli(['get', '--frobnicate'], env);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("unknown option '--frobnicate'");
    const version = await runCli(['show', 'latest'], env);
    expect(version.code).toBe(2);
    expect(version.stderr).toContain('is not a version');
    expect(edge.requests).toHaveLength(0);
  });

  it('exits 3 on an unknown set with a hint to list or create sets', async () => {
    const run = await runCli(['get', '--set', 'nope'], env);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('livetune sets');
  });
});

describe('--json', () => {
  it('prints errors as one JSON object on stderr with the exit code', async () => {
    const run = await runCli(['set', 'order_size=1', '--if-version', '9', '-m', 'x', '--json'], env);
    expect(run.code).toBe(3);
    const body = JSON.parse(run.stderr) as { error: { code: string; status: number; exit_code: number } };
    expect(body.error).toMatchObject({ code: 'precondition_failed', status: 412, exit_code: 3 });
  });
});
