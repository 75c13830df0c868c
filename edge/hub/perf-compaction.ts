/**
 * When the hub's alarm compacts the telemetry rollups: at most once per `perfCompactIntervalMs`
 * (the time of the last compaction is a stored fact, so a new instance keeps the pace), and again
 * at once when one alarm left minute rows to do. It shares the Durable Object's one alarm with the
 * head mirror (`head-mirror.ts`): each part sets the alarm only earlier, never later, and after an
 * alarm each schedules what it still has to do.
 */
import { log } from '../log.ts';
import type { HubPorts } from './hub-ports.ts';
import type { PerfRollups } from './perf-rollups.ts';

const COMPACTED_AT = 'perf_compacted_at';

export class PerfCompaction {
  readonly #hub: HubPorts;
  readonly #rollups: PerfRollups;
  #scheduled = false;

  constructor(hub: HubPorts, rollups: PerfRollups) {
    this.#hub = hub;
    this.#rollups = rollups;
  }

  /** Compacts when due (`force`: now, whatever the pace); answers whether it ran. */
  run({ force = false }: { force?: boolean } = {}): boolean {
    const { store, clock, config } = this.#hub;
    const now = clock.now();
    const last = Number(store.fact(COMPACTED_AT) ?? 0);
    if (!force && now < last + config.perfCompactIntervalMs) return false;
    const { compacted, deleted, more } = this.#rollups.compact();
    // With more left, the next alarm comes at once (the pace resets only when a pass finished).
    store.setFact(COMPACTED_AT, String(more ? last : now));
    if (compacted > 0 || deleted > 0) log.info('perf_compacted', { compacted, deleted, more });
    return true;
  }

  /** Makes sure an alarm comes when the next compaction is due (only while there are rows). */
  async schedule(): Promise<void> {
    const { store, clock, config, alarms } = this.#hub;
    try {
      if (this.#rollups.rowCount() === 0) return;
      const due = Math.max(clock.now(), Number(store.fact(COMPACTED_AT) ?? 0) + config.perfCompactIntervalMs);
      const current = await alarms.getAlarm();
      if (current === null || current > due) await alarms.setAlarm(due);
      this.#scheduled = true;
    } catch (error) {
      log.error('perf_alarm_schedule_failed', { error: String(error) });
    }
  }

  /** After the first rows of an instance: one schedule, not one per report. */
  async ensureScheduled(): Promise<void> {
    if (!this.#scheduled) await this.schedule();
  }
}
