import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { etagFor } from '../../../shared/etag.ts';
import { FAKE_LINEAGE, startFakeEdge, WRITE_TOKEN, type FakeEdge } from './fake-edge.ts';
import { runCli } from './run-cli.ts';

let edge: FakeEdge;
let dir: string;
let env: Record<string, string>;

beforeEach(async () => {
  edge = await startFakeEdge();
  dir = await mkdtemp(join(tmpdir(), 'livetune-cli-'));
  env = { LIVETUNE_URL: edge.url, LIVETUNE_TOKEN: WRITE_TOKEN, LIVETUNE_SET: 'hype-perp' };
});
afterEach(async () => {
  await edge.close();
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, content: unknown): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

describe('livetune set', () => {
  it('sends a PATCH of the given keys with If-Match of the version it just read, and the message', async () => {
    edge.write('hype-perp', { skew_adjustment_factor: 0.5 }, 'bob', 'seed');
    const run = await runCli(['set', 'skew_adjustment_factor=0.8', 'trading_mode=reduce_only', '-m', 'inventory too long'], env);
    expect(run.code).toBe(0);
    const write = edge.requests.find((r) => r.method === 'PATCH');
    expect(write?.path).toBe('/v1/sets/hype-perp/params');
    expect(write?.headers['if-match']).toBe(etagFor('hype-perp', FAKE_LINEAGE, 1));
    expect(write?.headers['content-type']).toBe('application/json');
    expect(write?.body).toEqual({
      params: { skew_adjustment_factor: 0.8, trading_mode: 'reduce_only' },
      message: 'inventory too long',
    });
    expect(run.stdout).toContain('hype-perp v2');
    expect(run.stdout).toContain('skew_adjustment_factor: 0.5 → 0.8');
  });

  it('rejects a value out of range before any request, naming the key, the value and the range (exit 2)', async () => {
    const run = await runCli(['set', 'skew_adjustment_factor=5', '-m', 'why'], env);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('skew_adjustment_factor = 5: expected a finite number in [0, 2]');
    expect(edge.requests).toHaveLength(0);
  });

  it('rejects an unknown key with a suggestion, a string for a number and a malformed pair (exit 2)', async () => {
    const typo = await runCli(['set', 'skew_adjustment_factr=0.8', '-m', 'why'], env);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('did you mean "skew_adjustment_factor"');
    const word = await runCli(['set', 'order_size=big', '-m', 'why'], env);
    expect(word.stderr).toContain('order_size = "big": expected a finite number > 0');
    const infinite = await runCli(['set', 'order_size=1e999', '-m', 'why'], env);
    expect(infinite.code).toBe(2);
    const malformed = await runCli(['set', 'order_size', '-m', 'why'], env);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain('"order_size" is not key=value');
    expect(edge.requests).toHaveLength(0);
  });

  it('requires a message on every write (exit 2, nothing sent)', async () => {
    for (const argv of [['set', 'order_size=1'], ['rollback', '1'], ['apply', '-f', 'x.json'], ['edit']]) {
      const run = await runCli(argv, env);
      expect(run.code, argv.join(' ')).toBe(2);
      expect(run.stderr).toContain('--message');
    }
    const blank = await runCli(['set', 'order_size=1', '-m', '  '], env);
    expect(blank.code).toBe(2);
    expect(blank.stderr).toContain('a message is required');
    expect(edge.requests).toHaveLength(0);
  });

  it('sends null to put a key back to its default', async () => {
    edge.write('hype-perp', { order_size: 1 }, 'bob', 'seed');
    const run = await runCli(['set', 'order_size=null', '-m', 'back to default'], env);
    expect(run.code).toBe(0);
    expect(edge.requests.find((r) => r.method === 'PATCH')?.body).toEqual({
      params: { order_size: null },
      message: 'back to default',
    });
  });
});

describe('livetune apply', () => {
  it('replaces the document with PUT and If-Match of the current version', async () => {
    edge.write('hype-perp', {}, 'bob', 'seed');
    const path = await file('p.json', { skew_adjustment_factor: 1.5, max_position: 5 });
    const run = await runCli(['apply', '-f', path, '-m', 'new regime'], env);
    expect(run.code).toBe(0);
    const put = edge.requests.find((r) => r.method === 'PUT');
    expect(put?.headers['if-match']).toBe(etagFor('hype-perp', FAKE_LINEAGE, 1));
    expect(put?.headers['if-none-match']).toBeUndefined();
    expect(put?.body).toEqual({ params: { skew_adjustment_factor: 1.5, max_position: 5 }, message: 'new regime' });
  });

  it('creates a missing set with If-None-Match: *', async () => {
    const path = await file('p.json', { order_size: 0.5 });
    const run = await runCli(['apply', '-f', path, '-m', 'first version', '--set', 'btc-usdt'], env);
    expect(run.code).toBe(0);
    const put = edge.requests.find((r) => r.method === 'PUT');
    expect(put?.path).toBe('/v1/sets/btc-usdt/params');
    expect(put?.headers['if-none-match']).toBe('*');
    expect(put?.headers['if-match']).toBeUndefined();
    expect(edge.versions.get('btc-usdt')?.[0]?.kind).toBe('create');
  });

  it('with --create sends If-None-Match: * without reading first, and says so when the set exists', async () => {
    edge.write('hype-perp', {}, 'bob', 'seed');
    const path = await file('p.json', { order_size: 0.5 });
    const run = await runCli(['apply', '-f', path, '--create', '-m', 'again'], env);
    expect(edge.requests.map((r) => r.method)).toEqual(['PUT']);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('hype-perp already exists at v1');
  });

  it('validates the file locally and sends nothing when it is invalid (exit 2)', async () => {
    const bad = await file('bad.json', { skew_adjustment_factor: -1, max_positon: 3 });
    const run = await runCli(['apply', '-f', bad, '-m', 'oops'], env);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('skew_adjustment_factor = -1: expected a finite number in [0, 2]');
    expect(run.stderr).toContain('did you mean "max_position"');
    const notJson = await runCli(['apply', '-f', await file('x.json', '{nope'), '-m', 'oops'], env);
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toContain('is not valid JSON');
    expect(edge.requests).toHaveLength(0);
  });
});

describe('livetune rollback', () => {
  it('POSTs the target version and the message, and shows what changed', async () => {
    edge.write('hype-perp', { order_size: 0.3 }, 'bob', 'seed');
    edge.write('hype-perp', { order_size: 0.9 }, 'bob', 'bigger');
    const run = await runCli(['rollback', '1', '-m', 'too big'], env);
    expect(run.code).toBe(0);
    const post = edge.requests.find((r) => r.method === 'POST');
    expect(post?.path).toBe('/v1/sets/hype-perp/rollback');
    expect(post?.body).toEqual({ to: 1, message: 'too big' });
    expect(run.stdout).toContain('hype-perp v3 · rollback to v1');
    expect(run.stdout).toContain('order_size: 0.9 → 0.3');
  });
});

describe('livetune edit', () => {
  it('writes the edited document with If-Match of the version it opened', async () => {
    edge.write('hype-perp', {}, 'bob', 'seed');
    const editFile = async (path: string) => {
      const { readFile } = await import('node:fs/promises');
      const doc = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
      await writeFile(path, JSON.stringify({ ...doc, requote_threshold_bps: 20 }));
    };
    const run = await runCli(['edit', '-m', 'requote less'], { ...env, EDITOR: 'true' }, { editFile });
    expect(run.code).toBe(0);
    const put = edge.requests.find((r) => r.method === 'PUT');
    expect(put?.headers['if-match']).toBe(etagFor('hype-perp', FAKE_LINEAGE, 1));
    expect((put!.body as { params: Record<string, unknown> }).params.requote_threshold_bps).toBe(20);
  });

  it('keeps the edited document when the write is refused, and says where', async () => {
    edge.write('hype-perp', {}, 'bob', 'seed');
    const editFile = async (path: string) => {
      edge.write('hype-perp', { order_size: 2 }, 'carol', 'meanwhile');
      await writeFile(path, JSON.stringify({ order_size: 0.4 }));
    };
    const run = await runCli(['edit', '-m', 'mine'], env, { editFile });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('written by carol');
    const kept = /kept at (\S+\.json)/.exec(run.stderr)?.[1];
    const { readFile } = await import('node:fs/promises');
    expect(JSON.parse(await readFile(kept!, 'utf8'))).toEqual({ order_size: 0.4 });
    await rm(join(kept!, '..'), { recursive: true, force: true });
  });

  it('re-opens the editor on an invalid document, and aborts with exit 2 when told not to', async () => {
    edge.write('hype-perp', {}, 'bob', 'seed');
    let opened = 0;
    const editFile = async (path: string) => {
      opened += 1;
      await writeFile(path, JSON.stringify({ order_size: opened === 1 ? -1 : 0.4 }));
    };
    const fixed = await runCli(['edit', '-m', 'x'], env, { editFile, confirm: async () => true });
    expect(fixed.code).toBe(0);
    expect(opened).toBe(2);
    expect(fixed.stderr).toContain('order_size = -1');
    const aborted = await runCli(['edit', '-m', 'x'], env, { editFile: async (p) => writeFile(p, '{"order_size":-1}') });
    expect(aborted.code).toBe(2);
    expect(aborted.stderr).toContain('aborted');
    expect(edge.requests.filter((r) => r.method === 'PUT')).toHaveLength(1);
  });
});
