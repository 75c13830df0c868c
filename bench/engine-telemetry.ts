/**
 * The cost of live telemetry on the quoting loop: book events/s of an engine with the telemetry
 * recorder as its observer against the same engine without one, run side by side in alternating
 * blocks on the same recorded books (the engine bench's method), so the ratio is the recorder's cost
 * and not the machine's mood. Both venues fill one resting quote every FILL_EVERY events — the rate
 * of the simulator's volatile scenario at the defaults (1,061 fills in 53,797 books over an hour:
 * `livetune backtest --scenario volatile --duration 1h --seed 3`) — so the fill path (attribution,
 * spread capture, markouts at four horizons) weighs in the measured work as it does in a backtest.
 */
import { TelemetryRecorder } from '../engine/telemetry/telemetry-recorder.ts';
import type { Bench } from './bench-context.ts';
import { makeRow } from './bench-row.ts';
import { alternate, EngineRig } from './engine-throughput.ts';
import { recordBooks } from './recorded-books.ts';
import { median } from './stats.ts';

const FILL_EVERY = 50;

function paired(events: number): { plain: EngineRig; recorded: EngineRig; recorder: TelemetryRecorder } {
  const books = recordBooks(8_192);
  let recorder: TelemetryRecorder | null = null;
  const plain = new EngineRig(books, { swapEvery: 0, fillEvery: FILL_EVERY });
  const recorded = new EngineRig(books, {
    swapEvery: 0,
    fillEvery: FILL_EVERY,
    observer: (holder) => {
      recorder = new TelemetryRecorder({ version: () => holder.version, lineage: () => holder.lineage, clock: { now: () => 0 } });
      return recorder;
    },
  });
  alternate(plain, recorded, events);
  return { plain, recorded, recorder: recorder! };
}

export const engineTelemetryBench: Bench = {
  name: 'engine-telemetry',
  description: 'quoting engine book events/s with the live telemetry recorder vs without, side by side',
  async run(ctx) {
    const events = ctx.quick ? 1_000_000 : 3_000_000;
    const rounds = ctx.quick ? 1 : 3;
    paired(1_000_000); // warm-up (JIT)
    const plains: number[] = [];
    const withs: number[] = [];
    const costs: number[] = [];
    let fills = 0;
    for (let r = 0; r < rounds; r++) {
      const { plain, recorded } = paired(events);
      plains.push(plain.rate());
      withs.push(recorded.rate());
      costs.push((plain.rate() / recorded.rate() - 1) * 100);
      fills += recorded.engine.ledger.fills;
    }
    ctx.log(
      `engine-telemetry: without ${plains.map((x) => Math.round(x / 1000)).join(', ')} k/s; with ${withs.map((x) => Math.round(x / 1000)).join(', ')} k/s; cost ${costs.map((c) => c.toFixed(2)).join(', ')} %`,
    );
    const note = `${rounds} × ${events.toLocaleString('en-US')} recorded sim books per engine in alternating blocks, fastest 80 % of blocks, median of ${rounds}; ${fills.toLocaleString('en-US')} fills with telemetry (one per ${FILL_EVERY} events)`;
    return [
      makeRow('engine-telemetry', {
        figure: 'book events/s with live telemetry',
        value: median(withs),
        unit: 'events/s',
        baseline: median(plains),
        baselineLabel: 'no recorder',
        note,
      }),
      makeRow('engine-telemetry', {
        figure: 'live telemetry cost',
        value: median(costs),
        unit: '%',
        target: { op: '<', value: 3 },
        note: `costs per run ${costs.map((c) => c.toFixed(2)).join(', ')} %`,
      }),
    ];
  },
};
