/**
 * The kill switch under a hostile read token (issue 11, row 1; DESIGN target: a read token flooding
 * its sockets does not delay a write by more than 2×). PATCH latency on a quiet edge, then again
 * while `SOCKETS` watch sockets of the read token send `ack`s for made-up runner ids as fast as
 * the loopback takes them, reconnecting whenever the edge closes one (tools/ack-flood.ts). The
 * ratio of the p50s is the row; p99 and what the edge refused are in the notes.
 *
 * A write that is not answered within `WRITE_TIMEOUT_MS` counts as that long (and is noted): the
 * figure must not look better because the slowest writes were dropped.
 */
import { startAckFlood } from '../tools/ack-flood.ts';
import type { Bench } from './bench-context.ts';
import { makeRow } from './bench-row.ts';
import { sharedEdge } from './edge-instance.ts';
import { ensureSet } from './edge-ops.ts';
import { sleep } from './measure.ts';
import { summarize } from './stats.ts';

const SOCKETS = 3;
const WRITE_TIMEOUT_MS = 60_000;

async function patchLatency(url: string, token: string, set: string, i: number): Promise<{ ms: number; ok: boolean }> {
  const t0 = performance.now();
  try {
    const res = await fetch(`${url}/v1/sets/${set}/params`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'if-match': '*' },
      body: JSON.stringify({ params: { trading_mode: i % 2 === 0 ? 'halted' : 'active' }, message: 'bench: kill switch' }),
      signal: AbortSignal.timeout(WRITE_TIMEOUT_MS),
    });
    await res.text();
    return { ms: performance.now() - t0, ok: res.status === 200 };
  } catch {
    return { ms: WRITE_TIMEOUT_MS, ok: false };
  }
}

export const hostileFleetBench: Bench = {
  name: 'hostile-fleet',
  description: 'PATCH latency p50/p99 while a read token floods its watch sockets with acks, vs a quiet edge',
  async run(ctx) {
    const edge = await sharedEdge(ctx);
    const samples = ctx.quick ? 10 : 60;
    const set = `bench-flood-${Date.now().toString(36)}`;
    await ensureSet(edge.url, edge.tokens.write, set);
    // The acks name the set's lineage, so that only the limits stop them.
    const lineage = (
      (await (
        await fetch(`${edge.url}/v1/sets/${set}/params`, { headers: { authorization: `Bearer ${edge.tokens.read}` } })
      ).json()) as { lineage: string }
    ).lineage;
    const measure = async () => {
      const times: number[] = [];
      let failed = 0;
      for (let i = 0; i < samples; i++) {
        const { ms, ok } = await patchLatency(edge.url, edge.tokens.write, set, i);
        times.push(ms);
        if (!ok) failed += 1;
        // Not back to back: the write limit (50/s) is not what is measured.
        await sleep(50);
      }
      return { s: summarize(times), failed };
    };
    const quiet = await measure();
    ctx.log(`hostile-fleet: quiet PATCH p50 ${quiet.s.p50.toFixed(0)} p99 ${quiet.s.p99.toFixed(0)} ms`);
    const flood = startAckFlood({ url: edge.url, token: edge.tokens.read, set, sockets: SOCKETS, lineage });
    let flooded: Awaited<ReturnType<typeof measure>>;
    let sent: number;
    try {
      // The flood under way before the first sample.
      while (flood.sent < 5000) await sleep(20);
      flooded = await measure();
      sent = flood.sent;
    } finally {
      await flood.stop();
    }
    const refused = await fetch(`${edge.url}/v1/sets/${set}/fleet`, { headers: { authorization: `Bearer ${edge.tokens.read}` } })
      .then((r) => r.json() as Promise<{ runners: unknown[]; refused?: Record<string, number> }>)
      .catch(() => undefined);
    const closed = flood.closeCodes.filter((c) => c === 1008).length;
    ctx.log(
      `hostile-fleet: flooded PATCH p50 ${flooded.s.p50.toFixed(0)} p99 ${flooded.s.p99.toFixed(0)} ms; ${sent} acks sent, ${closed} sockets closed 1008, fleet ${refused?.runners.length} runners, refused ${JSON.stringify(refused?.refused)}`,
    );
    const floodNote = `${SOCKETS} read-token sockets sending acks for new runner ids as fast as loopback takes them, reconnecting when closed: ${sent} sent, ${closed} sockets closed 1008, ${refused?.runners.length ?? '?'} fleet entries, refused ${JSON.stringify(refused?.refused ?? {})}${flooded.failed ? `; ${flooded.failed} writes not answered 200 within ${WRITE_TIMEOUT_MS / 1000} s (counted as ${WRITE_TIMEOUT_MS / 1000} s)` : ''}`;
    return [
      makeRow('hostile-fleet', {
        figure: `PATCH p50 during a read-token ack flood (N=${samples})`,
        value: flooded.s.p50,
        unit: 'ms',
        baseline: quiet.s.p50,
        baselineLabel: 'quiet edge',
        target: { op: '<=', value: 2 * quiet.s.p50 },
        note: `target: ratio ≤ 2 (DESIGN "kill switch under hostile load"); ${floodNote}`,
      }),
      makeRow('hostile-fleet', {
        figure: `PATCH p99 during a read-token ack flood (N=${samples})`,
        value: flooded.s.p99,
        unit: 'ms',
        baseline: quiet.s.p99,
        baselineLabel: 'quiet edge',
        target: { op: '<=', value: 2 * quiet.s.p99 },
        note: 'same flood; p99 of few samples is their maximum',
      }),
    ];
  },
};
