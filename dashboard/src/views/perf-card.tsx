/**
 * What each version did to trading: P&L, inventory, 5 s markout and fill rate over the last two
 * hours per region (uPlot charts, a dashed line at each version change with who made it), a
 * per-version table of the last 24 h, and two versions compared with the edge's statistical test.
 */
import { useMemo, useState } from 'preact/hooks';
import type { CompareAnswer, PerfAnswer } from '../../../shared/perf.ts';
import type { DashboardController } from '../controller.ts';
import type { PerfView } from '../dashboard-state.ts';
import { formatFigure } from '../format.ts';
import { PERF_CHARTS, type PerfChart, versionMarkers } from '../perf-series.ts';
import { NoticeView } from './notice-view.tsx';
import { PerfChartGrid } from './perf-chart-grid.tsx';
import { PALETTE } from './uplot-chart.tsx';

const CHARTS = Object.keys(PERF_CHARTS) as PerfChart[];
const percent = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)} %`);

/** A region's series: the palette in order. */
const regionLook = (label: string, i: number) => ({ label, color: PALETTE[i % PALETTE.length]! });

function RegionCharts({ answer }: { answer: PerfAnswer }) {
  const markers = useMemo(() => versionMarkers(answer), [answer]);
  const xRange = useMemo(() => [Date.parse(answer.from) / 1000, Date.parse(answer.to) / 1000] as const, [answer]);
  if (answer.groups.length === 0)
    return (
      <p class="muted" id="perf-empty">
        No trading figures in the last two hours: no runner has reported telemetry yet.
      </p>
    );
  return <PerfChartGrid answer={answer} charts={CHARTS} idPrefix="chart-" markers={markers} xRange={xRange} look={regionLook} />;
}

function VersionTable({ answer, controller }: { answer: PerfAnswer; controller: DashboardController }) {
  const versions = answer.groups.map((g) => Number(g.key));
  const [a, setA] = useState<number | null>(null);
  const [b, setB] = useState<number | null>(null);
  const pickA = a !== null && versions.includes(a) ? a : (versions.at(-2) ?? null);
  const pickB = b !== null && versions.includes(b) ? b : (versions.at(-1) ?? null);
  const authors = new Map(answer.versions.map((v) => [v.version, v.author]));
  return (
    <>
      <table id="perf-versions">
        <thead>
          <tr>
            <th>A</th>
            <th>B</th>
            <th>Version</th>
            <th>By</th>
            <th class="num">Fills</th>
            <th class="num">P&amp;L</th>
            <th class="num">Spread</th>
            <th class="num">Inventory P&amp;L</th>
            <th class="num">Markout 5 s (bps)</th>
            <th class="num">Realized spread (bps)</th>
            <th class="num">Fills/min</th>
            <th class="num">Uptime</th>
            <th class="num">Orders/cancels/rejects</th>
          </tr>
        </thead>
        <tbody>
          {answer.groups.map((g) => {
            const v = Number(g.key);
            const m = g.metrics;
            return (
              <tr key={g.key} data-version={v}>
                <td>
                  <input
                    type="radio"
                    name="compare-a"
                    aria-label={`compare from v${v}`}
                    checked={pickA === v}
                    onChange={() => setA(v)}
                  />
                </td>
                <td>
                  <input
                    type="radio"
                    name="compare-b"
                    aria-label={`compare to v${v}`}
                    checked={pickB === v}
                    onChange={() => setB(v)}
                  />
                </td>
                <td>
                  <strong>{`v${v}`}</strong>
                </td>
                <td>{authors.get(v) ?? '—'}</td>
                <td class="num">{m.fills}</td>
                <td class="num">{formatFigure(m.pnl.total, 2)}</td>
                <td class="num">{formatFigure(m.pnl.spread, 2)}</td>
                <td class="num">{formatFigure(m.pnl.inventory, 2)}</td>
                <td class="num">{formatFigure(m.markout_bps['5s'], 2)}</td>
                <td class="num">{formatFigure(m.realized_spread_bps, 2)}</td>
                <td class="num">{formatFigure(m.fill_rate_per_min, 2)}</td>
                <td class="num">{percent(m.quote_uptime)}</td>
                <td class="num">{`${m.orders}/${m.cancels}/${m.rejects}`}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <div class="actions">
        <button
          type="button"
          id="compare-button"
          disabled={pickA === null || pickB === null || pickA === pickB}
          onClick={() => pickA !== null && pickB !== null && void controller.compareVersions(pickA, pickB)}
        >
          {pickA !== null && pickB !== null && pickA !== pickB ? `Compare v${pickA} → v${pickB}` : 'Pick two versions to compare'}
        </button>
      </div>
    </>
  );
}

function CompareTable({ answer }: { answer: CompareAnswer }) {
  return (
    <div id="compare-result">
      <p class="small">
        {`v${answer.b.version} against v${answer.a.version}: ${answer.test.name}, one observation = ${answer.test.observation}; ${answer.a.runner_minutes} vs ${answer.b.runner_minutes} runner-minutes.`}
      </p>
      <table>
        <thead>
          <tr>
            <th>Metric</th>
            <th class="num">{`v${answer.a.version}`}</th>
            <th class="num">{`v${answer.b.version}`}</th>
            <th class="num">B − A (95 % CI)</th>
            <th>Verdict</th>
          </tr>
        </thead>
        <tbody>
          {answer.metrics.map((m) => (
            <tr key={m.metric} data-metric={m.metric} data-verdict={m.verdict}>
              <td>{`${m.label} (${m.unit})`}</td>
              <td class="num">{formatFigure(m.a.value, 3)}</td>
              <td class="num">{formatFigure(m.b.value, 3)}</td>
              <td class="num">
                {m.difference
                  ? `${formatFigure(m.difference.estimate, 3)} (${formatFigure(m.difference.ci95.low, 3)} … ${formatFigure(m.difference.ci95.high, 3)})`
                  : '—'}
              </td>
              <td title={m.summary}>{m.verdict === 'too_little_data' ? 'too little data' : m.verdict.replaceAll('_', ' ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function PerfCard({ perf, controller }: { perf: PerfView; controller: DashboardController }) {
  const compare = perf.compare;
  return (
    <section class="card wide" id="perf-card">
      <div class="head">
        <h2>Trading per version</h2>
        <span class="muted small" id="perf-summary">
          {perf.error ? `Figures unavailable: ${perf.error}` : 'last 2 h per region · table: last 24 h per version · UTC'}
        </span>
      </div>
      {perf.regions ? <RegionCharts answer={perf.regions} /> : <p class="muted">Loading trading figures…</p>}
      {perf.versions && perf.versions.groups.length > 0 ? <VersionTable answer={perf.versions} controller={controller} /> : null}
      {compare?.answer.kind === 'loaded' ? <CompareTable answer={compare.answer.value} /> : null}
      {compare?.answer.kind === 'loading' ? <p class="muted">{`Comparing v${compare.a} and v${compare.b}…`}</p> : null}
      {compare?.answer.kind === 'failed' ? (
        <NoticeView notice={{ kind: 'failure', context: 'Compare failed', failure: compare.answer.failure }} />
      ) : null}
    </section>
  );
}
