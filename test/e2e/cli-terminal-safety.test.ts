/**
 * Issue 11 row 6 (display part), through the real interface: the `livetune` process (bin/livetune.mjs)
 * against a real `wrangler dev` edge holding versions whose messages carry terminal escapes, and
 * against a malicious HTTP server posing as the edge with a fleet of hostile regions, reasons and
 * modes. Whatever the strings, the CLI's output holds no character a terminal acts on (the escapes
 * are shown as `\x1b…`), one runner is one line, and `--json` parses to the very strings served.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Fleet } from '../../shared/api.ts';
import { startEdge, stopAllEdges } from '../../tools/edge-process.ts';
import { eventually } from '../../tools/eventually.ts';
import { type CliProcess, type CliRun, startCli, stopAllClis } from './helpers/cli-process.ts';

const CLEAR = '\x1b[2J';
const TITLE = '\x1b]0;pwned\x07';
const HIDE = '\x1b[8m';
const FORGED = '\nfra-9  eu-west  v1  ready';
/** What a terminal would act on: C0 but newline, DEL, C1, bidi controls, line separators. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the test looks for raw control characters
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

const SET = 'terminal-safety';
type Edge = Awaited<ReturnType<typeof startEdge>>;
let edge: Edge;
let hostile: Server;
let hostileUrl: string;

const hostileFleet: Fleet = {
  set: SET,
  version: 1,
  runners: ['r1', 'r2'].map((id) => ({
    runner_id: id,
    region: `eu${CLEAR}${TITLE}${HIDE}west${FORGED}\u202e`,
    applied_version: 1,
    sync_state: 'ready' as const,
    rejected: { version: 1, reason: `no${CLEAR}\u009b2J${FORGED}` },
    trading: { mode: `active${HIDE}` },
    last_seen: new Date().toISOString(),
  })),
};

function livetune(args: string[], url: string, token?: string): Promise<CliRun>;
function livetune(args: string[], url: string, token: string | undefined, started: true): CliProcess;
function livetune(
  args: string[],
  url: string,
  token = edge?.tokens.write ?? 'any',
  started = false,
): Promise<CliRun> | CliProcess {
  const cli = startCli(args, { env: { ...process.env, LIVETUNE_URL: url, LIVETUNE_TOKEN: token, LIVETUNE_SET: SET } });
  return started ? cli : cli.done;
}

beforeAll(async () => {
  hostile = createServer((req, res) => {
    // The malicious "edge" answers the fleet call with whatever it likes, as valid JSON.
    if (req.url === `/v1/sets/${SET}/fleet`) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(hostileFleet));
    } else {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'not_found', message: `nothing here${CLEAR}${FORGED}` } }));
    }
  });
  await new Promise<void>((resolve) => hostile.listen(0, '127.0.0.1', resolve));
  hostileUrl = `http://127.0.0.1:${(hostile.address() as AddressInfo).port}`;
  edge = await startEdge({ persistDir: mkdtempSync(join(tmpdir(), 'lt-tsafe-')) });
});

afterEach(async () => {
  await stopAllClis();
});

afterAll(async () => {
  await new Promise((resolve) => hostile?.close(resolve));
  await edge?.stop();
  await stopAllEdges();
});

describe('livetune prints hostile strings visibly, never raw', () => {
  it('versions whose messages carry escapes and newlines (real wrangler dev): history, get, watch, a 412', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lt-tsafe-doc-'));
    const doc = join(dir, 'params.json');
    writeFileSync(doc, JSON.stringify({ order_size: 0.3 }));
    const created = await livetune(['apply', '-f', doc, '--create', '-m', `first${CLEAR}${TITLE}${FORGED}`], edge.url);
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const changed = await livetune(['set', 'order_size=0.4', '-m', `second${HIDE}\u202e${FORGED}`], edge.url);
    expect(changed.code).toBe(0);

    // watch long-polls from v2; the third version, with its own hostile message, is what it prints.
    const watching = livetune(['watch', '--count', '1', '--poll'], edge.url, edge.tokens.write, true);
    await eventually(() => watching.process.output('stderr').includes('watching'), { what: 'watch started', timeoutMs: 60_000 });
    const third = await livetune(['set', 'order_size=0.6', '-m', `third${TITLE}${FORGED}`], edge.url);
    expect(third.code).toBe(0);
    const watch = await watching.done;
    expect(watch.code).toBe(0);

    const [history, get, show, stale] = await Promise.all([
      livetune(['history'], edge.url),
      livetune(['get'], edge.url),
      livetune(['show', '1'], edge.url),
      livetune(['set', 'order_size=0.5', '--if-version', '1', '-m', 'stale'], edge.url),
    ]);
    for (const run of [created, changed, third, watch, history!, get!, show!, stale!]) {
      expect(`${run.stdout}${run.stderr}`).not.toMatch(RAW_CONTROL);
    }
    expect(history!.stdout).toContain('first\\x1b[2J\\x1b]0;pwned\\x07\\x0afra-9');
    expect(history!.stdout.split('\n').filter((l) => l.startsWith('fra-9'))).toHaveLength(0);
    expect(watch.stdout).toContain('third\\x1b]0;pwned\\x07\\x0afra-9');
    expect(stale!.code).toBe(3);
    expect(stale!.stderr).toContain('("third\\x1b]0;pwned\\x07\\x0afra-9');
  });

  it('a fleet from a malicious edge: one line per runner, escapes shown; --json is the exact strings', async () => {
    const table = await livetune(['fleet'], hostileUrl);
    expect(table.code).toBe(0);
    expect(table.stdout).not.toMatch(RAW_CONTROL);
    expect(table.stdout).toContain('eu\\x1b[2J\\x1b]0;pwned\\x07\\x1b[8mwest\\x0afra-9');
    expect(table.stdout.split('\n').filter((l) => l.startsWith('fra-9'))).toHaveLength(0);
    expect(table.stdout.split('\n').filter((l) => /^r[12]\b/.test(l))).toHaveLength(4); // 2 rows, 2 rejections

    const json = await livetune(['fleet', '--json'], hostileUrl);
    expect(json.stdout).not.toMatch(RAW_CONTROL);
    expect(JSON.parse(json.stdout)).toEqual(hostileFleet);

    const refused = await livetune(['history'], hostileUrl);
    expect(refused.code).toBe(3);
    expect(refused.stderr).not.toMatch(RAW_CONTROL);
    expect(refused.stderr).toContain('nothing here\\x1b[2J\\x0afra-9');
  });
});
