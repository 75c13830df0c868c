/**
 * The operator dashboard in a real browser: Debian's Chromium (headless, driven by playwright-core)
 * against a real `wrangler dev` edge and a real runner process. An operator signs in, changes a
 * parameter with a message, sees the new version in the history and applied by the runner in the
 * fleet table, and rolls back through the confirmation dialog. The page is only ever driven the way
 * a person would drive it; the API is read directly only to check what the page claims.
 *
 * Without /usr/bin/chromium the browser suite is skipped (and says why) on a workstation; in CI
 * (CI=true) a missing Chromium is a failure. Every process started here is killed by pid in afterAll.
 * The page's validation and hint figures come from shared/ itself; test/node/dashboard checks the
 * dashboard modules that word them without a browser.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PARAMS, paramsHints } from '../../shared/index.ts';
import { CHROMIUM, closeChromium, type HeadlessChromium, launchChromium, runBrowserTests } from './helpers/headless-chromium.ts';
import { call, createSet, fleet, head, patch } from './helpers/edge-http.ts';
import { syntheticDelta } from '../../tools/synthetic-telemetry.ts';
import { startEdge, stopAllEdges } from '../../tools/edge-process.ts';
import { startRunner, stopAllRunners } from '../../tools/runner-process.ts';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SCREENSHOT = join(REPO_ROOT, 'test-results', 'dashboard.png');
const PERF_SCREENSHOT = join(REPO_ROOT, 'test-results', 'dashboard-perf.png');
const WHAT_IF_SCREENSHOT = join(REPO_ROOT, 'test-results', 'dashboard-what-if.png');
const ROLLOUT_SCREENSHOT = join(REPO_ROOT, 'test-results', 'dashboard-rollout.png');
const SET = 'dash-e2e';
const FIRST_SET = 'a-first-e2e';
const RUNNER_ID = 'dash-tokyo-1';
const REGION = 'ap-northeast-1';
/** A second runner in another region: the fleet table is about the whole fleet. */
const OTHER_RUNNER_ID = 'dash-frankfurt-1';
const OTHER_REGION = 'eu-central-1';

if (!runBrowserTests)
  console.warn(
    `dashboard browser test skipped: ${CHROMIUM} is absent (apt-get install chromium); with CI=true this is a failure`,
  );

type Edge = Awaited<ReturnType<typeof startEdge>>;

describe.skipIf(!runBrowserTests)('operator dashboard in headless Chromium', () => {
  let edge: Edge | undefined;
  let chromiumRun: HeadlessChromium | undefined;
  let page: Page;
  const pageErrors: string[] = [];
  const writes: string[] = [];
  const dirs: string[] = [];

  beforeAll(async () => {
    const persistDir = mkdtempSync(join(tmpdir(), 'lt-dash-edge-'));
    const cacheDir = mkdtempSync(join(tmpdir(), 'lt-dash-runner-'));
    dirs.push(persistDir, cacheDir);
    edge = await startEdge({ persistDir });
    await createSet(edge.url, edge.tokens.write, SET, { ...DEFAULT_PARAMS }, 'e2e: dashboard set at the defaults');
    // First in the picker: a fresh sign-in must still open the set used last, not this one.
    await createSet(edge.url, edge.tokens.write, FIRST_SET, { ...DEFAULT_PARAMS }, 'e2e: first set alphabetically');
    const runners = await Promise.all([
      startRunner({
        edgeUrl: edge.url,
        token: edge.tokens.read,
        set: SET,
        runnerId: RUNNER_ID,
        region: REGION,
        cacheDir: join(cacheDir, 'tokyo'),
      }),
      startRunner({
        edgeUrl: edge.url,
        token: edge.tokens.read,
        set: SET,
        runnerId: OTHER_RUNNER_ID,
        region: OTHER_REGION,
        cacheDir: join(cacheDir, 'frankfurt'),
      }),
    ]);
    await Promise.all(runners.map((r) => r.waitForStatus((s) => s.version === 1, { what: 'version 1 applied' })));

    chromiumRun = await launchChromium();
    const browser = chromiumRun.browser;
    const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, deviceScaleFactor: 1 });
    page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      // A CSP violation is reported on the console: the page must run under its own policy. Failed
      // requests are logged there too (the 401 of the wrong token below is expected).
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) pageErrors.push(message.text());
    });
    page.on('request', (request) => {
      if (request.method() !== 'GET') writes.push(`${request.method()} ${new URL(request.url()).pathname}`);
    });
  });

  afterAll(async () => {
    await closeChromium(chromiumRun);
    await stopAllRunners();
    await edge?.kill();
    await stopAllEdges();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('shows nothing but the login form until a token works', async () => {
    await page.goto(edge!.url);
    await expect.poll(() => page.locator('#login').isVisible()).toBe(true);
    expect(await page.locator('header.top, main.app').count()).toBe(0);

    await page.fill('#token', 'not-a-token');
    await page.click('#login-submit');
    await expect.poll(() => page.locator('#login-error').textContent()).toContain('401');
    expect(await page.locator('main.app').count()).toBe(0);

    await page.fill('#token', edge!.tokens.write);
    await page.click('#login-submit');
    await page.locator('#set-picker').waitFor();
    expect(await page.locator('#login').count()).toBe(0);
    await page.selectOption('#set-picker', SET);
    await page
      .locator('#params-title')
      .filter({ hasText: `${SET} v1` })
      .waitFor();
  });

  it('shows the current params with the derived figures of shared/hints.ts', async () => {
    const hints = paramsHints(DEFAULT_PARAMS);
    const liquidation = page.locator('[data-hint="liquidation"] .value');
    expect(await liquidation.textContent()).toBe(`|Q| > ${Number(hints.liquidation_start_inventory.toFixed(3))}`);
    expect(await page.locator('[data-hint="liquidation"]').textContent()).toContain(
      `|Q|/Qmax > ${Number(hints.liquidation_start_ratio.toFixed(3))}`,
    );
    expect(await page.locator('[data-hint="min-offset"] .value').textContent()).toBe(`${hints.min_offset_bps} bps`);
    await expect.poll(() => page.locator('tr[data-key="base_half_spread_bps"] td.current').textContent()).toBe('5');
  });

  it('refuses an out-of-range value in the browser, before anything is sent', async () => {
    await page.fill('input[data-key="base_half_spread_bps"]', '5000');
    const row = page.locator('tr[data-key="base_half_spread_bps"]');
    await expect.poll(() => row.getAttribute('class')).toContain('invalid');
    expect(await row.locator('.field-error').textContent()).toContain('(0, 1000]');
    expect(await page.locator('#apply').isDisabled()).toBe(true);
    expect(writes).toEqual([]);
  });

  it('applies a change with a message; history and the runner in the fleet table show it', async () => {
    await page.fill('input[data-key="base_half_spread_bps"]', '8');
    await page.click('#apply');
    // Without a message nothing is sent: the message is the audit trail.
    await expect.poll(() => page.locator('#edit-errors').textContent()).toContain('message is required');
    expect(writes).toEqual([]);

    await page.fill('#message', 'e2e: widen to 8 bps while the book is thin');
    await page.click('#apply');
    await page
      .locator('#params-title')
      .filter({ hasText: `${SET} v2` })
      .waitFor();
    expect(writes).toEqual([`PATCH /v1/sets/${SET}/params`]);

    const v2 = (await head(edge!.url, edge!.tokens.read, SET))!.version;
    expect(v2.params.base_half_spread_bps).toBe(8);
    const historyRow = page.locator('#history-table tr[data-version="2"]');
    await expect.poll(() => historyRow.textContent()).toContain('e2e: widen to 8 bps while the book is thin');
    expect(await historyRow.textContent()).toContain(v2.author);

    // The real runner applies v2 and reports it; the page shows that without a reload.
    const runnerRow = page.locator(`#fleet-table tr[data-runner="${RUNNER_ID}"]`);
    await expect.poll(() => runnerRow.textContent(), { timeout: 30_000 }).toMatch(/v2\s*current/);
    expect(await runnerRow.textContent()).toContain(REGION);
    expect((await fleet(edge!.url, edge!.tokens.read, SET)).runners.find((r) => r.runner_id === RUNNER_ID)?.applied_version).toBe(
      2,
    );
  });

  it('rolls back only after confirmation, and the runner follows', async () => {
    await page.click('#history-table button[data-rollback="1"]');
    const dialog = page.locator('#rollback-dialog');
    await dialog.waitFor();
    await expect.poll(() => dialog.locator('tr[data-key="base_half_spread_bps"]').textContent()).toMatch(/8\s*5/);

    await page.click('#rollback-confirm');
    await expect.poll(() => page.locator('#rollback-errors').textContent()).toContain('reason is required');
    expect(writes.filter((w) => w.includes('/rollback'))).toEqual([]);

    await page.fill('#rollback-message', 'e2e: back to the defaults, markouts got worse');
    await page.click('#rollback-confirm');
    await page
      .locator('#params-title')
      .filter({ hasText: `${SET} v3` })
      .waitFor();
    expect(await dialog.isVisible()).toBe(false);
    await expect.poll(() => page.locator('#history-table tr[data-version="3"]').textContent()).toContain('rollback to v1');
    expect(await page.locator('tr[data-key="base_half_spread_bps"] td.current').textContent()).toBe('5');

    for (const id of [RUNNER_ID, OTHER_RUNNER_ID]) {
      const runnerRow = page.locator(`#fleet-table tr[data-runner="${id}"]`);
      await expect.poll(() => runnerRow.textContent(), { timeout: 30_000 }).toMatch(/v3\s*current/);
    }
  });

  it('shows a change made elsewhere (CLI, automation) without a reload', async () => {
    await patch(edge!.url, edge!.tokens.write, SET, { order_size: 0.2 }, 'e2e: smaller clips, written through the API');
    await page
      .locator('#params-title')
      .filter({ hasText: `${SET} v4` })
      .waitFor();
    await expect.poll(() => page.locator('tr[data-key="order_size"] td.current').textContent()).toBe('0.2');
    await expect
      .poll(() => page.locator('#history-table tr[data-version="4"]').textContent())
      .toContain('written through the API');
    for (const id of [RUNNER_ID, OTHER_RUNNER_ID]) {
      const runnerRow = page.locator(`#fleet-table tr[data-runner="${id}"]`);
      await expect.poll(() => runnerRow.textContent(), { timeout: 30_000 }).toMatch(/v4\s*current/);
    }
  });

  it('shows the diff between any two versions', async () => {
    await page.selectOption('#diff-from', '1');
    await page.selectOption('#diff-to', '2');
    await page.click('#diff-show');
    const row = page.locator('#diff-result tr[data-key="base_half_spread_bps"]');
    await expect.poll(() => row.textContent()).toMatch(/5\s*8/);
    expect(await page.locator('#diff-result tbody tr').count()).toBe(1);
  });

  it('the compare "to" follows the current version unless pinned', async () => {
    const current = (await head(edge!.url, edge!.tokens.read, SET))!.version.version;
    await page.selectOption('#diff-from', '1');
    await page.selectOption('#diff-to', String(current));
    await page.click('#diff-show');
    await expect.poll(() => page.locator('#diff-result').textContent()).toContain(`v1 → v${current}`);
    await patch(edge!.url, edge!.tokens.write, SET, { order_size: 0.25 }, 'e2e: a colleague moves the set');
    await expect.poll(() => page.locator('#diff-to').inputValue()).toBe(String(current + 1));
    await expect.poll(() => page.locator('#diff-result').textContent()).toContain(`v1 → v${current + 1}`);
  });

  it('charts trading per region with a marker at each version change, and compares two versions', async () => {
    // Telemetry as runners send it, from two more runners in two regions: the version before the
    // head and the head, a few reports each (the real runners may add their own).
    const current = (await head(edge!.url, edge!.tokens.read, SET))!.version;
    const lineage = current.lineage;
    for (const [runner, region, markout] of [
      ['perf-e2e-tokyo', 'ap-northeast-1', 2],
      ['perf-e2e-frankfurt', 'eu-central-1', -1],
    ] as const) {
      for (let i = 0; i < 3; i++) {
        const telemetry = syntheticDelta(
          Date.now() - 60_000,
          [
            { version: current.version - 1, lineage, markouts: [markout + i], elapsedS: 20, pnl: { spread: 1 + i } },
            { version: current.version, lineage, markouts: [markout + i + 1, markout], elapsedS: 40, pnl: { inventory: -0.5 } },
          ],
          { last: i * 0.1, min: -0.2, max: 0.3 },
        );
        const answer = await call(edge!.url, `/v1/sets/${SET}/runners/${runner}/report`, {
          method: 'POST',
          token: edge!.tokens.read,
          body: { region, applied_version: current.version, lineage, sync_state: 'ready', telemetry },
        });
        expect(answer.status, answer.text).toBe(200);
      }
    }
    const pnl = page.locator('#chart-pnl');
    await expect.poll(() => pnl.getAttribute('data-series'), { timeout: 30_000 }).not.toBe(null);
    expect(Number(await pnl.getAttribute('data-series'))).toBeGreaterThanOrEqual(2);
    for (const id of ['#chart-pnl', '#chart-inventory', '#chart-markout', '#chart-fill_rate']) {
      expect(await page.locator(`${id} canvas`).count(), id).toBeGreaterThan(0);
      expect(Number(await page.locator(id).getAttribute('data-markers')), id).toBeGreaterThanOrEqual(2);
    }
    // Every version change of the last two hours is marked with who made it.
    const marks = await page.locator('#chart-pnl .chart-marks li').allTextContents();
    expect(marks).toContain(`v${current.version} · ${current.author}`);
    expect(await page.locator('#chart-pnl .u-legend').textContent()).toContain('eu-central-1');

    const row = page.locator(`#perf-versions tr[data-version="${current.version}"]`);
    await row.waitFor();
    await page.click('#compare-button');
    const result = page.locator('#compare-result');
    await result.waitFor();
    expect(await result.textContent()).toContain("Welch's t-test");
    expect(await result.locator('tr[data-metric="markout_5s_bps"]').getAttribute('data-verdict')).toBe('too_little_data');
    mkdirSync(join(REPO_ROOT, 'test-results'), { recursive: true });
    await page.locator('#perf-card').screenshot({ path: PERF_SCREENSHOT });
  });

  it('previews an edit with the engine in the browser: offsets and taker rates across inventory', async () => {
    const whatIf = page.locator('#what-if');
    expect(await whatIf.getAttribute('data-edited')).toBe('false');
    expect(await page.locator('#what-if-offsets').getAttribute('data-series')).toBe('2');
    // The chart's container, not its canvas: a redraw may replace the canvas between locating and capturing it.
    const before = await page.locator('#what-if-offsets').screenshot();
    await page.fill('input[data-key="skew_adjustment_factor"]', '1.8');
    await expect.poll(() => whatIf.getAttribute('data-edited')).toBe('true');
    expect(await page.locator('#what-if-offsets').getAttribute('data-series')).toBe('4');
    expect(await page.locator('#what-if-rates').getAttribute('data-series')).toBe('4');
    const after = await page.locator('#what-if-offsets').screenshot();
    expect(Buffer.compare(before, after)).not.toBe(0);
    await whatIf.screenshot({ path: WHAT_IF_SCREENSHOT });
    // Nothing was sent: the preview is computed in the page.
    expect(writes.filter((w) => w.startsWith('PATCH')).length).toBe(1);
    await page.click('#reset');
    await expect.poll(() => whatIf.getAttribute('data-edited')).toBe('false');
  });

  it('shows a rollout: stages, who runs the candidate, guardrails against thresholds, canary vs control; promotes it', async () => {
    const control = (await head(edge!.url, edge!.tokens.read, SET))!.version;
    const started = await call(edge!.url, `/v1/sets/${SET}/rollouts`, {
      method: 'POST',
      token: edge!.tokens.write,
      body: {
        params: { base_half_spread_bps: control.params.base_half_spread_bps + 1 },
        message: 'e2e: a little wider, Tokyo first',
        stages: [{ runners: { ids: [RUNNER_ID] }, bake_s: 3600 }],
        guardrails: [
          { metric: 'abs_inventory_ratio', max: 0.99 },
          { metric: 'markout_5s_bps', min: -50, vs_control: true, min_fills: 2 },
        ],
      },
    });
    expect(started.status, started.text).toBe(201);
    const candidate = control.version + 1;
    // Telemetry as the canary and a control runner send it: the candidate's markouts worse than the control's.
    for (const [runner, version, markouts] of [
      ['rollout-e2e-canary', candidate, [-2, -1, -3]],
      ['rollout-e2e-control', control.version, [2, 3, 1]],
    ] as const) {
      const telemetry = syntheticDelta(
        Date.now() - 60_000,
        [{ version, lineage: control.lineage, markouts: [...markouts], elapsedS: 60 }],
        {
          last: 0.1,
          min: 0,
          max: 0.2,
        },
      );
      const answer = await call(edge!.url, `/v1/sets/${SET}/runners/${runner}/report`, {
        method: 'POST',
        token: edge!.tokens.read,
        body: { region: REGION, applied_version: version, lineage: control.lineage, sync_state: 'ready', telemetry },
      });
      expect(answer.status, answer.text).toBe(200);
    }

    const card = page.locator('#rollout-card');
    await card.waitFor();
    expect(await page.locator('#rollout-stages').textContent()).toContain(`runners ${RUNNER_ID}`);
    await expect.poll(() => page.locator('#rollout-canaries').textContent(), { timeout: 30_000 }).toContain(RUNNER_ID);
    // Each guardrail's live value against its threshold, from the hub's evaluation.
    const markoutGuard = page.locator('#rollout-guardrails tr[data-metric="markout_5s_bps"]');
    await markoutGuard.waitFor({ timeout: 30_000 });
    expect(await markoutGuard.textContent()).toContain('≥ -50');
    expect(await page.locator('#rollout-guardrails tr[data-metric="abs_inventory_ratio"]').textContent()).toContain('≤ 0.99');
    // Canary against control, one series each, with the rollout's start marked.
    const chart = page.locator('#rollout-chart-markout');
    await expect.poll(() => chart.getAttribute('data-series'), { timeout: 30_000 }).toBe('2');
    for (const id of ['#rollout-chart-markout', '#rollout-chart-pnl', '#rollout-chart-inventory']) {
      expect(await page.locator(`${id} canvas`).count(), id).toBeGreaterThan(0);
      expect(Number(await page.locator(id).getAttribute('data-markers')), id).toBeGreaterThanOrEqual(1);
    }
    const legend = await page.locator('#rollout-chart-markout .u-legend').textContent();
    expect(legend).toContain(`canary v${candidate}`);
    expect(legend).toContain(`control v${control.version}`);
    mkdirSync(join(REPO_ROOT, 'test-results'), { recursive: true });
    await card.screenshot({ path: ROLLOUT_SCREENSHOT });

    // Promote from the page, behind a confirmation with a reason: the only stage was the last, so
    // every runner gets the candidate.
    await page.click('#rollout-promote');
    await page.locator('#decision-dialog').waitFor();
    expect(await page.locator('#decision-form').textContent()).toContain('every runner of the set gets it');
    await page.click('#decision-confirm');
    await expect.poll(() => page.locator('#decision-errors').textContent()).toContain('reason is required');
    await page.fill('#decision-message', 'e2e: canary looks fine');
    await page.click('#decision-confirm');
    await expect.poll(() => card.locator('.badge').first().textContent(), { timeout: 30_000 }).toBe('promoted');
    expect(await page.locator('#rollout-promote').count()).toBe(0);
    expect((await head(edge!.url, edge!.tokens.read, SET))!.version.version).toBe(candidate);
    const table = await fleet(edge!.url, edge!.tokens.read, SET);
    expect(table.runners.filter((r) => r.runner_id === OTHER_RUNNER_ID).map((r) => r.assigned_version)).toEqual([candidate]);
    const id = (await card.getAttribute('data-rollout'))!;
    const decided = (await call(edge!.url, `/v1/sets/${SET}/rollouts/${id}`, { token: edge!.tokens.read })).json() as {
      rollout: { events: { kind: string; detail: Record<string, unknown> }[] };
    };
    expect(decided.rollout.events.find((e) => e.kind === 'promoted')?.detail.message).toBe('e2e: canary looks fine');
  });

  it('never rebases a pending edit onto a colleague’s version: shows their change, flags overlaps, re-applies on request', async () => {
    const before = (await head(edge!.url, edge!.tokens.read, SET))!.version.version;
    await page.fill('input[data-key="max_position"]', '5');
    await page.fill('input[data-key="base_half_spread_bps"]', '9');
    await page.fill('#message', 'e2e: my edit, started before the colleague wrote');
    await patch(edge!.url, edge!.tokens.write, SET, { base_half_spread_bps: 7, requote_threshold_bps: 4 }, 'e2e: colleague');
    const conflict = page.locator('#conflict');
    await conflict.waitFor();
    expect(await conflict.textContent()).toContain(`v${before + 1} arrived while you were editing v${before}`);
    expect(await conflict.locator('tr[data-key="requote_threshold_bps"]').count()).toBe(1);
    expect(await page.locator('#conflict-both').textContent()).toContain('base_half_spread_bps');
    expect(await page.locator('input[data-key="max_position"]').inputValue()).toBe('5');
    const sent = writes.length;
    await page.click('#apply');
    await expect.poll(() => page.locator('#edit-errors').textContent()).toContain('re-apply your edits on it, or discard them');
    expect(writes.length).toBe(sent);

    await page.click('#conflict-reapply');
    await page
      .locator('#params-title')
      .filter({ hasText: `${SET} v${before + 2}` })
      .waitFor();
    const after = (await head(edge!.url, edge!.tokens.read, SET))!.version.params;
    expect(after).toMatchObject({ max_position: 5, base_half_spread_bps: 9, requote_threshold_bps: 4 });
    expect(await conflict.count()).toBe(0);
  });

  it('halts trading behind a confirmation with a reason, and shows HALTED', async () => {
    expect(await page.locator('#halted-banner').count()).toBe(0);
    await page.click('#kill-switch');
    await page.locator('#kill-dialog').waitFor();
    await page.click('#kill-confirm');
    await expect.poll(() => page.locator('#kill-errors').textContent()).toContain('reason is required');
    await page.fill('#kill-message', 'e2e: venue incident');
    await page.click('#kill-confirm');
    await page.locator('#halted-banner').waitFor();
    expect(await page.locator('#halted-banner').textContent()).toContain('HALTED');
    expect((await head(edge!.url, edge!.tokens.read, SET))!.version.params.trading_mode).toBe('halted');
    expect(await page.locator('#kill-switch').count()).toBe(0);
  });

  it('a fresh sign-in opens the set used last', async () => {
    await page.click('#logout');
    await page.goto(edge!.url);
    await page.fill('#token', edge!.tokens.write);
    await page.click('#login-submit');
    await page
      .locator('#params-title')
      .filter({ hasText: `${SET} v` })
      .waitFor();
  });

  it('gives a read token a read-only page that says why', async () => {
    const context = await chromiumRun!.browser.newContext({ viewport: { width: 1440, height: 1000 } });
    try {
      const viewer = await context.newPage();
      await viewer.goto(edge!.url);
      await viewer.fill('#token', edge!.tokens.read);
      await viewer.click('#login-submit');
      await viewer.locator('#read-only').filter({ hasText: 'read scope' }).waitFor();
      expect(await viewer.locator('#apply:visible, input[data-key]:visible, #kill-switch, [data-rollback]').count()).toBe(0);
      expect(await viewer.locator('#halted-banner, #params-table').count()).toBeGreaterThan(0);
    } finally {
      await context.close();
    }
  });

  it('ran under its own Content-Security-Policy without a script error', async () => {
    mkdirSync(join(REPO_ROOT, 'test-results'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(pageErrors).toEqual([]);
  });
});
