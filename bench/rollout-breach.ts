/**
 * Guarded rollouts: a guardrail breach → the rollback applied by every canary runner, and how long
 * the breach took to be detected, against a real `wrangler dev` evaluating guardrails every 2.5 s
 * (`ROLLOUT_EVAL_MS`; 5 s by default).
 *
 * One sample: N canary sync clients (the runner's real sync code, long-poll and WebSocket, naming
 * themselves in region `canary`) hold a rollout's candidate; a report NACKs the candidate (guardrail
 * `nacks <= 0`); the hub's next evaluation breaches, writes the rollback version and the clients
 * move to it. "After detection" runs from the breach event's time (the hub's clock) to the last
 * canary holding the rollback version; "detection" from the report's send to the breach event. Both
 * clocks are this machine's (loopback), so the difference is meaningful to the millisecond.
 */
import { RolloutAnswerSchema, type Rollout } from '../shared/rollout.ts';
import type { Bench, BenchContext } from './bench-context.ts';
import { makeRow, type BenchRow } from './bench-row.ts';
import { BENCH_ROLLOUT_EVAL_MS, sharedEdge } from './edge-instance.ts';
import { ensureSet } from './edge-ops.ts';
import { summarize, type Summary } from './stats.ts';
import { startSyncClients, type BenchSyncMode } from './sync-clients.ts';

const APPLY_TIMEOUT_MS = 30_000;
/** The bench edge's evaluation interval (`ROLLOUT_EVAL_MS`): detection takes up to one. */
const EVAL_MS = BENCH_ROLLOUT_EVAL_MS;

function headers(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
}

async function startRollout(url: string, token: string, set: string, spread: number): Promise<Rollout> {
  const res = await fetch(`${url}/v1/sets/${set}/rollouts`, {
    method: 'POST',
    headers: headers(token),
    body: JSON.stringify({
      params: { base_half_spread_bps: spread },
      message: 'bench: canary',
      stages: [{ runners: { regions: ['canary'] }, bake_s: 3600 }],
      guardrails: [{ metric: 'nacks', max: 0 }],
    }),
  });
  const text = await res.text();
  if (res.status !== 201) throw new Error(`rollout answered ${res.status}: ${text.slice(0, 300)}`);
  return RolloutAnswerSchema.parse(JSON.parse(text)).rollout;
}

async function rolloutOf(url: string, token: string, set: string, id: string): Promise<Rollout> {
  const res = await fetch(`${url}/v1/sets/${set}/rollouts/${id}`, { headers: headers(token) });
  return RolloutAnswerSchema.parse(await res.json()).rollout;
}

async function measure(
  ctx: BenchContext,
  mode: BenchSyncMode,
  n: number,
): Promise<{ after: Summary; detection: Summary; timeouts: number }> {
  const edge = await sharedEdge(ctx);
  const set = `bench-rollout-${mode}-${Date.now().toString(36)}`;
  const created = await ensureSet(edge.url, edge.tokens.write, set);
  const canaries = startSyncClients({
    url: edge.url,
    token: edge.tokens.read,
    set,
    mode,
    count: n,
    idPrefix: set,
    region: 'canary',
  });
  const samples = ctx.quick ? 2 : 4;
  const after: number[] = [];
  const detection: number[] = [];
  let timeouts = 0;
  try {
    await canaries.allApplied(created.version, APPLY_TIMEOUT_MS);
    for (let i = 0; i < samples; i++) {
      const rollout = await startRollout(edge.url, edge.tokens.write, set, 6 + (i % 2));
      await canaries.allApplied(rollout.version, APPLY_TIMEOUT_MS);
      const sentAt = Date.now();
      const report = await fetch(`${edge.url}/v1/sets/${set}/runners/${set}-nacker/report`, {
        method: 'POST',
        headers: headers(edge.tokens.read),
        body: JSON.stringify({
          region: 'canary',
          sync_state: 'ready',
          applied_version: null,
          rejected: { version: rollout.version, reason: 'bench: injected rejection' },
        }),
      });
      if (report.status !== 200) throw new Error(`report answered ${report.status}: ${await report.text()}`);
      try {
        // The rollback is the version after the candidate.
        const appliedAt = performance.timeOrigin + (await canaries.allApplied(rollout.version + 1, APPLY_TIMEOUT_MS));
        const ended = await rolloutOf(edge.url, edge.tokens.read, set, rollout.id);
        const breach = ended.events.find((e) => e.kind === 'breach');
        if (ended.state !== 'rolled_back' || breach === undefined) throw new Error(`rollout ${rollout.id} is ${ended.state}`);
        const detectedAt = Date.parse(breach.at);
        after.push(Math.max(0, appliedAt - detectedAt));
        detection.push(detectedAt - sentAt);
      } catch (error) {
        timeouts += 1;
        ctx.log(`rollout-breach ${mode}: sample ${i} failed: ${String(error)}`);
      }
    }
  } finally {
    await canaries.stop();
  }
  const result = { after: summarize(after), detection: summarize(detection), timeouts };
  ctx.log(
    `rollout-breach ${mode} N=${n}: detected→all canaries applied the rollback p50 ${result.after.p50.toFixed(1)} p99 ${result.after.p99.toFixed(1)} ms; detection p50 ${result.detection.p50.toFixed(0)} ms (interval ${EVAL_MS} ms)`,
  );
  return result;
}

export const rolloutBreachBench: Bench = {
  name: 'rollout-breach',
  description: 'guardrail breach detected → rollback applied by every canary (p50/p99), and the detection delay',
  async run(ctx) {
    const n = ctx.quick ? 5 : 20;
    const rows: BenchRow[] = [];
    for (const mode of ['longpoll', 'ws'] as const) {
      const r = await measure(ctx, mode, n);
      const failed = r.timeouts ? `; ${r.timeouts} samples failed` : '';
      rows.push(
        makeRow('rollout-breach', {
          figure: `breach detected→rollback applied by all canaries p50, ${mode} N=${n}`,
          value: r.after.p50,
          unit: 'ms',
          // "Same as a write" (DESIGN "Targets"): p50 < 50 ms over ws; long-poll is held to its p99.
          target: mode === 'ws' ? { op: '<', value: 50 } : null,
          note: `p99 ${r.after.p99.toFixed(1)} / max ${r.after.max.toFixed(1)} ms, ${r.after.count} samples${failed}`,
        }),
        makeRow('rollout-breach', {
          figure: `breach detected→rollback applied by all canaries p99, ${mode} N=${n}`,
          value: r.after.p99,
          unit: 'ms',
          target: { op: '<', value: 250 },
        }),
        makeRow('rollout-breach', {
          figure: `report showing the breach→detected p50, ${mode} (ROLLOUT_EVAL_MS ${EVAL_MS})`,
          value: r.detection.p50,
          unit: 'ms',
          target: { op: '<=', value: EVAL_MS },
          note: `max ${r.detection.max.toFixed(0)} ms: up to one evaluation interval, by design`,
        }),
      );
    }
    return rows;
  },
};
