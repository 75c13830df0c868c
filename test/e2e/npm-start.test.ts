/**
 * `npm start` as a newcomer runs it: the whole system comes up, the terminal view shows three
 * runners on the default set, the dashboard answers at the printed URL, Ctrl-C stops everything
 * (runners first), and a second start finds the same history.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../tools/free-port.ts';

const root = resolve(import.meta.dirname, '../..');

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

const running: ChildProcess[] = [];

function start(home: string, port: number): Started {
  const child = spawn(process.execPath, [join(root, 'tools', 'start.ts')], {
    cwd: root,
    env: { ...process.env, LIVETUNE_HOME: home, LIVETUNE_PORT: String(port), LIVETUNE_SET: 'e2e-start' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(child);
  let text = '';
  child.stdout.on('data', (d: Buffer) => (text += d.toString()));
  child.stderr.on('data', (d: Buffer) => (text += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, output: () => text, exited };
}

async function until(predicate: () => boolean, what: string, output: () => string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; output so far:\n${output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

afterEach(() => {
  for (const child of running.splice(0)) {
    if (child.exitCode === null && child.pid) {
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
});

const readyRows = (text: string) =>
  ['eu-west-1', 'us-east-1', 'ap-tokyo-1'].every((id) => new RegExp(`${id}\\s+\\S+\\s+v\\d+\\s+ready`).test(text));

describe('npm start', () => {
  it('brings up the edge, the default set and three runners, and stops cleanly on Ctrl-C', async () => {
    const home = mkdtempSync(join(tmpdir(), 'lt-start-'));
    const port = await freePort();
    const first = start(home, port);
    await until(() => readyRows(first.output()), 'three ready runners in the view', first.output, 90_000);
    expect(first.output()).toContain('created set e2e-start with the default params (v1)');
    const dashboardUrl = /dashboard\s+(http:\/\/\S+)/.exec(first.output())?.[1];
    expect(dashboardUrl).toBe(`http://127.0.0.1:${port}/`);
    const page = await fetch(dashboardUrl!);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<html');

    first.child.kill('SIGINT');
    expect(await first.exited).toBe(0);
    expect(first.output()).toMatch(/eu-west-1 exited 0/);
    expect(first.output()).toMatch(/edge stopped/);

    const second = start(home, port);
    await until(() => readyRows(second.output()), 'three ready runners after a restart', second.output, 90_000);
    expect(second.output()).not.toContain('created set');
    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);
  });
});
