/**
 * How the dashboard writes values, figures, times and durations. One clock for every region (UTC),
 * and `—` for a figure a runner did not report, so an absent number never reads as zero.
 */

/** A parameter value as written in a document: numbers as JSON spells them, strings unquoted. */
export function formatParamValue(value: unknown): string {
  if (value === undefined) return '(absent)';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** A figure for reading: at most `decimals` decimals, no trailing zeros. */
export function formatFigure(value: number | null | undefined, decimals = 4): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) return '—';
  return String(Number(value.toFixed(decimals)));
}

/** A signed figure with a fixed number of decimals and thousands separators: "+1,234.50". */
export function formatSigned(value: number | null | undefined, decimals: number): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) return '—';
  const text = value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
  return value > 0 ? `+${text}` : text;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** "2026-11-24 14:35:27 UTC"; anything that is not a time is shown as it came. */
export function formatTime(iso: string | number): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  return `${date} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} UTC`;
}

/** "0.4 s", "12 s", "3 min", "5 h", "2 d". */
export function formatDuration(seconds: number | null | undefined): string {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds)) return '—';
  const s = Math.max(0, seconds);
  if (s < 10) return `${s.toFixed(1)} s`;
  if (s < 120) return `${Math.round(s)} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  if (s < 172800) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86400)} d`;
}

/** Seconds from `iso` to `nowMs`; NaN when `iso` is not a time. */
export function secondsSince(iso: string, nowMs: number): number {
  const t = new Date(iso).getTime();
  return Number.isNaN(t) ? Number.NaN : (nowMs - t) / 1000;
}
