import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureDevVars } from '../../../tools/start/dev-vars.ts';
import { renderTable, renderView } from '../../../tools/start/live-view.ts';

describe('ensureDevVars', () => {
  it('generates a write and a read token once, then reuses them', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'lt-devvars-')), '.dev.vars');
    const first = ensureDevVars(path);
    expect(first.created).toBe(true);
    expect(first.tokens.write).not.toBe(first.tokens.read);
    expect(readFileSync(path, 'utf8')).toContain(`operator:write:${first.tokens.write},runner:read:${first.tokens.read}`);
    expect(statSync(path).mode & 0o077).toBe(0);
    const second = ensureDevVars(path);
    expect(second).toEqual({ tokens: first.tokens, created: false });
  });

  it('keeps the other variables of an existing file when it adds tokens', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'lt-devvars-')), '.dev.vars');
    writeFileSync(path, 'OTHER="kept"\n');
    ensureDevVars(path);
    expect(readFileSync(path, 'utf8')).toMatch(/^OTHER="kept"\n/);
  });
});

describe('the npm start view', () => {
  const header = {
    set: 'hype-perp',
    edgeUrl: 'http://127.0.0.1:8787',
    dashboardUrl: 'http://127.0.0.1:8787/',
    writeToken: 'lt_w_x',
    headVersion: 4,
  };

  it('shows one row per runner with version, sync state, quotes, inventory, fills, 5 s markout and P&L with its unit', () => {
    const table = renderTable([
      {
        runner_id: 'eu-west-1',
        region: 'eu-west',
        version: 4,
        sync_state: 'ready',
        trading: {
          mid: 25.1234,
          bid: 25.11,
          ask: 25.14,
          inventory: -0.3,
          pnl: 1.5,
          pnl_unit: 'USDC',
          fills: 42,
          markout_5s_bps: -1.234,
          mode: 'active',
        },
      },
      { runner_id: 'us-east-1', region: 'us-east', version: 3, sync_state: 'stale' },
    ]);
    const [heading, , first, second] = table.split('\n');
    expect(heading).toMatch(/^runner\s+region\s+version\s+sync\s+mode\s+mid\s+bid\s+ask\s+inventory\s+fills\s+mo 5s bps\s+P&L$/);
    expect(first).toMatch(
      /eu-west-1\s+eu-west\s+v4\s+ready\s+active\s+25\.123\s+25\.110\s+25\.140\s+-0\.30\s+42\s+-1\.23\s+1\.50 USDC$/,
    );
    expect(second).toMatch(/us-east-1\s+us-east\s+v3\s+stale\s+—/);
  });

  it('says which runner does not answer', () => {
    expect(
      renderTable([{ runner_id: 'ap-tokyo-1', region: 'ap-tokyo', version: null, sync_state: '?', unreachable: 'TimeoutError' }]),
    ).toContain('down: TimeoutError');
  });

  it('names the dashboard URL, the write token and the head version', () => {
    const view = renderView(header, [], new Date('2026-11-24T12:00:00Z'));
    expect(view).toContain('dashboard  http://127.0.0.1:8787/');
    expect(view).toContain('lt_w_x');
    expect(view).toContain('head v4');
  });
});
