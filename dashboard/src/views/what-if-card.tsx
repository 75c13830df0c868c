/**
 * The what-if preview while editing: bid/ask offsets (bps from mid) and taker liquidation rates
 * across inventory −Qmax…Qmax, computed in the browser by the engine's own quoting function for the
 * current params (dashed) and the edited ones (solid). With no valid edit, only the current curves.
 */
import { useMemo } from 'preact/hooks';
import type { Params } from '../../../shared/params-schema.ts';
import { whatIfCurves } from '../what-if-curves.ts';
import { UPlotChart } from './uplot-chart.tsx';

const BID = '#2563eb';
const ASK = '#dc2626';

export function WhatIfCard({ current, edited, version }: { current: Params; edited: Params | null; version: number }) {
  // The form builds a new params object on every render: its content, not its identity, says whether it changed.
  const editedKey = edited === null ? '' : JSON.stringify(edited);
  const curves = useMemo(() => whatIfCurves(current, edited), [current, editedKey]);
  const offsets = useMemo(() => {
    const ys: number[][] = [curves.current.bid, curves.current.ask];
    const series = [
      { label: `bid v${version}`, color: BID, dashed: true },
      { label: `ask v${version}`, color: ASK, dashed: true },
    ];
    if (curves.edited) {
      ys.push(curves.edited.bid, curves.edited.ask);
      series.push({ label: 'bid edited', color: BID, dashed: false }, { label: 'ask edited', color: ASK, dashed: false });
    }
    return { ys, series };
  }, [curves, version]);
  const rates = useMemo(() => {
    const ys: number[][] = [curves.current.buy, curves.current.sell];
    const series = [
      { label: `taker buy v${version}`, color: BID, dashed: true },
      { label: `taker sell v${version}`, color: ASK, dashed: true },
    ];
    if (curves.edited) {
      ys.push(curves.edited.buy, curves.edited.sell);
      series.push(
        { label: 'taker buy edited', color: BID, dashed: false },
        { label: 'taker sell edited', color: ASK, dashed: false },
      );
    }
    return { ys, series };
  }, [curves, version]);
  return (
    <div class="what-if" id="what-if" data-edited={curves.edited ? 'true' : 'false'}>
      <p class="small muted">
        {curves.edited
          ? `What-if: the edited params (solid) against v${version} (dashed), computed by the engine's quoting function, at μ̂ = 0.`
          : `What-if: v${version}'s quotes across inventory (edit a value to see its effect), at μ̂ = 0.`}
      </p>
      <div class="charts two">
        <UPlotChart
          id="what-if-offsets"
          title="Quote offsets"
          unit="bps from mid"
          xs={curves.inventory}
          ys={offsets.ys}
          series={offsets.series}
          time={false}
          xLabel="inventory (base)"
          height={170}
        />
        <UPlotChart
          id="what-if-rates"
          title="Taker liquidation rate"
          unit="rate"
          xs={curves.inventory}
          ys={rates.ys}
          series={rates.series}
          time={false}
          xLabel="inventory (base)"
          height={170}
        />
      </div>
    </div>
  );
}
