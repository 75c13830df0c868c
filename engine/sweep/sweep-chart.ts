/**
 * The sweep's chart as a standalone SVG document (no library, no script): a heatmap of the mean
 * objective when the grid has two keys, lines (mean ± sd across seeds) for one key, and a ranked
 * bar chart otherwise (random search).
 */
import type { GridAxis } from './sweep-candidates.ts';
import type { SweepReport, SweepRow } from './run-sweep.ts';

const W = 640;
const H = 400;
const PAD = 60;

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function fmt(x: number): string {
  return Number.isFinite(x) ? Number(x.toPrecision(3)).toString() : '-';
}

/** Blue (worst) to red (best). */
function colour(x: number, lo: number, hi: number): string {
  const f = hi > lo ? (x - lo) / (hi - lo) : 0.5;
  return `rgb(${Math.round(40 + 200 * f)},${Math.round(80 + 60 * (1 - Math.abs(2 * f - 1)))},${Math.round(240 - 200 * f)})`;
}

function frame(title: string, body: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">
<rect width="${W}" height="${H}" fill="white"/>
<text x="${W / 2}" y="20" text-anchor="middle" font-size="13">${esc(title)}</text>
${body}
</svg>
`;
}

export function sweepChart(report: SweepReport, axes: readonly GridAxis[]): string {
  const title = `${report.scenario}: mean ${report.objective} over seeds ${report.seeds.join(',')}`;
  const rows = report.search;
  const value = (row: SweepRow, key: string) => (row.params as Record<string, unknown>)[key] as number;
  if (axes.length === 2) {
    const [ax, ay] = axes as [GridAxis, GridAxis];
    const cw = (W - 2 * PAD) / ax.values.length;
    const ch = (H - 2 * PAD) / ay.values.length;
    const means = rows.map((r) => r.mean);
    const lo = Math.min(...means);
    const hi = Math.max(...means);
    let body = '';
    ax.values.forEach((vx, i) => {
      ay.values.forEach((vy, j) => {
        const row =
          rows.find((r) => value(r, ax.key) === vx && value(r, ay.key) === vy && r.candidate !== 0) ??
          rows.find((r) => value(r, ax.key) === vx && value(r, ay.key) === vy);
        if (row === undefined) return;
        const x = PAD + i * cw;
        const y = H - PAD - (j + 1) * ch;
        body += `<rect x="${x}" y="${y}" width="${cw}" height="${ch}" fill="${colour(row.mean, lo, hi)}"/><text x="${x + cw / 2}" y="${y + ch / 2 + 4}" text-anchor="middle">${fmt(row.mean)}</text>\n`;
      });
      body += `<text x="${PAD + (i + 0.5) * cw}" y="${H - PAD + 15}" text-anchor="middle">${fmt(vx)}</text>\n`;
    });
    ay.values.forEach((vy, j) => {
      body += `<text x="${PAD - 5}" y="${H - PAD - (j + 0.5) * ch + 4}" text-anchor="end">${fmt(vy)}</text>\n`;
    });
    body += `<text x="${W / 2}" y="${H - 15}" text-anchor="middle">${esc(ax.key)}</text><text x="15" y="${H / 2}" transform="rotate(-90 15 ${H / 2})" text-anchor="middle">${esc(ay.key)}</text>`;
    return frame(title, body);
  }
  if (axes.length === 1) {
    const ax = axes[0]!;
    const points = ax.values
      .map((v) => rows.find((r) => value(r, ax.key) === v))
      .filter((r): r is SweepRow => r !== undefined)
      .sort((a, b) => value(a, ax.key) - value(b, ax.key));
    const xs = points.map((p) => value(p, ax.key));
    const ys = points.flatMap((p) => [p.mean - p.sd, p.mean + p.sd]);
    const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
    const [y0, y1] = [Math.min(...ys), Math.max(...ys)];
    const sx = (x: number) => PAD + (x1 > x0 ? ((x - x0) / (x1 - x0)) * (W - 2 * PAD) : (W - 2 * PAD) / 2);
    const sy = (y: number) => H - PAD - (y1 > y0 ? ((y - y0) / (y1 - y0)) * (H - 2 * PAD) : (H - 2 * PAD) / 2);
    let body = `<polyline fill="none" stroke="#c33" stroke-width="2" points="${points.map((p) => `${sx(value(p, ax.key))},${sy(p.mean)}`).join(' ')}"/>\n`;
    for (const p of points) {
      const x = sx(value(p, ax.key));
      body += `<line x1="${x}" x2="${x}" y1="${sy(p.mean - p.sd)}" y2="${sy(p.mean + p.sd)}" stroke="#999"/><circle cx="${x}" cy="${sy(p.mean)}" r="3" fill="#c33"/><text x="${x}" y="${H - PAD + 15}" text-anchor="middle">${fmt(value(p, ax.key))}</text>\n`;
    }
    body += `<text x="${PAD - 5}" y="${sy(y1) + 4}" text-anchor="end">${fmt(y1)}</text><text x="${PAD - 5}" y="${sy(y0) + 4}" text-anchor="end">${fmt(y0)}</text>`;
    body += `<text x="${W / 2}" y="${H - 15}" text-anchor="middle">${esc(ax.key)} (mean ± sd)</text>`;
    return frame(title, body);
  }
  const shown = rows.slice(0, 15);
  const means = shown.map((r) => r.mean);
  const lo = Math.min(0, ...means);
  const hi = Math.max(0, ...means);
  const bh = (H - 2 * PAD) / Math.max(1, shown.length);
  const sx = (x: number) => PAD + 140 + (hi > lo ? ((x - lo) / (hi - lo)) * (W - 2 * PAD - 160) : 0);
  let body = '';
  shown.forEach((r, i) => {
    const y = PAD + i * bh;
    const [a, b] = [sx(Math.min(0, r.mean)), sx(Math.max(0, r.mean))];
    body += `<rect x="${a}" y="${y + 2}" width="${Math.max(1, b - a)}" height="${bh - 4}" fill="${r.candidate === 0 ? '#888' : '#c33'}"/><text x="${PAD + 135}" y="${y + bh / 2 + 4}" text-anchor="end">${esc(r.candidate === 0 ? 'base' : `#${r.candidate}`)} ${fmt(r.mean)}</text>\n`;
  });
  return frame(title, body);
}
