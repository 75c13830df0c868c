/**
 * The set's trading-figure rollups in the hub's SQLite: one row per (resolution, bucket, params
 * version, runner, region) holding additive sums (`rollup-sums.ts`). Reports add their telemetry
 * deltas to the current minute's rows; the alarm compacts minute rows older than 48 h into hourly
 * rows and deletes hourly rows older than 90 days (`compact`).
 *
 * A delta goes into the minute in which the hub received it (the hub's clock, never the runner's):
 * a runner with a wrong clock, or a hostile one, cannot write into the past or the future. Reports
 * come every few seconds, so the error is at most one report interval.
 *
 * Bounded like the fleet table: deltas add up in memory and are written at most once per
 * `fleetFlushMs` (the hub is single-threaded: a write must never queue behind thousands of
 * storage operations); the table holds at most `perfMaxRows` rows — past it, the oldest rows (by
 * bucket, whatever their resolution) are evicted, 1 % of the cap at a time, and counted
 * (`evicted_rows`): recent figures matter more than old ones for live tuning.
 */
import type { TelemetryDelta } from '../../shared/telemetry.ts';
import { PERF_RETENTION } from '../../shared/perf.ts';
import { log } from '../log.ts';
import { addSums, mergeInventory, type RollupSums, SUM_COLUMNS, sumsOf, zeroSums } from '../perf/rollup-sums.ts';
import { HOUR_MS, MINUTE_MS, type RollupKey, type RollupRow } from '../perf/rollup-row.ts';
import { FlushThrottle } from './flush-throttle.ts';
import type { HubPorts } from './hub-ports.ts';

/** Minute rows older than this are compacted into hourly rows. */
export const MINUTE_RETENTION_MS = PERF_RETENTION.minute_hours * HOUR_MS;
/** Hourly rows older than this are deleted. */
export const HOUR_RETENTION_MS = PERF_RETENTION.hour_days * 24 * HOUR_MS;
/** Most minute rows one alarm compacts (the rest wait for the next alarm, scheduled at once). */
const COMPACT_BATCH = 20_000;

type SqlRow = Record<string, SqlStorageValue>;

const COLUMNS = ['res', 'bucket', 'version', 'runner', 'region', ...SUM_COLUMNS, 'inv_last', 'inv_min', 'inv_max', 'inv_at'];
const keyOf = (k: RollupKey) => `${k.res}|${k.bucket}|${k.version}|${k.runner}|${k.region}`;

function rowOf(r: SqlRow): RollupRow {
  const sums = zeroSums();
  for (const column of SUM_COLUMNS) sums[column] = Number(r[column]);
  return {
    res: Number(r.res),
    bucket: Number(r.bucket),
    version: Number(r.version),
    runner: String(r.runner),
    region: String(r.region),
    sums,
    inventory:
      r.inv_at === null
        ? null
        : { last: Number(r.inv_last), min: Number(r.inv_min), max: Number(r.inv_max), at: Number(r.inv_at) },
  };
}

export class PerfRollups {
  readonly #hub: HubPorts;
  readonly #sql: SqlStorage;
  readonly #pending = new Map<string, RollupRow>();
  #rows: number | undefined;
  /** At most one flush per `fleetFlushMs`; the pending one takes every delta added meanwhile. */
  readonly #throttle: FlushThrottle;

  constructor(hub: HubPorts, sql: SqlStorage) {
    this.#hub = hub;
    this.#throttle = new FlushThrottle(hub, () => this.flush());
    this.#sql = sql;
    sql.exec(`CREATE TABLE IF NOT EXISTS perf_rollups (
      res INTEGER NOT NULL, bucket INTEGER NOT NULL, version INTEGER NOT NULL, runner TEXT NOT NULL, region TEXT NOT NULL,
      ${SUM_COLUMNS.map((c) => `${c} REAL NOT NULL`).join(', ')},
      inv_last REAL, inv_min REAL, inv_max REAL, inv_at INTEGER,
      PRIMARY KEY (res, bucket, version, runner, region))`);
    sql.exec('CREATE INDEX IF NOT EXISTS perf_rollups_bucket ON perf_rollups (bucket)');
    sql.exec('CREATE INDEX IF NOT EXISTS perf_rollups_version ON perf_rollups (version, res)');
  }

  /**
   * Adds a report's telemetry (already checked: versions of this set and lineage) to the minute the
   * hub received it in. The runner's inventory goes with the version that was in force longest in
   * the interval (the current one): inventory is the runner's, not a version's.
   */
  record(runner: string, region: string, delta: TelemetryDelta): void {
    const now = this.#hub.clock.now();
    const bucket = Math.floor(now / MINUTE_MS) * MINUTE_MS;
    let current: number | undefined;
    let longest = -1;
    for (const v of delta.versions) {
      if (v.elapsed_s > longest) {
        longest = v.elapsed_s;
        current = v.params_version;
      }
    }
    for (const v of delta.versions) {
      const key: RollupKey = { res: MINUTE_MS, bucket, version: v.params_version, runner, region };
      const inventory =
        v.params_version === current
          ? { last: delta.inventory.last, min: delta.inventory.min, max: delta.inventory.max, at: now }
          : null;
      const id = keyOf(key);
      const pending = this.#pending.get(id);
      if (pending === undefined) this.#pending.set(id, { ...key, sums: sumsOf(v), inventory });
      else {
        addSums(pending.sums, sumsOf(v));
        pending.inventory = mergeInventory(pending.inventory, inventory);
      }
    }
    this.#throttle.schedule();
  }

  /** Writes the pending deltas (also called before every read and by the flush timer). */
  flush(): void {
    if (this.#pending.size === 0) return;
    const rows = [...this.#pending.values()];
    this.#pending.clear();
    this.#throttle.flushed();
    try {
      for (const row of rows) this.#upsert(row);
    } catch (error) {
      log.error('perf_flush_failed', { rows: rows.length, error: String(error) });
    }
    this.#evictOverCap();
  }

  /** Rows now held (pending deltas written first). */
  rowCount(): number {
    this.flush();
    return this.#count();
  }

  /**
   * The rows overlapping [fromMs, toMs) summed in SQLite per group (`version`, `region` or `runner`),
   * runner and point (`bucketMs`; null: one point), so a 30-day read moves a few hundred rows out of
   * SQLite instead of every stored one. Each result is a `RollupRow` whose `bucket` is the point and
   * whose key fields carry the group; its inventory is the runner's last and extremes in the point.
   */
  grouped(fromMs: number, toMs: number, by: 'version' | 'region' | 'runner', bucketMs: number | null): RollupRow[] {
    this.flush();
    const point = bucketMs === null ? '0' : `(bucket / ${Math.trunc(bucketMs)}) * ${Math.trunc(bucketMs)}`;
    const where = 'WHERE bucket < ? AND bucket + res > ?';
    const group = `GROUP BY g, runner, p`;
    const sums = this.#sql
      .exec<SqlRow>(
        `SELECT ${by} AS g, runner, ${point} AS p, ${SUM_COLUMNS.map((c) => `SUM(${c}) AS ${c}`).join(', ')},
           MIN(inv_min) AS inv_min, MAX(inv_max) AS inv_max
         FROM perf_rollups ${where} ${group}`,
        toMs,
        fromMs,
      )
      .toArray();
    // SQLite takes a bare column from the row holding the one MAX() of an aggregate query: the last inventory.
    const lasts = new Map<string, { at: number; last: number }>();
    for (const r of this.#sql
      .exec<SqlRow>(
        `SELECT ${by} AS g, runner, ${point} AS p, MAX(inv_at) AS inv_at, inv_last
         FROM perf_rollups ${where} AND inv_at IS NOT NULL ${group}`,
        toMs,
        fromMs,
      )
      .toArray())
      lasts.set(`${r.g}|${r.runner}|${r.p}`, { at: Number(r.inv_at), last: Number(r.inv_last) });
    return sums.map((r) => {
      const sumsOfRow = zeroSums();
      for (const column of SUM_COLUMNS) sumsOfRow[column] = Number(r[column]);
      const last = lasts.get(`${r.g}|${r.runner}|${r.p}`);
      return {
        res: bucketMs ?? 0,
        bucket: Number(r.p),
        version: by === 'version' ? Number(r.g) : 0,
        region: by === 'region' ? String(r.g) : '',
        runner: String(r.runner),
        sums: sumsOfRow,
        inventory: last === undefined ? null : { last: last.last, at: last.at, min: Number(r.inv_min), max: Number(r.inv_max) },
      };
    });
  }

  /** A version's sums over all its rows, its runners, and each of its minute rows' sums (for `compare`). */
  versionRows(version: number): { total: RollupSums; runners: number; minutes: RollupSums[] } {
    this.flush();
    const row = this.#sql
      .exec<SqlRow>(
        `SELECT ${SUM_COLUMNS.map((c) => `TOTAL(${c}) AS ${c}`).join(', ')}, COUNT(DISTINCT runner) AS runners
         FROM perf_rollups WHERE version = ?`,
        version,
      )
      .one();
    const total = zeroSums();
    for (const column of SUM_COLUMNS) total[column] = Number(row[column]);
    // A runner has one minute row per version unless its region changed within the minute.
    const minutes = this.#sql
      .exec<SqlRow>(`SELECT ${SUM_COLUMNS.join(', ')} FROM perf_rollups WHERE version = ? AND res = ?`, version, MINUTE_MS)
      .toArray()
      .map((r) => {
        const sums = zeroSums();
        for (const column of SUM_COLUMNS) sums[column] = Number(r[column]);
        return sums;
      });
    return { total, runners: Number(row.runners), minutes };
  }

  /** Rows evicted at the cap since the table was created. */
  evicted(): number {
    return Number(this.#hub.store.fact('perf_evicted_rows') ?? 0);
  }

  /**
   * Minute rows older than 48 h summed into hourly rows (then deleted), and hourly rows older than
   * 90 days deleted. At most `COMPACT_BATCH` minute rows per call; answers whether more are left.
   */
  compact(): { compacted: number; deleted: number; more: boolean } {
    this.flush();
    const now = this.#hub.clock.now();
    const minuteCutoff = Math.floor((now - MINUTE_RETENTION_MS) / HOUR_MS) * HOUR_MS;
    const old = this.#sql
      .exec<SqlRow>(
        `SELECT ${COLUMNS.join(', ')} FROM perf_rollups WHERE res = ? AND bucket < ? ORDER BY bucket LIMIT ?`,
        MINUTE_MS,
        minuteCutoff,
        COMPACT_BATCH,
      )
      .toArray()
      .map(rowOf);
    const hours = new Map<string, RollupRow>();
    for (const row of old) {
      const key: RollupKey = { ...row, res: HOUR_MS, bucket: Math.floor(row.bucket / HOUR_MS) * HOUR_MS };
      const id = keyOf(key);
      const hour = hours.get(id);
      if (hour === undefined) hours.set(id, { ...key, sums: { ...row.sums }, inventory: row.inventory });
      else {
        addSums(hour.sums, row.sums);
        hour.inventory = mergeInventory(hour.inventory, row.inventory);
      }
    }
    for (const row of old)
      this.#sql.exec(
        'DELETE FROM perf_rollups WHERE res = ? AND bucket = ? AND version = ? AND runner = ? AND region = ?',
        row.res,
        row.bucket,
        row.version,
        row.runner,
        row.region,
      );
    if (this.#rows !== undefined) this.#rows -= old.length;
    for (const row of hours.values()) this.#upsert(row);
    const deleted = this.#sql.exec(
      'DELETE FROM perf_rollups WHERE res = ? AND bucket + res <= ?',
      HOUR_MS,
      now - HOUR_RETENTION_MS,
    ).rowsWritten;
    if (this.#rows !== undefined) this.#rows -= deleted;
    return { compacted: old.length, deleted, more: old.length === COMPACT_BATCH };
  }

  #count(): number {
    this.#rows ??= Number(this.#sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM perf_rollups').one().n);
    return this.#rows;
  }

  /** Adds a row into the table; a new key counts one more row. */
  #upsert(row: RollupRow): void {
    // Counted before the insert: a first count after it would include the new row.
    const rows = this.#count();
    const values = [
      row.res,
      row.bucket,
      row.version,
      row.runner,
      row.region,
      ...SUM_COLUMNS.map((c) => row.sums[c]),
      row.inventory?.last ?? null,
      row.inventory?.min ?? null,
      row.inventory?.max ?? null,
      row.inventory?.at ?? null,
    ];
    const inserted = this.#sql.exec(
      `INSERT INTO perf_rollups (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')}) ON CONFLICT DO NOTHING`,
      ...values,
    ).rowsWritten;
    if (inserted > 0) {
      this.#rows = rows + 1;
      return;
    }
    // Numbered parameters: ?1..?N the sums, then the inventory (at, last, min, max), then the key.
    const n = SUM_COLUMNS.length;
    const [at, last, min, max] = [n + 1, n + 2, n + 3, n + 4].map((i) => `?${i}`);
    const newer = `${at} IS NOT NULL AND (inv_at IS NULL OR ${at} >= inv_at)`;
    this.#sql.exec(
      `UPDATE perf_rollups SET ${SUM_COLUMNS.map((c, i) => `${c} = ${c} + ?${i + 1}`).join(', ')},
        inv_last = CASE WHEN ${newer} THEN ${last} ELSE inv_last END,
        inv_min = CASE WHEN ${at} IS NULL THEN inv_min WHEN inv_min IS NULL OR ${min} < inv_min THEN ${min} ELSE inv_min END,
        inv_max = CASE WHEN ${at} IS NULL THEN inv_max WHEN inv_max IS NULL OR ${max} > inv_max THEN ${max} ELSE inv_max END,
        inv_at = CASE WHEN ${newer} THEN ${at} ELSE inv_at END
       WHERE res = ?${n + 5} AND bucket = ?${n + 6} AND version = ?${n + 7} AND runner = ?${n + 8} AND region = ?${n + 9}`,
      ...SUM_COLUMNS.map((c) => row.sums[c]),
      row.inventory?.at ?? null,
      row.inventory?.last ?? null,
      row.inventory?.min ?? null,
      row.inventory?.max ?? null,
      row.res,
      row.bucket,
      row.version,
      row.runner,
      row.region,
    );
  }

  #evictOverCap(): void {
    const max = this.#hub.config.perfMaxRows;
    const count = this.#count();
    if (count <= max) return;
    const evict = count - max + Math.ceil(max / 100);
    const evicted = this.#sql.exec(
      'DELETE FROM perf_rollups WHERE rowid IN (SELECT rowid FROM perf_rollups ORDER BY bucket LIMIT ?)',
      evict,
    ).rowsWritten;
    this.#rows = count - evicted;
    this.#hub.store.setFact('perf_evicted_rows', String(this.evicted() + evicted));
    log.warn('perf_rows_evicted', { evicted, max_rows: max });
  }
}
