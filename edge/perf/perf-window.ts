/**
 * The window and bucket of a `perf` read, resolved against the hub's clock: `to` defaults to now,
 * `from` to 24 h before `to`; at most 90 days; a bucket under an hour only over minute figures
 * (the last 48 h); at most `MAX_POINTS` points per series. Errors are 400s naming the parameter.
 */
import { PERF_RETENTION } from '../../shared/perf.ts';
import type { ApiErrorInit } from '../errors/api-error.ts';
import { HOUR_MS } from './rollup-row.ts';

const DEFAULT_WINDOW_MS = 24 * HOUR_MS;
const MAX_WINDOW_MS = PERF_RETENTION.hour_days * 24 * HOUR_MS;
/** Most points one group's series may have. */
export const MAX_POINTS = 5000;

export interface PerfWindowQuery {
  fromMs?: number | undefined;
  toMs?: number | undefined;
  /** The bucket as asked (`1m`), for messages, and its length. */
  bucket?: { name: string; ms: number } | undefined;
}

export type PerfWindow = { fromMs: number; toMs: number; bucketMs: number | null };

const iso = (ms: number) => new Date(ms).toISOString();
const bad = (message: string): ApiErrorInit => ({ status: 400, code: 'bad_request', message });

export function resolvePerfWindow(query: PerfWindowQuery, nowMs: number): { window: PerfWindow } | { error: ApiErrorInit } {
  const toMs = query.toMs ?? nowMs;
  const fromMs = query.fromMs ?? toMs - DEFAULT_WINDOW_MS;
  if (fromMs >= toMs) return { error: bad(`from (${iso(fromMs)}) must be before to (${iso(toMs)})`) };
  if (toMs - fromMs > MAX_WINDOW_MS)
    return {
      error: bad(`from … to spans ${((toMs - fromMs) / 86_400_000).toFixed(1)} days: at most ${PERF_RETENTION.hour_days} days`),
    };
  const bucket = query.bucket;
  if (bucket === undefined) return { window: { fromMs, toMs, bucketMs: null } };
  const minuteFloor = nowMs - PERF_RETENTION.minute_hours * HOUR_MS;
  if (bucket.ms < HOUR_MS && fromMs < minuteFloor)
    return {
      error: bad(
        `bucket = ${JSON.stringify(bucket.name)} needs minute figures, which are kept ${PERF_RETENTION.minute_hours} h: use bucket=1h or coarser, or a from after ${iso(minuteFloor)}`,
      ),
    };
  const points = Math.ceil((toMs - fromMs) / bucket.ms);
  if (points > MAX_POINTS)
    return {
      error: bad(
        `bucket = ${JSON.stringify(bucket.name)} makes ${points} points per group: at most ${MAX_POINTS}; use a coarser bucket or a shorter window`,
      ),
    };
  return { window: { fromMs, toMs, bucketMs: bucket.ms } };
}
