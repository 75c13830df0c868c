/**
 * The benchmarks in run order. The CPU-only ones (`CPU`) run inside idle-fleet's 60 s idle window,
 * where nothing else works (ten idle runners and an idle `wrangler dev`): the run fits its 5-minute
 * cap, and an idle runner's request count does not depend on the CPU. The sweep is the exception: it
 * measures how much of both cores it gets, which those runners would share. Without idle-fleet in the run
 * they go first. Each module is loaded lazily, so a part that has not landed yet fails its own rows,
 * not the whole run.
 */
import type { Bench, BenchContext } from './bench-context.ts';

function lazy(name: string, description: string, load: () => Promise<Bench>, { inIdleWindow = false } = {}): Bench {
  return { name, description, inIdleWindow, run: async (ctx: BenchContext) => (await load()).run(ctx) };
}

/** CPU-only benchmarks: they run inside idle-fleet's idle window (see `BenchContext.idle`). */
const CPU = { inIdleWindow: true };

export const BENCHES: Bench[] = [
  lazy(
    'params-read',
    'holder.get() in the hot loop vs a plain constant object',
    async () => (await import('./params-read.ts')).paramsReadBench,
    CPU,
  ),
  lazy(
    'signing',
    'Ed25519 verification per version at the runner and per write at the edge, vs schema parsing alone',
    async () => (await import('./signing.ts')).signingBench,
    CPU,
  ),
  lazy(
    'engine',
    'quoting engine book events/s alone and under a 1,000 swaps/s storm',
    async () => (await import('./engine-throughput.ts')).engineThroughputBench,
    CPU,
  ),
  lazy(
    'engine-telemetry',
    'quoting engine book events/s with the live telemetry recorder vs without, side by side',
    async () => (await import('./engine-telemetry.ts')).engineTelemetryBench,
    CPU,
  ),
  lazy(
    'simulator',
    'simulated exchange events/s; wall time of one simulated day',
    async () => (await import('./simulator.ts')).simulatorBench,
    CPU,
  ),
  lazy(
    'sync-latency',
    'write/rollback → applied by every runner, N = 1/10/50, longpoll/ws/poll 1 s',
    async () => (await import('./sync-latency.ts')).syncLatencyBench,
  ),
  lazy(
    'edge-load',
    'edge req/s and latency (304 path, writes) vs a minimal Hono worker, autocannon',
    async () => (await import('./edge-load.ts')).edgeLoadBench,
  ),
  lazy(
    'idle-fleet',
    'real runner processes: edge requests per runner-hour while idle, RSS, write→applied',
    async () => (await import('./idle-fleet.ts')).idleFleetBench,
  ),
  lazy(
    'hostile-edge',
    'runner vs a malicious edge: RSS and /status during 40 MB answers; req/s against instant 304s',
    async () => (await import('./hostile-edge.ts')).hostileEdgeBench,
  ),
  lazy(
    'cli-cold-start',
    'livetune get: wall time of a new process (bundle, no compile cache, from source) vs node -e 0',
    async () => (await import('./cli-cold-start.ts')).cliColdStartBench,
  ),
  lazy(
    'hostile-fleet',
    'PATCH latency p50/p99 while a read token floods its watch sockets with acks, vs a quiet edge',
    async () => (await import('./hostile-fleet.ts')).hostileFleetBench,
  ),
  lazy(
    'perf-query',
    'edge perf/compare latency on a 30-day synthetic telemetry history (in workerd)',
    async () => (await import('./perf-query.ts')).perfQueryBench,
    CPU,
  ),
  lazy(
    'rollout-breach',
    'guardrail breach detected → rollback applied by every canary runner (p50/p99), and the detection delay',
    async () => (await import('./rollout-breach.ts')).rolloutBreachBench,
  ),
  lazy(
    'reconnect',
    'spread of reconnection times of N long-polling runners after the edge restarts',
    async () => (await import('./reconnect.ts')).reconnectBench,
  ),
  lazy(
    'sweep',
    'sweep runs/s with 1 and 2 worker threads (same sweep, one run)',
    async () => (await import('./sweep.ts')).sweepBench,
    // Last and alone, not in the idle window: it measures the use of both cores, which the idle
    // window's ten runners (and, earlier, the edge starting up) would share.
  ),
];
