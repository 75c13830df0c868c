/**
 * Signing in the browser (issue 16): an operator loads a key file into the dashboard (headless
 * Debian Chromium, driven by playwright-core) — read by the page, imported into WebCrypto, never
 * uploaded — and the change they apply is signed there. A real runner that requires signatures
 * (`--trusted-keys`) applies it; an unsigned write from the same page is refused by the edge (the
 * set requires signatures). Every process started here is killed by pid in afterAll.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VersionSchema } from '../../shared/api.ts';
import { ParamsSchema } from '../../shared/params-schema.ts';
import { etagFor } from '../../shared/etag.ts';
import { RolloutAnswerSchema } from '../../shared/rollout.ts';
import { signRollout } from '../../shared/signing/sign-rollout.ts';
import { signWrite } from '../../shared/signing/sign-write.ts';
import { verifyVersion } from '../../shared/signing/verify-version.ts';
import { startEdge, stopAllEdges } from '../../tools/edge-process.ts';
import { type RunnerProcess, startRunner, stopAllRunners } from '../../tools/runner-process.ts';
import { testSigner } from '../helpers/signed-history.ts';
import { CHROMIUM, closeChromium, type HeadlessChromium, launchChromium, runBrowserTests } from './helpers/headless-chromium.ts';
import { call, head } from './helpers/edge-http.ts';

const SET = 'dash-signed';
if (!runBrowserTests)
  console.warn(
    `dashboard signing test skipped: ${CHROMIUM} is absent (apt-get install chromium); with CI=true this is a failure`,
  );

type Edge = Awaited<ReturnType<typeof startEdge>>;

describe.skipIf(!runBrowserTests)('signing in the dashboard (headless Chromium)', () => {
  let edge: Edge | undefined;
  let chromiumRun: HeadlessChromium | undefined;
  let page: Page;
  let runner: RunnerProcess;
  let keyFile: string;
  let alice: Awaited<ReturnType<typeof testSigner>>;
  const dir = mkdtempSync(join(tmpdir(), 'lt-dash-signed-'));
  const pageErrors: string[] = [];
  const uploads: string[] = [];

  beforeAll(async () => {
    alice = await testSigner('alice');
    keyFile = join(dir, 'alice.livetune-key.json');
    writeFileSync(keyFile, JSON.stringify(alice.file), { mode: 0o600 });
    const trusted = join(dir, 'trusted-keys.json');
    writeFileSync(trusted, JSON.stringify({ keys: [alice.trusted] }));

    edge = await startEdge({ persistDir: join(dir, 'edge') });
    const params = ParamsSchema.parse({});
    const signature = await signWrite({ set: SET, head: undefined, params, message: 'create, signed' }, alice.signer);
    const created = await call(edge.url, `/v1/sets/${SET}/params`, {
      method: 'PUT',
      token: edge.tokens.write,
      headers: { 'if-none-match': '*' },
      body: { params, message: 'create, signed', signature },
    });
    expect(created.status, created.text).toBe(201);
    const policy = await call(edge.url, `/v1/sets/${SET}/policy`, {
      method: 'PUT',
      token: edge.tokens.admin,
      headers: { 'if-match': '*' },
      body: { signatures: 'required', keys: [alice.trusted], message: 'signatures required' },
    });
    expect(policy.status, policy.text).toBe(200);
    runner = await startRunner({
      edgeUrl: edge.url,
      token: edge.tokens.read,
      set: SET,
      runnerId: 'dash-signed-1',
      region: 'eu-west-1',
      cacheDir: join(dir, 'cache'),
      extraArgs: ['--trusted-keys', trusted],
    });
    await runner.waitForStatus((s) => s.version === 1, { what: 'the signed v1 applied' });

    chromiumRun = await launchChromium();
    const browser = chromiumRun.browser;
    page = await (await browser.newContext({ viewport: { width: 1440, height: 1000 } })).newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('request', (request) => {
      const body = request.postData();
      if (body?.includes('private_key')) uploads.push(`${request.method()} ${request.url()}`);
    });
  });

  afterAll(async () => {
    await closeChromium(chromiumRun);
    await stopAllRunners();
    await edge?.kill();
    await stopAllEdges();
    rmSync(dir, { recursive: true, force: true });
  });

  it('an unsigned change from the page is refused by the edge, naming the signature', async () => {
    await page.goto(edge!.url);
    await page.fill('#token', edge!.tokens.write);
    await page.click('#login-submit');
    await page.locator('#set-picker').waitFor();
    await page.selectOption('#set-picker', SET);
    await page
      .locator('#params-title')
      .filter({ hasText: `${SET} v1` })
      .waitFor();
    await page.fill('input[data-key="base_half_spread_bps"]', '7');
    await page.fill('#message', 'e2e: unsigned attempt');
    await page.click('#apply');
    await expect.poll(() => page.locator('body').textContent()).toContain('requires signed writes');
    expect((await head(edge!.url, edge!.tokens.read, SET))!.version.version).toBe(1);
  });

  it('a change signed in the browser with a loaded key is applied by a runner that requires signatures', async () => {
    await page.setInputFiles('#signing-key-file', keyFile);
    await expect.poll(() => page.locator('#signing-key').textContent()).toContain('alice');
    await page.fill('input[data-key="base_half_spread_bps"]', '8');
    await page.fill('#message', 'e2e: signed in the browser');
    await page.click('#apply');
    await page
      .locator('#params-title')
      .filter({ hasText: `${SET} v2` })
      .waitFor();

    const answer = await call(edge!.url, `/v1/sets/${SET}/versions/2`, { token: edge!.tokens.read });
    const v2 = VersionSchema.parse(answer.json());
    expect(v2.signature?.key).toBe('alice');
    expect(v2.params.base_half_spread_bps).toBe(8);
    const trusted = JSON.parse(await (await import('node:fs/promises')).readFile(keyFile, 'utf8')) as {
      name: string;
      public_key: string;
    };
    expect(await verifyVersion(v2, [{ name: trusted.name, public_key: trusted.public_key }])).toMatchObject({ ok: true });

    const applied = await runner.waitForStatus((s) => s.version === 2, { what: 'the browser-signed v2 applied' });
    expect(applied.params?.base_half_spread_bps).toBe(8);
    expect(applied.rejected).toBeNull();
    expect(uploads).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('the kill switch from the page during a signed rollout is signed on the candidate, ends the rollout and is applied', async () => {
    // A signed rollout whose only stage is another runner: v3 is the candidate in flight, the head stays v2.
    const v2 = (await head(edge!.url, edge!.tokens.read, SET))!.version;
    const params = ParamsSchema.parse({ ...v2.params, base_half_spread_bps: 9 });
    const signed = await signRollout({ set: SET, head: v2, params, message: 'e2e: canary elsewhere' }, alice.signer);
    const started = await call(edge!.url, `/v1/sets/${SET}/rollouts`, {
      method: 'POST',
      token: edge!.tokens.write,
      headers: { 'if-match': etagFor(SET, v2.lineage, v2.version) },
      body: {
        params: { base_half_spread_bps: 9 },
        message: 'e2e: canary elsewhere',
        stages: [{ runners: { ids: ['not-this-runner'] }, bake_s: 3600 }],
        ...signed,
      },
    });
    expect(started.status, started.text).toBe(201);
    const rollout = RolloutAnswerSchema.parse(started.json()).rollout;
    expect(rollout).toMatchObject({ version: 3, base: 2, state: 'running' });

    await page.click('#kill-switch');
    await page.locator('#kill-dialog').waitFor();
    await page.fill('#kill-message', 'e2e: halt during the rollout');
    await page.click('#kill-confirm');
    await page.locator('#halted-banner').waitFor();

    // The halt is v4, after the candidate, signed by alice on v3 — and a runner that requires signatures applies it.
    const v4 = VersionSchema.parse((await call(edge!.url, `/v1/sets/${SET}/versions/4`, { token: edge!.tokens.read })).json());
    expect(v4).toMatchObject({ parent: 3, params: { trading_mode: 'halted', base_half_spread_bps: 8 } });
    expect(v4.signature?.key).toBe('alice');
    const ended = RolloutAnswerSchema.parse(
      (await call(edge!.url, `/v1/sets/${SET}/rollouts/${rollout.id}`, { token: edge!.tokens.read })).json(),
    ).rollout;
    expect(ended.state).toBe('aborted');
    const halted = await runner.waitForStatus((s) => s.version === 4, { what: 'the signed halt applied' });
    expect(halted.params?.trading_mode).toBe('halted');
    expect(halted.rejected).toBeNull();
    expect(pageErrors).toEqual([]);
  });
});
