/**
 * `wrangler dev` of a Worker config on 127.0.0.1, as npm start, the bench and the e2e tests run it:
 * its own process group (wrangler + workerd, stopped together by pid), local KV and Durable Objects
 * persisted to a folder, variables from an env file, and `restart()` on the same port and state.
 *
 * Wrangler must not reach the network or ask anything: metrics off, CI mode (no prompts, no login),
 * no `Request.cf` download. Secrets come from the env file, never from the command line, where `ps`
 * would show them; with `--env-file` a developer's own `.dev.vars` is not read.
 */
import { join, resolve } from 'node:path';
import { eventually, GiveUp } from './eventually.ts';
import { freePort } from './free-port.ts';
import { describeExit, startProcess, type ManagedProcess } from './managed-process.ts';

export const ROOT = resolve(import.meta.dirname, '..');
const BIN = join(ROOT, 'node_modules', '.bin');
const WRANGLER = join(ROOT, 'node_modules', 'wrangler', 'bin', 'wrangler.js');

export interface WranglerDevOptions {
  /** The Worker config (default: the edge's wrangler.toml). */
  config?: string;
  /** A label for logs and failure messages. */
  name?: string;
  /** Default: a free port on 127.0.0.1. */
  port?: number;
  /** Where local KV/DO state lives; reuse it to find the same data again. Default: wrangler's own. */
  persistDir?: string;
  /** `KEY=value` lines for the Worker (tokens, vars). */
  envFile?: string;
  /** A path that answers once the Worker is up, and whether only a 200 counts (default: any answer). */
  ready?: { path: string; status?: number };
  /** How long to wait for the first answer (default 120 s: a busy 2-core machine is slow to start workerd). */
  startTimeoutMs?: number;
  logLevel?: 'error' | 'warn' | 'info' | 'log' | 'debug';
  /** How many of wrangler's last lines to keep for failure messages. */
  keepLines?: number;
  /**
   * wrangler's local trace collector (`X_LOCAL_OBSERVABILITY`; on by default in wrangler dev): it
   * records every request and Durable Object call of the local Worker, which costs about a third of
   * the edge's CPU under long-poll fan-out (measured: 275 vs 190 ms of CPU per write with 50 held
   * long-polls). A development aid with no production counterpart on the Worker's CPU, so the test
   * and benchmark edges turn it off; `npm start` keeps it (default true).
   */
  localTracing?: boolean;
}

export interface WranglerDev {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** Pid of the current wrangler process (its process group id too); changes on restart(). */
  readonly pid: number;
  /** The current process (changes on restart()). */
  readonly process: ManagedProcess;
  /** Its last lines of output, for failure messages. */
  logs(): string;
  /** SIGTERM to the group, SIGKILL after a grace period; resolves with how it exited. */
  stop(): Promise<string>;
  /** SIGKILL (default) or another signal to the whole group at once: a crash. */
  kill(signal?: NodeJS.Signals): Promise<string>;
  /** Stops and starts again on the same port and state; resolves once it answers. */
  restart(): Promise<void>;
}

export async function startWranglerDev({
  config = join(ROOT, 'wrangler.toml'),
  name = 'wrangler dev',
  port: wantedPort,
  persistDir,
  envFile,
  ready = { path: '/' },
  startTimeoutMs = 120_000,
  logLevel = 'info',
  keepLines = 400,
  localTracing = true,
}: WranglerDevOptions = {}): Promise<WranglerDev> {
  let port = wantedPort ?? (await freePort());
  let url = `http://127.0.0.1:${port}`;
  const argsFor = (port: number) => [
    WRANGLER,
    'dev',
    '--config',
    config,
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--inspector-port',
    '0',
    '--show-interactive-dev-session=false',
    '--log-level',
    logLevel,
    ...(persistDir ? ['--persist-to', persistDir] : []),
    ...(envFile ? ['--env-file', envFile] : []),
  ];
  let args = argsFor(port);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // node_modules/.bin first: anything wrangler starts through `env node` must be Node 24.
    PATH: `${BIN}:${process.env.PATH ?? ''}`,
    CI: 'true',
    WRANGLER_SEND_METRICS: 'false',
    CLOUDFLARE_CF_FETCH_ENABLED: 'false',
    CLOUDFLARE_LOAD_DEV_VARS_FROM_DOT_ENV: 'true',
    // The Worker sees the env file's variables, not this process's environment.
    CLOUDFLARE_INCLUDE_PROCESS_ENV: 'false',
    NO_COLOR: '1',
    FORCE_COLOR: '0',
    X_LOCAL_OBSERVABILITY: localTracing ? 'true' : 'false',
  };

  let current!: ManagedProcess;
  async function launch(): Promise<void> {
    current = startProcess(name, process.execPath, args, { cwd: ROOT, env, keepLines });
    try {
      await eventually(
        async () => {
          const exit = current.exitInfo();
          if (exit) throw new GiveUp(`${name} exited (${describeExit(exit)}) before answering`);
          try {
            const res = await fetch(`${url}${ready.path}`, { signal: AbortSignal.timeout(5_000) });
            await res.body?.cancel();
            return ready.status === undefined || res.status === ready.status;
          } catch {
            return false; // Not listening yet.
          }
        },
        {
          what: `${name} to answer at ${url}${ready.path}`,
          timeoutMs: startTimeoutMs,
          intervalMs: 200,
          context: () => current.tail(40),
        },
      );
    } catch (error) {
      await current.kill();
      throw error;
    }
  }

  // A port chosen here was free a moment ago; another process (a parallel test file) can bind it
  // before wrangler does. Then wrangler exits with "Address already in use": take another port.
  for (let attempt = 1; ; attempt++) {
    try {
      await launch();
      break;
    } catch (error) {
      const taken = /Address already in use/.test(current.tail(40));
      if (wantedPort !== undefined || !taken || attempt >= 5) throw error;
      port = await freePort();
      url = `http://127.0.0.1:${port}`;
      args = argsFor(port);
    }
  }
  return {
    url,
    port,
    get pid() {
      return current.pid;
    },
    get process() {
      return current;
    },
    logs: () => current.tail(keepLines),
    stop: async () => describeExit(await current.stop({ graceMs: 5_000 })),
    kill: async (signal = 'SIGKILL') => describeExit(await current.stop({ signal, graceMs: 2_000 })),
    restart: async () => {
      await current.stop({ graceMs: 5_000 });
      await launch();
    },
  };
}
