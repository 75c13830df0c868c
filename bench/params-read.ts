/**
 * Cost of reading the params in the hot loop: `holder.get()` (what the quoting loop does once per
 * event) against reading a plain frozen constant object, the seed's "~10 ns" claim. Both loops read
 * the same three fields per iteration. Also the cost of one `holder.update()` (validation + swap),
 * which bounds how many swaps per second a runner could take.
 */
import { ParamsHolder } from '../runner/params/params-holder.ts';
import { DEFAULT_PARAMS, type Params } from '../shared/params-schema.ts';
import type { Bench } from './bench-context.ts';
import { makeRow } from './bench-row.ts';
import { nsPerOp } from './measure.ts';

// Two separate loop functions, each monomorphic, so neither pays for the other's call site.
function readHolder(holder: ParamsHolder, n: number): number {
  let acc = 0;
  for (let i = 0; i < n; i++) {
    const p = holder.get();
    acc += p.base_half_spread_bps + p.order_size + p.skew_adjustment_factor;
  }
  return acc;
}

function readPlain(plain: Readonly<Params>, n: number): number {
  let acc = 0;
  for (let i = 0; i < n; i++) {
    const p = plain;
    acc += p.base_half_spread_bps + p.order_size + p.skew_adjustment_factor;
  }
  return acc;
}

export const paramsReadBench: Bench = {
  name: 'params-read',
  description: 'holder.get() in a hot loop vs a plain constant object; holder.update() cost',
  async run(ctx) {
    const iterations = ctx.quick ? 2_000_000 : 20_000_000;
    const holder = new ParamsHolder();
    holder.update({ ...DEFAULT_PARAMS }, { version: 1, etag: '"v1"' });
    const plain = Object.freeze({ ...DEFAULT_PARAMS });

    const viaHolder = nsPerOp((n) => readHolder(holder, n), iterations);
    const viaPlain = nsPerOp((n) => readPlain(plain, n), iterations);
    ctx.log(`params-read: holder ${viaHolder.nsPerOp.toFixed(2)} ns, plain ${viaPlain.nsPerOp.toFixed(2)} ns`);

    let version = 1;
    const updates = ctx.quick ? 2_000 : 20_000;
    const update = nsPerOp(
      (n) => {
        for (let i = 0; i < n; i++) {
          version++;
          holder.update({ ...DEFAULT_PARAMS, base_half_spread_bps: 5 + (version % 7) }, { version, etag: `"v${version}"` });
        }
        return version;
      },
      updates,
      { repeats: 3, warmup: 1 },
    );

    return [
      makeRow('params-read', {
        figure: 'holder.get() + 3 field reads',
        value: viaHolder.nsPerOp,
        unit: 'ns',
        baseline: viaPlain.nsPerOp,
        baselineLabel: 'plain object',
        target: { op: '<=', value: 10 },
        note: `seed claim ~10 ns per read; ${iterations.toLocaleString('en-US')} reads × 5 repeats, median`,
      }),
      makeRow('params-read', {
        figure: 'holder.update() (validate + swap)',
        value: update.nsPerOp / 1000,
        unit: 'µs',
        note: `${(1e9 / update.nsPerOp).toFixed(0)} updates/s on one core; bounds the swap rate, not a DESIGN target`,
      }),
    ];
  },
};
