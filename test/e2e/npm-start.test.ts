/**
 * `npm start` as a newcomer runs it: the whole system comes up, the terminal view shows three
 * runners on the default set, the dashboard answers at the printed URL, Ctrl-C stops everything
 * (runners first), and a second start finds the same history.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../../tools/eventually.ts';
import { freePort } from '../../tools/free-port.ts';
import { startProcess, type ManagedProcess } from '../../tools/managed-process.ts';

const root = resolve(import.meta.dirname, '../..');

const running: ManagedProcess[] = [];

function start(home: string, port: number): ManagedProcess {
  const npmStart = startProcess('npm start', process.execPath, [join(root, 'tools', 'start.ts')], {
    cwd: root,
    env: { ...process.env, LIVETUNE_HOME: home, LIVETUNE_PORT: String(port), LIVETUNE_SET: 'e2e-start' },
  });
  running.push(npmStart);
  return npmStart;
}

const output = (p: ManagedProcess) => p.lines.join('\n');

/** Waits until `predicate` holds on what npm start printed (its first start builds, starts wrangler and three runners). */
function until(p: ManagedProcess, predicate: (text: string) => boolean, what: string): Promise<unknown> {
  return eventually(() => predicate(output(p)), { what, timeoutMs: 180_000, intervalMs: 200, context: () => p.tail(40) });
}

afterEach(async () => {
  // Kills npm start's group; its children (edge, runners) are groups of their own: stop npm start
  // with SIGINT first, so it stops them, then make sure.
  await Promise.all(running.splice(0).map((p) => p.stop({ signal: 'SIGINT', graceMs: 30_000 })));
});

const readyRows = (text: string) =>
  ['eu-west-1', 'us-east-1', 'ap-tokyo-1'].every((id) => new RegExp(`${id}\\s+\\S+\\s+v\\d+\\s+ready`).test(text));

describe('npm start', () => {
  it('brings up the edge, the default set and three runners, and stops cleanly on Ctrl-C', async () => {
    const home = mkdtempSync(join(tmpdir(), 'lt-start-'));
    const port = await freePort();
    const first = start(home, port);
    await until(first, readyRows, 'three ready runners in the view');
    expect(output(first)).toContain('created set e2e-start with the default params (v1)');
    const dashboardUrl = /dashboard\s+(http:\/\/\S+)/.exec(output(first))?.[1];
    expect(dashboardUrl).toBe(`http://127.0.0.1:${port}/`);
    const page = await fetch(dashboardUrl!);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<html');

    // Ctrl-C in a terminal reaches npm start's process group only (its children have their own).
    first.signal('SIGINT');
    expect((await first.exited).code).toBe(0);
    expect(output(first)).toMatch(/eu-west-1 exited 0/);
    expect(output(first)).toMatch(/edge stopped/);

    const second = start(home, port);
    await until(second, readyRows, 'three ready runners after a restart');
    expect(output(second)).not.toContain('created set');
    second.signal('SIGINT');
    expect((await second.exited).code).toBe(0);
    // Two whole starts (build, wrangler dev, three runners) on a busy 2-core machine.
  }, 600_000);
});
