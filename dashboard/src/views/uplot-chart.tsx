/**
 * One uPlot chart as a Preact component: the columns and the series' looks in, a canvas out. uPlot
 * draws on a canvas (fast, and nothing for the page's CSP to refuse: no inline script or style
 * element). Vertical markers (version changes) are drawn by a small uPlot plugin after each redraw,
 * and also listed under the chart as text, which a screen reader and a test can read.
 */
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';

export interface ChartSeries {
  label: string;
  color: string;
  /** Dashed: the "before" curve of a comparison. */
  dashed?: boolean;
}

export interface ChartMarker {
  x: number;
  label: string;
  title?: string;
}

export interface UPlotChartProps {
  id: string;
  title: string;
  unit: string;
  /** x values ascending: seconds since the epoch when `time`, plain numbers otherwise. */
  xs: readonly number[];
  ys: readonly (readonly (number | null)[])[];
  series: readonly ChartSeries[];
  markers?: readonly ChartMarker[];
  time?: boolean;
  xLabel?: string;
  height?: number;
  /** The x range to show whatever the data covers (a window of time: one bucket must not fill the chart). */
  xRange?: readonly [number, number];
}

export const PALETTE = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#be185d', '#4d7c0f'];

/**
 * Draws each marker as a dashed vertical line with its label at the top of the plot area; labels of
 * markers close together go on successive rows so they stay readable.
 */
function markersPlugin(markers: readonly ChartMarker[]): uPlot.Plugin {
  return {
    hooks: {
      draw: (u: uPlot) => {
        const { ctx, bbox } = u;
        ctx.save();
        ctx.strokeStyle = '#6b7280';
        ctx.fillStyle = '#374151';
        ctx.lineWidth = 1;
        ctx.setLineDash([4, 3]);
        ctx.font = `${Math.round(11 * devicePixelRatio)}px system-ui, sans-serif`;
        const row = 12 * devicePixelRatio;
        let lastX = Number.NEGATIVE_INFINITY;
        let lastWidth = 0;
        let line = 0;
        for (const marker of [...markers].sort((a, b) => a.x - b.x)) {
          const x = u.valToPos(marker.x, 'x', true);
          if (x < bbox.left || x > bbox.left + bbox.width) continue;
          ctx.beginPath();
          ctx.moveTo(x, bbox.top);
          ctx.lineTo(x, bbox.top + bbox.height);
          ctx.stroke();
          line = x < lastX + lastWidth + 8 ? (line + 1) % 6 : 0;
          const width = ctx.measureText(marker.label).width;
          // Near the right edge the label goes to the left of its line, inside the plot.
          const left = x + 4 + width > bbox.left + bbox.width ? x - 4 - width : x + 4;
          ctx.fillText(marker.label, left, bbox.top + row * (line + 1));
          lastX = x;
          lastWidth = width;
        }
        ctx.restore();
      },
    },
  };
}

export function UPlotChart({
  id,
  title,
  unit,
  xs,
  ys,
  series,
  markers = [],
  time = true,
  xLabel,
  height = 180,
  xRange,
}: UPlotChartProps) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const options: uPlot.Options = {
      width: Math.max(280, el.clientWidth || 560),
      height,
      scales: { x: { time, ...(xRange ? { range: (): uPlot.Range.MinMax => [xRange[0], xRange[1]] } : {}) } },
      axes: [{ ...(xLabel ? { label: xLabel } : {}) }, { label: unit, size: 60 }],
      series: [
        { label: time ? 'time (UTC)' : (xLabel ?? 'x') },
        ...series.map((s) => ({
          label: s.label,
          stroke: s.color,
          width: 2,
          ...(s.dashed ? { dash: [6, 4] } : {}),
        })),
      ],
      // Names only: the values under the cursor would make the legend jump as the mouse moves.
      legend: { show: true, live: false },
      cursor: { drag: { x: false, y: false } },
      plugins: [markersPlugin(markers)],
      ...(time ? { tzDate: (ts: number) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC') } : {}),
    };
    const chart = new uPlot(options, [xs as number[], ...(ys as (number | null)[][])] as uPlot.AlignedData, el);
    return () => chart.destroy();
  }, [xs, ys, series, markers, height, time, unit, xLabel, xRange]);
  return (
    <figure class="chart" id={id} data-points={xs.length} data-series={series.length} data-markers={markers.length}>
      <figcaption>
        <strong>{title}</strong> <span class="muted small">{unit}</span>
      </figcaption>
      <div class="chart-canvas" ref={host} />
      {markers.length > 0 ? (
        <ul class="chart-marks small muted">
          {markers.map((m) => (
            <li key={`${m.x}-${m.label}`} title={m.title}>
              {m.label}
            </li>
          ))}
        </ul>
      ) : null}
    </figure>
  );
}
