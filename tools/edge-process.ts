/**
 * Starts the real edge (`wrangler dev`, local KV and Durable Objects persisted to a directory) for
 * end-to-end tests, and always stops it by pid: wrangler runs in its own process group (workerd is
 * its child), and stop/kill signal the whole group.
 *
 *   const edge = await startEdge();            // free port, temp state, fresh tokens
 *   await fetch(`${edge.url}/v1/sets`, { headers: { Authorization: `Bearer ${edge.tokens.read}` } });
 *   await edge.restart();                      // same port, same state: versions survive
 *   await edge.stop();                         // in afterEach/afterAll; stopAllEdges() as a safety net
 *
 * Wrangler must not reach the network: metrics off, CI mode (no prompts, no login), no `Request.cf`
 * download, tokens from a generated env file (never on the command line, where `ps` would show them).
 */
import { freePort } from './free-port.ts';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const BIN = join(ROOT, 'node_modules', '.bin');

export interface StartEdgeOptions {
  /** Where local KV/DO state lives; reuse it to start an edge on existing data. Default: a temp dir. */
  persistDir?: string;
  /** Token values; defaults are random. Their names (authors) are `operator` and `runner`. */
  tokens?: { write?: string; read?: string };
  /** Default: a free port on 127.0.0.1. */
  port?: number;
  /** Extra Worker vars, e.g. `{ WRITE_RATE_PER_S: '5' }`. */
  vars?: Record<string, string>;
  /** How long to wait for the edge to answer. */
  startTimeoutMs?: number;
}

export interface EdgeProcess {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Pid of the current wrangler process (its process group id too); changes on restart(). */
  pid: number;
  tokens: { write: string; read: string };
  tokenNames: { write: string; read: string };
  persistDir: string;
  /** Output so far (for failure messages). */
  logs(): string;
  /** SIGTERM to the group, SIGKILL after a grace period; resolves once it exited. */
  stop(): Promise<void>;
  /** Signals the whole group at once (default SIGKILL: a crash) and resolves once it exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Stops and starts again on the same port and state. */
  restart(): Promise<void>;
}

const running = new Set<ChildProcess>();

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is already gone.
  }
}

// Last resort when a test process exits without stopping its edges.
process.once('exit', () => {
  for (const child of running) signalGroup(child, 'SIGKILL');
});

/** Stops every edge this process started that is still running (use in a global afterAll). */
export async function stopAllEdges(): Promise<void> {
  await Promise.all([...running].map((child) => stopChild(child, 'SIGTERM')));
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function stopChild(child: ChildProcess, signal: NodeJS.Signals, graceMs = 5000): Promise<void> {
  signalGroup(child, signal);
  const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), graceMs);
  await exited(child);
  clearTimeout(timer);
  // workerd may outlive wrangler for a moment: make sure nothing of the group is left.
  signalGroup(child, 'SIGKILL');
  running.delete(child);
}

async function waitUntilAnswering(url: string, child: ChildProcess, logs: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitedEarly = false;
  child.once('exit', () => (exitedEarly = true));
  while (Date.now() < deadline) {
    if (exitedEarly) throw new Error(`wrangler dev exited before answering:\n${logs()}`);
    try {
      const res = await fetch(`${url}/v1/schema`, { signal: AbortSignal.timeout(2000) });
      await res.body?.cancel();
      if (res.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`wrangler dev did not answer at ${url} within ${timeoutMs} ms:\n${logs()}`);
}

export async function startEdge({
  persistDir,
  tokens = {},
  port,
  vars = {},
  startTimeoutMs = 60_000,
}: StartEdgeOptions = {}): Promise<EdgeProcess> {
  const workDir = mkdtempSync(join(tmpdir(), 'livetune-edge-'));
  const stateDir = persistDir ?? join(workDir, 'state');
  const chosenPort = port ?? (await freePort());
  const url = `http://127.0.0.1:${chosenPort}`;
  const tokenValues = {
    write: tokens.write ?? `w-${randomBytes(16).toString('hex')}`,
    read: tokens.read ?? `r-${randomBytes(16).toString('hex')}`,
  };
  const tokenNames = { write: 'operator', read: 'runner' };
  const envFile = join(workDir, 'edge.env');
  const lines = [
    `LIVETUNE_TOKENS=${tokenNames.write}:write:${tokenValues.write},${tokenNames.read}:read:${tokenValues.read}`,
    ...Object.entries(vars).map(([k, v]) => `${k}=${v}`),
  ];
  writeFileSync(envFile, `${lines.join('\n')}\n`, { mode: 0o600 });

  let output = '';
  const logs = () => output;
  let child!: ChildProcess;

  async function launch(): Promise<void> {
    child = spawn(
      join(BIN, 'wrangler'),
      [
        'dev',
        '--config',
        join(ROOT, 'wrangler.toml'),
        '--ip',
        '127.0.0.1',
        '--port',
        String(chosenPort),
        '--persist-to',
        stateDir,
        '--env-file',
        envFile,
        '--inspector-port',
        '0',
        '--show-interactive-dev-session=false',
        '--log-level',
        'info',
      ],
      {
        cwd: ROOT,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          ...process.env,
          // node_modules/.bin first: the wrangler script's `env node` must be Node 24, not the system's.
          PATH: `${BIN}:${process.env.PATH ?? ''}`,
          CI: 'true',
          WRANGLER_SEND_METRICS: 'false',
          CLOUDFLARE_CF_FETCH_ENABLED: 'false',
          // Load the generated env file (and only it: with --env-file, a developer's .dev.vars is ignored).
          CLOUDFLARE_LOAD_DEV_VARS_FROM_DOT_ENV: 'true',
          CLOUDFLARE_INCLUDE_PROCESS_ENV: 'false',
          NO_COLOR: '1',
          FORCE_COLOR: '0',
        },
      },
    );
    running.add(child);
    const append = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-20_000);
    };
    child.stdout?.on('data', append);
    child.stderr?.on('data', append);
    try {
      await waitUntilAnswering(url, child, logs, startTimeoutMs);
    } catch (error) {
      await stopChild(child, 'SIGKILL');
      throw error;
    }
  }

  await launch();

  const edge: EdgeProcess = {
    url,
    pid: child.pid!,
    tokens: tokenValues,
    tokenNames,
    persistDir: stateDir,
    logs,
    stop: async () => {
      await stopChild(child, 'SIGTERM');
      if (persistDir === undefined) rmSync(workDir, { recursive: true, force: true });
      else rmSync(envFile, { force: true });
    },
    kill: (signal = 'SIGKILL') => stopChild(child, signal, 2000),
    restart: async () => {
      await stopChild(child, 'SIGTERM');
      await launch();
      edge.pid = child.pid!;
    },
  };
  return edge;
}
