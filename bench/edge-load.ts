/**
 * Edge throughput and latency with autocannon, for the two request shapes that matter: the
 * runner's conditional GET answered 304 (what an idle fleet sends) and the operator's write (PATCH,
 * `If-Match: *`), each against a minimal Hono worker on the same local runtime (`wrangler dev` of
 * bench/baseline/worker.ts) as the baseline: edge ÷ baseline is what auth, the Durable Object hop,
 * KV and validation cost. Writes go round-robin over many sets, because one set takes at most
 * WRITE_RATE_PER_S writes/s (a 429 would measure the limiter, not the write path).
 *
 * autocannon runs in this process and `wrangler dev` (workerd) in another: on 2 cores they share
 * the machine, alike for the edge and the baseline, so the ratio holds better than the absolute.
 */
import autocannon from 'autocannon';
import { resolve } from 'node:path';
import type { Bench, BenchContext } from './bench-context.ts';
import { makeRow, type BenchRow } from './bench-row.ts';
import { sharedEdge } from './edge-instance.ts';
import { ensureSet } from './edge-ops.ts';
import { onCleanup } from '../tools/process-registry.ts';
import { startWranglerDev, type WranglerDev } from '../tools/wrangler-dev.ts';

const WRITE_SETS = 32;

export interface LoadFigures {
  rps: number;
  p50: number;
  p99: number;
  total: number;
  /** Answers with a status other than the expected one, and socket errors/timeouts. */
  unexpected: number;
  statuses: Record<string, number>;
}

function baselineWorker(ctx: BenchContext): Promise<WranglerDev> {
  return ctx.shared('baseline-worker', async () => {
    const t0 = performance.now();
    const dev = await startWranglerDev({
      config: resolve(import.meta.dirname, 'baseline', 'wrangler.toml'),
      name: 'wrangler dev (baseline)',
      // As the edge it is compared with (bench/edge-instance.ts): no request log, no local tracing.
      logLevel: 'warn',
      localTracing: false,
    });
    onCleanup(() => dev.stop());
    ctx.log(`edge-load: baseline worker up at ${dev.url} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    return dev;
  });
}

async function load(options: autocannon.Options, expected: number): Promise<LoadFigures> {
  const result = await autocannon(options);
  const statuses: Record<string, number> = {};
  for (const [code, { count }] of Object.entries(result.statusCodeStats)) statuses[code] = count;
  const good = statuses[String(expected)] ?? 0;
  const total = Object.values(statuses).reduce((a, b) => a + b, 0);
  return {
    rps: good / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    total,
    unexpected: total - good + result.errors + result.timeouts,
    statuses,
  };
}

function rows(kind: string, edge: LoadFigures, base: LoadFigures, note: string): BenchRow[] {
  const off = edge.unexpected ? `; ${edge.unexpected} unexpected answers/errors ${JSON.stringify(edge.statuses)}` : '';
  return [
    makeRow('edge-load', {
      figure: `${kind} req/s`,
      value: edge.rps,
      unit: 'req/s',
      baseline: base.rps,
      baselineLabel: 'Hono worker',
      note: `${note}${off}`,
    }),
    makeRow('edge-load', {
      figure: `${kind} latency p50`,
      value: edge.p50,
      unit: 'ms',
      baseline: base.p50,
      baselineLabel: 'Hono worker',
    }),
    makeRow('edge-load', {
      figure: `${kind} latency p99`,
      value: edge.p99,
      unit: 'ms',
      baseline: base.p99,
      baselineLabel: 'Hono worker',
    }),
  ];
}

export const edgeLoadBench: Bench = {
  name: 'edge-load',
  description: 'edge req/s and latency, 304 path and writes, vs a minimal Hono worker (autocannon)',
  async run(ctx) {
    const edge = await sharedEdge(ctx);
    const base = await baselineWorker(ctx);
    const duration = ctx.quick ? 2 : 5;
    const connections = 10;

    const readSet = 'bench-load-read';
    const head = await ensureSet(edge.url, edge.tokens.write, readSet);
    const readEdge: autocannon.Options = {
      url: `${edge.url}/v1/sets/${readSet}/params`,
      connections,
      duration,
      headers: { authorization: `Bearer ${edge.tokens.read}`, 'if-none-match': head.etag ?? '' },
    };
    const readBase: autocannon.Options = {
      url: `${base.url}/v1/sets/${readSet}/params`,
      connections,
      duration,
      headers: { 'if-none-match': '"baseline-v1"' },
    };
    await load({ ...readEdge, duration: 1 }, 304);
    await load({ ...readBase, duration: 1 }, 304);
    const r304 = await load(readEdge, 304);
    const r304Base = await load(readBase, 304);
    ctx.log(
      `edge-load 304: edge ${r304.rps.toFixed(0)} req/s p50 ${r304.p50} p99 ${r304.p99} ms; baseline ${r304Base.rps.toFixed(0)} req/s p50 ${r304Base.p50} p99 ${r304Base.p99} ms`,
    );

    const sets: string[] = [];
    for (let i = 0; i < WRITE_SETS; i++) {
      const set = `bench-load-w${i}`;
      await ensureSet(edge.url, edge.tokens.write, set);
      sets.push(set);
    }
    let next = 0;
    let spread = 5;
    const writeRequest = (baseUrl: string, headers: Record<string, string>): autocannon.Options => ({
      url: baseUrl,
      connections,
      duration,
      requests: [
        {
          method: 'PATCH',
          setupRequest: (request) => {
            const set = sets[next++ % sets.length]!;
            spread = spread >= 20 ? 5 : spread + 1;
            return {
              ...request,
              method: 'PATCH',
              path: `/v1/sets/${set}/params`,
              headers: { ...headers, 'content-type': 'application/json' },
              body: JSON.stringify({ params: { base_half_spread_bps: spread }, message: 'bench: load' }),
            };
          },
        },
      ],
    });
    const writeEdge = writeRequest(edge.url, { authorization: `Bearer ${edge.tokens.write}`, 'if-match': '*' });
    const writeBase = writeRequest(base.url, {});
    await load({ ...writeEdge, duration: 1 }, 200);
    await load({ ...writeBase, duration: 1 }, 200);
    const w = await load(writeEdge, 200);
    const wBase = await load(writeBase, 200);
    ctx.log(
      `edge-load write: edge ${w.rps.toFixed(0)} req/s p50 ${w.p50} p99 ${w.p99} ms ${JSON.stringify(w.statuses)}; baseline ${wBase.rps.toFixed(0)} req/s p50 ${wBase.p50} p99 ${wBase.p99} ms`,
    );

    return [
      ...rows(
        '304 path (GET If-None-Match)',
        r304,
        r304Base,
        `autocannon ${connections} connections × ${duration} s each, after a 1 s warm-up; wrangler dev (workerd) on loopback`,
      ),
      ...rows(
        'write (PATCH If-Match: *)',
        w,
        wBase,
        `round-robin over ${WRITE_SETS} sets (one set takes at most WRITE_RATE_PER_S = 50 writes/s, wrangler.toml); each write validated, versioned, stored in DO + KV`,
      ),
    ];
  },
};
