/**
 * The real edge for the edge benchmarks: one `wrangler dev` of the repository's wrangler.toml with
 * fresh local state and its own tokens, shared by every benchmark of a run. Started through the
 * e2e helper `startEdge` (test/e2e/helpers/edge-process.ts) when it exists, so the bench runs the
 * edge exactly as the end-to-end tests do; otherwise through the bench's own `wrangler dev` start.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BenchContext } from './bench-context.ts';
import { onCleanup, trackPid, untrackPid } from './processes.ts';
import { startWranglerDev } from './wrangler-dev.ts';

const ROOT = resolve(import.meta.dirname, '..');
const HELPER = join(ROOT, 'tools', 'edge-process.ts');

export interface EdgeHandle {
  url: string;
  pid: number;
  tokens: { write: string; read: string };
  stop(): Promise<void>;
  /** Stops and starts the edge again on the same port and state; resolves when it answers. */
  restart(): Promise<void>;
  /** How it was started, for the notes. */
  via: 'startEdge' | 'bench';
}

interface HelperEdge {
  url: string;
  pid: number;
  tokens: { write: string; read: string };
  stop(): Promise<unknown>;
  kill?(): Promise<unknown>;
  restart(): Promise<unknown>;
}

async function viaHelper(): Promise<EdgeHandle> {
  const helper = (await import(HELPER)) as { startEdge: (o?: Record<string, unknown>) => Promise<HelperEdge> };
  const edge = await helper.startEdge({});
  // The helper tracks its own processes too; we track the pid so a crash of the run still kills it.
  trackPid(edge.pid, 'wrangler dev (edge)', true);
  const handle: EdgeHandle = {
    url: edge.url,
    get pid() {
      return edge.pid;
    },
    tokens: edge.tokens,
    via: 'startEdge',
    stop: async () => {
      await edge.stop();
      untrackPid(edge.pid);
    },
    restart: async () => {
      untrackPid(edge.pid);
      await edge.restart();
      trackPid(edge.pid, 'wrangler dev (edge)', true);
    },
  };
  return handle;
}

async function viaBench(): Promise<EdgeHandle> {
  const dir = mkdtempSync(join(tmpdir(), 'livetune-bench-edge-'));
  const tokens = {
    write: `lt_w_${randomBytes(18).toString('base64url')}`,
    read: `lt_r_${randomBytes(18).toString('base64url')}`,
  };
  const envFile = join(dir, '.dev.vars');
  writeFileSync(envFile, `LIVETUNE_TOKENS="bench-operator:write:${tokens.write},bench-runner:read:${tokens.read}"\n`, {
    mode: 0o600,
  });
  const options = {
    config: join(ROOT, 'wrangler.toml'),
    name: 'edge',
    persistDir: join(dir, 'state'),
    envFile,
    timeoutMs: 90_000,
  };
  let dev = await startWranglerDev(options);
  const port = Number(new URL(dev.url).port);
  const handle: EdgeHandle = {
    url: dev.url,
    get pid() {
      return dev.pid;
    },
    tokens,
    via: 'bench',
    stop: async () => {
      await dev.stop();
      rmSync(dir, { recursive: true, force: true });
    },
    restart: async () => {
      await dev.stop();
      dev = await startWranglerDev({ ...options, port });
    },
  };
  return handle;
}

/** The run's shared edge, started on first use and stopped at the end of the run. */
export function sharedEdge(ctx: BenchContext): Promise<EdgeHandle> {
  return ctx.shared('edge', async () => {
    const t0 = performance.now();
    const edge = existsSync(HELPER) ? await viaHelper() : await viaBench();
    onCleanup(() => edge.stop());
    ctx.log(`edge: wrangler dev up at ${edge.url} in ${((performance.now() - t0) / 1000).toFixed(1)} s (via ${edge.via})`);
    return edge;
  });
}
