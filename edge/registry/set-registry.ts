/**
 * `SetRegistry`: one Durable Object (`idFromName('registry')`) that lists every set with its head.
 * Each hub upserts here before it answers a write, so `GET /v1/sets` is strongly consistent: a set
 * whose creation was acknowledged is listed. (A KV list would be eventually consistent: a just
 * created set could be missing for a minute, which an operator would read as a lost write.)
 */
import { DurableObject } from 'cloudflare:workers';
import type { SetSummary } from '../../shared/api.ts';
import type { EdgeEnv } from '../env.ts';

export class SetRegistry extends DurableObject<EdgeEnv> {
  readonly #sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: EdgeEnv) {
    super(ctx, env);
    this.#sql = ctx.storage.sql;
    this.#sql.exec('CREATE TABLE IF NOT EXISTS sets (name TEXT PRIMARY KEY, version INTEGER NOT NULL, body TEXT NOT NULL)');
  }

  /** Records a set's head; an older version arriving late (a retried alarm) never wins. */
  async upsert(summary: SetSummary): Promise<void> {
    this.#sql.exec(
      `INSERT INTO sets (name, version, body) VALUES (?1, ?2, ?3)
       ON CONFLICT (name) DO UPDATE SET version = ?2, body = ?3 WHERE excluded.version > sets.version`,
      summary.set,
      summary.version,
      JSON.stringify(summary),
    );
  }

  /** Whether a set exists (the Worker asks before a read addresses a hub, which would create it). */
  async has(name: string): Promise<boolean> {
    return this.#sql.exec('SELECT 1 FROM sets WHERE name = ?', name).toArray().length > 0;
  }

  async list(): Promise<SetSummary[]> {
    return this.#sql
      .exec<{ body: string }>('SELECT body FROM sets ORDER BY name')
      .toArray()
      .map((row) => JSON.parse(row.body) as SetSummary);
  }
}
