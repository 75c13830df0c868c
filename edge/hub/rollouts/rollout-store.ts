/**
 * Rollouts in the hub's SQLite (`rollouts` table, created by `HubStore` because the head depends on
 * it): the rollout as the API answers it, its state and candidate version as columns (the head query
 * reads them), and its tally. Synchronous, like every hub storage call.
 */
import type { Rollout } from '../../../shared/rollout.ts';
import type { RolloutTally } from './rollout-tally.ts';

export class RolloutStore {
  readonly #sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.#sql = sql;
  }

  save(rollout: Rollout, tally: RolloutTally): void {
    this.#sql.exec(
      'INSERT OR REPLACE INTO rollouts (id, version, state, body, tally) VALUES (?, ?, ?, ?, ?)',
      rollout.id,
      rollout.version,
      rollout.state,
      JSON.stringify(rollout),
      JSON.stringify(tally),
    );
  }

  /** The rollout in flight (running or paused), with its tally; at most one per set. */
  active(): { rollout: Rollout; tally: RolloutTally } | undefined {
    const row = this.#sql
      .exec<{ body: string; tally: string | null }>(
        "SELECT body, tally FROM rollouts WHERE state IN ('running', 'paused') ORDER BY version DESC LIMIT 1",
      )
      .toArray()[0];
    return row ? { rollout: JSON.parse(row.body) as Rollout, tally: JSON.parse(row.tally ?? 'null') as RolloutTally } : undefined;
  }

  get(id: string): Rollout | undefined {
    const row = this.#sql.exec<{ body: string }>('SELECT body FROM rollouts WHERE id = ?', id).toArray()[0];
    return row ? (JSON.parse(row.body) as Rollout) : undefined;
  }

  /** Newest first. */
  list(limit: number): Rollout[] {
    return this.#sql
      .exec<{ body: string }>('SELECT body FROM rollouts ORDER BY version DESC LIMIT ?', limit)
      .toArray()
      .map((row) => JSON.parse(row.body) as Rollout);
  }
}
