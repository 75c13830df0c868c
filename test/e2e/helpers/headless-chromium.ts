/**
 * Debian's Chromium, headless, for the browser tests (driven by playwright-core, never downloaded).
 * Without /usr/bin/chromium a browser suite is skipped on a workstation, and fails under CI=true.
 * Started with launchServer, not launch: only the server hands out the browser's process, so `close`
 * can kill it by pid after closing it politely. Each launch gets a fresh temporary profile that
 * Playwright deletes on close.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserServer } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
export const inCi = process.env.CI === 'true' || process.env.CI === '1';
/** Whether a browser suite runs: with Chromium, or in CI (where its absence is a failure). */
export const runBrowserTests = hasChromium || inCi;

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface HeadlessChromium {
  server: BrowserServer;
  browser: Browser;
}

/** Starts the browser; throws, naming the package, when CI runs without it. */
export async function launchChromium(): Promise<HeadlessChromium> {
  if (!hasChromium)
    throw new Error(`CI=true but ${CHROMIUM} is missing: install Debian's chromium package; browser tests must run in CI`);
  const server = await chromium.launchServer({ executablePath: CHROMIUM, args: ARGS, headless: true });
  return { server, browser: await chromium.connect(server.wsEndpoint()) };
}

/** Closes the browser and kills its process by pid (also when closing failed). */
export async function closeChromium(chromiumRun: HeadlessChromium | undefined): Promise<void> {
  if (chromiumRun === undefined) return;
  const pid = chromiumRun.server.process().pid;
  await chromiumRun.browser.close().catch(() => undefined);
  await chromiumRun.server.close().catch(() => undefined);
  if (pid === undefined) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone after close().
  }
}
