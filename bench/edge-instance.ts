/**
 * The real edge for the edge benchmarks: one `wrangler dev` of the repository's wrangler.toml with
 * fresh local state and its own tokens, shared by every benchmark of a run and started by the one
 * process harness (tools/edge-process.ts), so the bench runs the edge exactly as the end-to-end
 * tests and npm start do. It is stopped at the end of the run, and killed with the run on any way out.
 */
import { startEdge, type EdgeProcess } from '../tools/edge-process.ts';
import { onCleanup } from '../tools/process-registry.ts';
import type { BenchContext } from './bench-context.ts';

/** The guardrail evaluation interval of the bench's edge (wrangler.toml's default is 5,000 ms). */
export const BENCH_ROLLOUT_EVAL_MS = 2_500;

/** The run's shared edge, started on first use and stopped at the end of the run. */
export function sharedEdge(ctx: BenchContext): Promise<EdgeProcess> {
  return ctx.shared('edge', async () => {
    const t0 = performance.now();
    // `warn`: no request log line per request (a loopback call in local dev only; see StartEdgeOptions).
    // Guardrails evaluated every 2.5 s (5 s by default): rollout-breach measures a detection delay
    // for a given interval, and a shorter one halves its run.
    const edge = await startEdge({ logLevel: 'warn', vars: { ROLLOUT_EVAL_MS: String(BENCH_ROLLOUT_EVAL_MS) } });
    onCleanup(() => edge.stop());
    ctx.log(`edge: wrangler dev up at ${edge.url} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    return edge;
  });
}
