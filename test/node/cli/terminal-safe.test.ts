/**
 * Issue 11 row 6 (display part): strings that came from the edge or a runner — a region holding
 * `ESC [2J`, a window-title sequence, `ESC [8m`, a newline forging a table row, a bidi override —
 * are printed visibly by every terminal output of the CLI and by `npm start`'s live view, and
 * `--json` stays exact JSON.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Fleet } from '../../../shared/api.ts';
import { terminalSafe } from '../../../cli/terminal-safe.ts';
import { renderView } from '../../../tools/start/live-view.ts';
import { startFakeEdge, WRITE_TOKEN, type FakeEdge } from './fake-edge.ts';
import { runCli } from './run-cli.ts';

const CLEAR = '\x1b[2J';
const TITLE = '\x1b]0;pwned\x07';
const HIDE = '\x1b[8m';
const FORGED_ROW = '\nfra-9  eu-west  v7  ready';
const HOSTILE = `eu${CLEAR}${TITLE}${HIDE}west${FORGED_ROW}\u202e\u009b2J\x7f`;

/** Any character a terminal would act on: C0 but newline, DEL, C1, bidi controls, line separators. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the test looks for raw control characters
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

function hostileRunner(runnerId: string): Fleet['runners'][number] {
  return {
    runner_id: runnerId,
    region: HOSTILE,
    applied_version: 1,
    sync_state: 'ready',
    sync_mode: 'longpoll',
    rejected: { version: 1, reason: `bad${CLEAR}\nreason` },
    last_seen: '2026-11-24T15:00:55.000Z',
  } as Fleet['runners'][number];
}

describe('terminalSafe', () => {
  it('shows C0, DEL, C1 and bidi controls visibly, newlines too in a line', () => {
    expect(terminalSafe(`a${CLEAR}b\nc\u202ed\u009b\x7f\t`)).toBe('a\\x1b[2Jb\\x0ac\\u202ed\\x9b\\x7f\\x09');
  });

  it('keeps newlines in text, and leaves printable text (accents, emoji, CJK) alone', () => {
    expect(terminalSafe(`row 1\nrow 2${HIDE}`, 'text')).toBe('row 1\nrow 2\\x1b[8m');
    expect(terminalSafe('zürich · 東京 · 🚀', 'line')).toBe('zürich · 東京 · 🚀');
  });

  it('keeps JSON exact: the escaped text parses to the very same value', () => {
    const value = { region: HOSTILE, nested: [`${TITLE}\u2066x\u2069`] };
    const safe = terminalSafe(JSON.stringify(value, null, 2), 'json');
    expect(safe).not.toMatch(RAW_CONTROL);
    expect(JSON.parse(safe)).toEqual(value);
  });

  it('keeps the live view of npm start on its own lines', () => {
    const view = renderView(
      {
        set: 'hype-perp',
        edgeUrl: 'http://127.0.0.1:8787',
        dashboardUrl: 'http://127.0.0.1:8787/',
        writeToken: 'w',
        headVersion: 1,
      },
      [{ runner_id: `r1${CLEAR}`, region: HOSTILE, version: 1, sync_state: `ready${HIDE}`, trading: { mode: `x${TITLE}` } }],
    );
    expect(view).not.toMatch(RAW_CONTROL);
    expect(view.split('\n').filter((l) => l.includes('fra-9'))).toHaveLength(1);
    expect(view).toContain('eu\\x1b[2J');
  });
});

describe('livetune output from a hostile edge', () => {
  let edge: FakeEdge;
  let env: Record<string, string>;

  beforeEach(async () => {
    edge = await startFakeEdge();
    env = { LIVETUNE_URL: edge.url, LIVETUNE_TOKEN: WRITE_TOKEN, LIVETUNE_SET: 'hype-perp' };
    edge.write('hype-perp', {}, 'bob', `seed${CLEAR}\nforged line`);
    edge.fleet.set('hype-perp', [hostileRunner('r1'), hostileRunner('r2')]);
  });
  afterEach(async () => {
    await edge.close();
  });

  it('fleet: no raw control character, one line per runner, the escapes shown', async () => {
    const run = await runCli(['fleet'], env);
    expect(run.code).toBe(0);
    expect(run.stdout).not.toMatch(RAW_CONTROL);
    expect(run.stdout).toContain('eu\\x1b[2J\\x1b]0;pwned\\x07\\x1b[8mwest\\x0afra-9');
    // The forged row is a visible part of r1's and r2's region cells, never a line of its own.
    expect(run.stdout.split('\n').filter((l) => /^fra-9/.test(l))).toHaveLength(0);
    expect(run.stdout.split('\n').filter((l) => /^r[12]/.test(l))).toHaveLength(4); // 2 rows + 2 rejection lines
  });

  it('history, get, diff and a 412 show the version message on one line with its escapes visible', async () => {
    edge.write('hype-perp', { order_size: 1 }, `mallory${HIDE}`, `second${TITLE}\nok`);
    for (const argv of [['history'], ['get'], ['show', '2'], ['diff', '1']]) {
      const run = await runCli(argv, env);
      expect(run.code, argv.join(' ')).toBe(0);
      expect(`${run.stdout}${run.stderr}`, argv.join(' ')).not.toMatch(RAW_CONTROL);
    }
    const stale = await runCli(['set', 'order_size=2', '--if-version', '1', '-m', 'mine'], env);
    expect(stale.code).toBe(3);
    expect(stale.stderr).not.toMatch(RAW_CONTROL);
    expect(stale.stderr).toContain('mallory\\x1b[8m');
  });

  it('--json stays exact JSON (same values) with no raw control character', async () => {
    const run = await runCli(['fleet', '--json'], env);
    expect(run.stdout).not.toMatch(RAW_CONTROL);
    expect((JSON.parse(run.stdout) as Fleet).runners[0]!.region).toBe(HOSTILE);
  });

  it('an unknown option echoed by the parser is escaped too', async () => {
    const run = await runCli(['get', `--x${CLEAR}`], env);
    expect(run.code).toBe(2);
    expect(run.stderr).not.toMatch(RAW_CONTROL);
    expect(run.stderr).toContain('--x\\x1b[2J');
  });
});
