/**
 * A `perf` answer drawn as one uPlot chart per figure (P&L, inventory, 5 s markout, fill rate), one
 * series per group, with markers and a fixed time range: the per-region charts and a rollout's
 * canary-vs-control charts are both this grid.
 */
import { useMemo } from 'preact/hooks';
import type { PerfAnswer } from '../../../shared/perf.ts';
import { PERF_CHARTS, type PerfChart, chartColumns } from '../perf-series.ts';
import { type ChartMarker, type ChartSeries, UPlotChart } from './uplot-chart.tsx';

export function PerfChartGrid({
  answer,
  charts,
  idPrefix,
  titleSuffix = '',
  markers,
  xRange,
  look,
  gridId,
}: {
  answer: PerfAnswer;
  charts: readonly PerfChart[];
  /** Each chart's element id is `${idPrefix}${chart}`. */
  idPrefix: string;
  titleSuffix?: string;
  markers: readonly ChartMarker[];
  xRange: readonly [number, number];
  /** The look of a group's series (its label is the group's key). */
  look: (label: string, index: number) => ChartSeries;
  gridId?: string;
}) {
  const drawn = useMemo(
    () =>
      charts.map((chart) => {
        const columns = chartColumns(answer, chart);
        return { chart, columns, series: columns.series.map(look) };
      }),
    [answer, charts, look],
  );
  return (
    <div class="charts" {...(gridId ? { id: gridId } : {})}>
      {drawn.map(({ chart, columns, series }) => (
        <UPlotChart
          key={chart}
          id={`${idPrefix}${chart}`}
          title={`${PERF_CHARTS[chart].title}${titleSuffix}`}
          unit={PERF_CHARTS[chart].unit}
          xs={columns.xs}
          ys={columns.ys}
          series={series}
          markers={markers}
          xRange={xRange}
        />
      ))}
    </div>
  );
}
