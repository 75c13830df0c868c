/**
 * Signing in the browser (issue 16): an operator loads a key file into the dashboard (headless
 * Debian Chromium, driven by playwright-core) — read by the page, imported into WebCrypto, never
 * uploaded — and the change they apply is signed there. A real runner that requires signatures
 * (`--trusted-keys`) applies it; an unsigned write from the same page is refused by the edge (the
 * set requires signatures). Every process started here is killed by pid in afterAll.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserServer, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VersionSchema } from '../../shared/api.ts';
import { ParamsSchema } from '../../shared/params-schema.ts';
import { signWrite } from '../../shared/signing/sign-write.ts';
import { verifyVersion } from '../../shared/signing/verify-version.ts';
import { startEdge, stopAllEdges } from '../../tools/edge-process.ts';
import { type RunnerProcess, startRunner, stopAllRunners } from '../../tools/runner-process.ts';
import { testSigner } from '../helpers/signed-history.ts';
import { call, head } from './helpers/edge-http.ts';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'];
const SET = 'dash-signed';
const hasChromium = existsSync(CHROMIUM);
const inCi = process.env.CI === 'true' || process.env.CI === '1';
if (!hasChromium && !inCi) console.warn(`dashboard signing test skipped: ${CHROMIUM} is absent (apt-get install chromium)`);

type Edge = Awaited<ReturnType<typeof startEdge>>;

describe.skipIf(!hasChromium && !inCi)('signing in the dashboard (headless Chromium)', () => {
  let edge: Edge | undefined;
  let browserServer: BrowserServer | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let runner: RunnerProcess;
  let keyFile: string;
  const dir = mkdtempSync(join(tmpdir(), 'lt-dash-signed-'));
  const pageErrors: string[] = [];
  const uploads: string[] = [];

  beforeAll(async () => {
    if (!hasChromium) throw new Error(`CI=true but ${CHROMIUM} is missing: install Debian's chromium package`);
    const alice = await testSigner('alice');
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

    browserServer = await chromium.launchServer({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
    browser = await chromium.connect(browserServer.wsEndpoint());
    page = await (await browser.newContext({ viewport: { width: 1440, height: 1000 } })).newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('request', (request) => {
      const body = request.postData();
      if (body?.includes('private_key')) uploads.push(`${request.method()} ${request.url()}`);
    });
  });

  afterAll(async () => {
    const pid = browserServer?.process().pid;
    await browser?.close().catch(() => undefined);
    await browserServer?.close().catch(() => undefined);
    if (pid !== undefined) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
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
});
