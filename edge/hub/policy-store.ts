/**
 * A set's policy history in its hub's SQLite: one row per policy version, never changed or deleted.
 * No row means version 0, the default policy. Policies are read at every write, so the newest is
 * kept in memory; only this store writes the table, so the copy cannot go stale.
 */
import { type PolicyVersion, PolicyVersionSchema, defaultPolicyVersion } from '../../shared/policy-schema.ts';

export class PolicyStore {
  readonly #sql: SqlStorage;
  #current: PolicyVersion | undefined;

  constructor(sql: SqlStorage) {
    this.#sql = sql;
    sql.exec('CREATE TABLE IF NOT EXISTS policies (version INTEGER PRIMARY KEY, body TEXT NOT NULL)');
  }

  /** The policy in force for `set`: the newest version, or the default (version 0). */
  current(set: string): PolicyVersion {
    if (this.#current === undefined) {
      const row = this.#sql.exec<{ body: string }>('SELECT body FROM policies ORDER BY version DESC LIMIT 1').toArray()[0];
      // Parsed, not cast: defaults added to the schema later fill in for rows written before them.
      this.#current = row ? PolicyVersionSchema.parse(JSON.parse(row.body)) : undefined;
    }
    return this.#current ?? defaultPolicyVersion(set);
  }

  /** Newest first, at most `limit`. */
  history(limit: number): PolicyVersion[] {
    return this.#sql
      .exec<{ body: string }>('SELECT body FROM policies ORDER BY version DESC LIMIT ?', limit)
      .toArray()
      .map((row) => PolicyVersionSchema.parse(JSON.parse(row.body)));
  }

  insert(version: PolicyVersion): void {
    this.#sql.exec('INSERT INTO policies (version, body) VALUES (?, ?)', version.version, JSON.stringify(version));
    this.#current = version;
  }
}
