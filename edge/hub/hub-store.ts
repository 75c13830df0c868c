/**
 * The hub's SQLite storage: every version of its set (the history, strongly consistent, unlike a
 * KV read), the fleet table, and a few scalar facts (the set's name, the head mirror's progress).
 * All calls are synchronous: a Durable Object's SQLite runs in-process, and the output gate holds
 * the response until the write is durable.
 */
import type { StoredFleetEntry, Version } from '../../shared/api.ts';

export class HubStore {
  readonly #sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.#sql = sql;
    sql.exec(`CREATE TABLE IF NOT EXISTS versions (version INTEGER PRIMARY KEY, body TEXT NOT NULL)`);
    sql.exec(`CREATE TABLE IF NOT EXISTS fleet (runner_id TEXT PRIMARY KEY, body TEXT NOT NULL)`);
    sql.exec(`CREATE TABLE IF NOT EXISTS facts (key TEXT PRIMARY KEY, value TEXT NOT NULL)`);
    // Rollouts (`rollouts/rollout-store.ts`): created here because the head depends on them.
    sql.exec(
      `CREATE TABLE IF NOT EXISTS rollouts (id TEXT PRIMARY KEY, version INTEGER NOT NULL, state TEXT NOT NULL, body TEXT NOT NULL, tally TEXT)`,
    );
  }

  /**
   * The set's head: the newest version that is not a rollout's candidate still in flight or rolled
   * back (a candidate becomes the head only when its rollout is promoted).
   */
  head(): Version | undefined {
    const row = this.#sql
      .exec<{ body: string }>(
        "SELECT body FROM versions WHERE version NOT IN (SELECT version FROM rollouts WHERE state <> 'promoted') ORDER BY version DESC LIMIT 1",
      )
      .toArray()[0];
    return row ? (JSON.parse(row.body) as Version) : undefined;
  }

  /** The newest version of the history, head or candidate: the next version's number follows it. */
  latest(): Version | undefined {
    const row = this.#sql.exec<{ body: string }>('SELECT body FROM versions ORDER BY version DESC LIMIT 1').toArray()[0];
    return row ? (JSON.parse(row.body) as Version) : undefined;
  }

  version(n: number): Version | undefined {
    const row = this.#sql.exec<{ body: string }>('SELECT body FROM versions WHERE version = ?', n).toArray()[0];
    return row ? (JSON.parse(row.body) as Version) : undefined;
  }

  /** Newest first, versions strictly below `before`. */
  page(before: number, limit: number): Version[] {
    return this.#sql
      .exec<{ body: string }>('SELECT body FROM versions WHERE version < ? ORDER BY version DESC LIMIT ?', before, limit)
      .toArray()
      .map((row) => JSON.parse(row.body) as Version);
  }

  /**
   * Gives versions stored before lineages existed (local dev state) the set's lineage, once. Their
   * numbers and params stay as they were: the set simply gets the history id it never had.
   * Returns how many versions it touched.
   */
  assignLineage(lineage: string): number {
    return this.#sql.exec(
      "UPDATE versions SET body = json_set(body, '$.lineage', ?) WHERE json_extract(body, '$.lineage') IS NULL",
      lineage,
    ).rowsWritten;
  }

  insert(version: Version): void {
    // A plain INSERT: a second row for the same number is a bug, and must fail loudly.
    this.#sql.exec('INSERT INTO versions (version, body) VALUES (?, ?)', version.version, JSON.stringify(version));
  }

  /** Every fleet entry (loaded once per hub instance; the table lives in memory after that). */
  fleet(): StoredFleetEntry[] {
    return this.#sql
      .exec<{ body: string }>('SELECT body FROM fleet ORDER BY runner_id')
      .toArray()
      .map((row) => JSON.parse(row.body) as StoredFleetEntry);
  }

  /** Writes changed entries and removes gone ones (one event: one implicit transaction). */
  syncFleet(changed: Iterable<StoredFleetEntry>, removed: Iterable<string>): void {
    for (const entry of changed)
      this.#sql.exec('INSERT OR REPLACE INTO fleet (runner_id, body) VALUES (?, ?)', entry.runner_id, JSON.stringify(entry));
    for (const runnerId of removed) this.#sql.exec('DELETE FROM fleet WHERE runner_id = ?', runnerId);
  }

  fact(key: string): string | undefined {
    return this.#sql.exec<{ value: string }>('SELECT value FROM facts WHERE key = ?', key).toArray()[0]?.value;
  }

  setFact(key: string, value: string): void {
    this.#sql.exec('INSERT OR REPLACE INTO facts (key, value) VALUES (?, ?)', key, value);
  }
}
