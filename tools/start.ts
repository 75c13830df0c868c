/**
 * `npm start`: the whole system on one machine. `wrangler dev` (local KV and Durable Objects
 * persisted under .wrangler/state), the default set created if missing, three runners in three
 * regions on the simulated exchange, a live terminal view and the dashboard URL. Ctrl-C stops the
 * runners first (each cancels its resting orders and sends a last report), then the edge.
 *
 * Environment: LIVETUNE_PORT (edge port, default 8787), LIVETUNE_SET (default hype-perp),
 * LIVETUNE_HOME (folder for .dev.vars, edge state and runner caches; default: the repository).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import logUpdate from 'log-update';
import { createEdgeClient, type EdgeClient } from '../client/edge-client.ts';
import { NotFoundError } from '../client/edge-errors.ts';
import { ensureDevVars } from './start/dev-vars.ts';
import { freePort, isPortFree } from './free-port.ts';
import { describeExit, startProcess, type ManagedProcess } from './managed-process.ts';
import { installSignalHandlers, killAllNow } from './process-registry.ts';
import { renderView, type RunnerRow } from './start/live-view.ts';
import { buildRunnerBundle, runnerLaunch } from './runner-bundle.ts';
import { startWranglerDev, type WranglerDev } from './wrangler-dev.ts';

const root = resolve(import.meta.dirname, '..');
const home = resolve(process.env.LIVETUNE_HOME ?? root);
const set = process.env.LIVETUNE_SET ?? 'hype-perp';
const REGIONS = ['eu-west', 'us-east', 'ap-tokyo'] as const;
const tty = process.stdout.isTTY === true;

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function ensureSet(edge: EdgeClient): Promise<number> {
  try {
    return (await edge.current(set)).version.version;
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
  }
  const params = JSON.parse(readFileSync(join(root, 'tuning_params.example.json'), 'utf8')) as unknown;
  const created = await edge.putParams(set, { params, message: 'initial params (created by npm start)' }, { create: true });
  say(`created set ${set} with the default params (v1)`);
  return created.version.version;
}

/** Runners whose status endpoint has answered once: before that a runner is starting, not down. */
const answered = new Set<string>();

async function runnerRow(runnerId: string, region: string, statusUrl: string): Promise<RunnerRow> {
  try {
    const response = await fetch(statusUrl, { signal: AbortSignal.timeout(1_000) });
    const status = (await response.json()) as Partial<RunnerRow>;
    answered.add(runnerId);
    return {
      runner_id: runnerId,
      region,
      version: status.version ?? null,
      sync_state: status.sync_state ?? '?',
      trading: status.trading,
    };
  } catch (error) {
    if (!answered.has(runnerId)) return { runner_id: runnerId, region, version: null, sync_state: 'starting…' };
    const reason = error instanceof Error ? (error.name === 'TimeoutError' ? 'no answer in 1 s' : 'not listening') : 'error';
    return { runner_id: runnerId, region, version: null, sync_state: '?', unreachable: reason };
  }
}

async function headVersion(edge: EdgeClient): Promise<number | null> {
  try {
    return (await edge.current(set, { timeoutMs: 1_000 })).version.version;
  } catch {
    return null;
  }
}

const runners: ManagedProcess[] = [];
let edge: WranglerDev | undefined;
let stopping = false;

/** Stops the runners first (each cancels its orders and reports), then the edge. */
async function stopAll(): Promise<void> {
  if (stopping) return;
  stopping = true;
  if (tty) logUpdate.done();
  say('stopping: runners cancel their orders first…');
  const results = await Promise.all(runners.map(async (r) => `${r.name} exited ${describeExit(await r.stop())}`));
  for (const line of results) say(line);
  // wrangler answers SIGTERM with 143 (128 + 15): that is the clean stop we asked for.
  if (edge) {
    const code = await edge.stop();
    say(code === '143' || code === '0' || code === 'SIGTERM' ? 'edge stopped' : `edge exited ${code}`);
  }
}

async function main(): Promise<void> {
  // Ctrl-C reaches only this process (every child has its own process group): stop in order, exit 0.
  installSignalHandlers({ onSignal: stopAll, announce: () => {}, exitCodes: { SIGINT: 0, SIGTERM: 0 } });
  const port = Number(process.env.LIVETUNE_PORT ?? 8787);
  if (!(await isPortFree(port))) {
    throw new Error(`port ${port} is in use (another npm start?). Stop it, or choose another port: LIVETUNE_PORT=8788 npm start`);
  }
  mkdirSync(home, { recursive: true });
  const { tokens, created } = ensureDevVars(join(home, '.dev.vars'));
  if (created) say(`generated local tokens in ${join(home, '.dev.vars')}`);
  const edgeUrl = `http://127.0.0.1:${port}`;

  say(`starting the edge (wrangler dev) on ${edgeUrl}…`);
  // Bundle the runner while the edge starts; a failed build is reported after the edge is up.
  const bundleBuilt = buildRunnerBundle({ root });
  bundleBuilt.catch(() => {});
  edge = await startWranglerDev({
    name: 'edge',
    port,
    persistDir: join(home, '.wrangler', 'state'),
    envFile: join(home, '.dev.vars'),
    ready: { path: '/v1/schema' },
    logLevel: 'warn',
    keepLines: 60,
  });
  const edgeProcess = edge.process;
  void edgeProcess.exited.then((exit) => {
    if (!stopping) {
      say(
        `the edge exited (${describeExit(exit)}) — runners keep quoting on their last-known-good params:\n${edgeProcess.tail(10)}`,
      );
    }
  });
  await ensureSet(createEdgeClient({ baseUrl: edgeUrl, token: tokens.write }));
  const reader = createEdgeClient({ baseUrl: edgeUrl, token: tokens.read });

  // Runners run as in production: the bundle, a small nursery, a frugal malloc (runner-bundle.ts).
  const bundle = await bundleBuilt;
  const statusUrls: { runnerId: string; region: string; url: string }[] = [];
  for (const [i, region] of REGIONS.entries()) {
    const runnerId = `${region}-1`;
    const statusPort = await freePort();
    const launch = runnerLaunch(
      bundle,
      [
        '--url',
        edgeUrl,
        '--set',
        set,
        '--runner-id',
        runnerId,
        '--region',
        region,
        '--venue',
        'sim',
        '--seed',
        String(i + 1),
        '--status-port',
        String(statusPort),
        '--cache-dir',
        join(home, '.livetune', 'cache', runnerId),
        '--log-level',
        'warn',
        // A lively fleet table on a laptop; production runners keep the 60 s default (idle budget).
        '--heartbeat',
        '2',
      ],
      { ...process.env, LIVETUNE_TOKEN: tokens.read },
    );
    const runner = startProcess(runnerId, launch.command, launch.args, { cwd: root, env: launch.env, keepLines: 60 });
    runners.push(runner);
    void runner.exited.then((exit) => {
      if (!stopping) say(`runner ${runnerId} exited (${describeExit(exit)}):\n${runner.tail(10)}`);
    });
    statusUrls.push({ runnerId, region, url: `http://127.0.0.1:${statusPort}/status` });
  }

  const header = { set, edgeUrl, dashboardUrl: `${edgeUrl}/`, writeToken: tokens.write, headVersion: null as number | null };
  let lastPlain = 0;
  const draw = async () => {
    if (stopping) return;
    const [rows, head] = await Promise.all([
      Promise.all(statusUrls.map((s) => runnerRow(s.runnerId, s.region, s.url))),
      headVersion(reader),
    ]);
    header.headVersion = head;
    const view = renderView(header, rows);
    if (stopping) return;
    if (tty) logUpdate(view);
    else if (Date.now() - lastPlain >= 5_000) {
      lastPlain = Date.now();
      say(view);
    }
  };
  await draw();
  setInterval(() => void draw(), 500);
}

main().catch(async (error: unknown) => {
  process.stderr.write(`npm start failed: ${error instanceof Error ? error.message : String(error)}\n`);
  await stopAll();
  killAllNow();
  process.exit(1);
});
