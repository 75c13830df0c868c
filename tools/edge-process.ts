/**
 * The real edge (`wrangler dev` of the repository's wrangler.toml) with freshly generated tokens,
 * for the end-to-end tests and the bench:
 *
 *   const edge = await startEdge();            // free port, temp state, fresh tokens
 *   await fetch(`${edge.url}/v1/sets`, { headers: { Authorization: `Bearer ${edge.tokens.read}` } });
 *   await edge.restart();                      // same port, same state: versions survive
 *   await edge.stop();                         // in afterEach/afterAll; stopAllEdges() as a safety net
 *
 * The tokens go to the Worker through a generated env file (mode 0600), never the command line.
 * `npm start` starts the same `wrangler dev` (tools/wrangler-dev.ts) with its persisted `.dev.vars`.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startWranglerDev, type WranglerDev, type WranglerDevOptions } from './wrangler-dev.ts';

export interface StartEdgeOptions {
  /** Where local KV/DO state lives; reuse it to start an edge on existing data. Default: a temp dir. */
  persistDir?: string;
  /** Token values; defaults are random. Their names (authors) are `operator`, `runner` and `admin`. */
  tokens?: { write?: string; read?: string; admin?: string };
  /** Default: a free port on 127.0.0.1. */
  port?: number;
  /** Extra Worker vars, e.g. `{ WRITE_RATE_PER_S: '5' }`. */
  vars?: Record<string, string>;
  /** How long to wait for the edge to answer (default 120 s). */
  startTimeoutMs?: number;
  /**
   * wrangler's log level (default `info`). At `info` local dev prints a line per request, which its
   * front workerd sends to the wrangler process over loopback: per-request work production does not
   * do, so the benchmarks run at `warn`.
   */
  logLevel?: WranglerDevOptions['logLevel'];
}

export interface EdgeProcess {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Pid of the current wrangler process (its process group id too); changes on restart(). */
  readonly pid: number;
  tokens: { write: string; read: string; admin: string };
  tokenNames: { write: string; read: string; admin: string };
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

const running = new Set<EdgeProcess>();

/** Stops every edge this process started that is still running (use in a global afterAll). */
export async function stopAllEdges(): Promise<void> {
  await Promise.all([...running].map((edge) => edge.stop()));
}

export async function startEdge({
  persistDir,
  tokens = {},
  port,
  vars = {},
  startTimeoutMs,
  logLevel,
}: StartEdgeOptions = {}): Promise<EdgeProcess> {
  const workDir = mkdtempSync(join(tmpdir(), 'livetune-edge-'));
  const stateDir = persistDir ?? join(workDir, 'state');
  const tokenValues = {
    write: tokens.write ?? `w-${randomBytes(16).toString('hex')}`,
    read: tokens.read ?? `r-${randomBytes(16).toString('hex')}`,
    admin: tokens.admin ?? `a-${randomBytes(16).toString('hex')}`,
  };
  const tokenNames = { write: 'operator', read: 'runner', admin: 'admin' };
  const envFile = join(workDir, 'edge.env');
  const lines = [
    `LIVETUNE_TOKENS=${tokenNames.write}:write:${tokenValues.write},${tokenNames.read}:read:${tokenValues.read},${tokenNames.admin}:admin:${tokenValues.admin}`,
    ...Object.entries(vars).map(([k, v]) => `${k}=${v}`),
  ];
  writeFileSync(envFile, `${lines.join('\n')}\n`, { mode: 0o600 });
  const removeWorkDir = () => rmSync(persistDir === undefined ? workDir : envFile, { recursive: true, force: true });

  let dev: WranglerDev;
  try {
    dev = await startWranglerDev({
      name: 'wrangler dev (edge)',
      port,
      persistDir: stateDir,
      envFile,
      ready: { path: '/v1/schema', status: 200 },
      startTimeoutMs,
      ...(logLevel ? { logLevel } : {}),
      // Tests and benchmarks exercise the Worker, not wrangler's local trace collector.
      localTracing: false,
    });
  } catch (error) {
    removeWorkDir();
    throw error;
  }

  const edge: EdgeProcess = {
    url: dev.url,
    get pid() {
      return dev.pid;
    },
    tokens: tokenValues,
    tokenNames,
    persistDir: stateDir,
    logs: () => dev.logs(),
    stop: async () => {
      await dev.stop();
      running.delete(edge);
      removeWorkDir();
    },
    kill: async (signal = 'SIGKILL') => {
      await dev.kill(signal);
    },
    restart: () => dev.restart(),
  };
  running.add(edge);
  return edge;
}
