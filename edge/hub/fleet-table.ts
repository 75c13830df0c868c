/**
 * A set's fleet table: one entry per runner, moved by its reports (HTTP or socket), ACKs and NACKs.
 * Any read token may report under any id, so the table is bounded: runners unseen for
 * `fleetRetentionS` leave it, a new id beyond `fleetMaxRunners` is refused, and each runner id has
 * its own report rate limit — a flood of made-up ids cannot grow the hub's storage without limit.
 */
import type { Fleet, FleetEntry, RunnerReport } from '../../shared/api.ts';
import { updateFleetEntry, type FleetEvent } from './fleet-update.ts';
import { fail, ok, rateLimited, type HubResult } from './hub-result.ts';
import type { HubPorts } from './hub-ports.ts';

export class FleetTable {
  readonly #hub: HubPorts;

  constructor(hub: HubPorts) {
    this.#hub = hub;
  }

  /** A report over HTTP: rate-limited per runner, refused with 429 when it would overfill the table. */
  report(set: string, runnerId: string, report: RunnerReport): HubResult<FleetEntry> {
    const { config, reportLimiter } = this.#hub;
    const taken = reportLimiter.take(runnerId);
    if (taken.kind === 'limited')
      return rateLimited(`runner "${runnerId}" reports at most ${config.reportRatePerS} times/s`, taken.retryAfterS);
    const entry = this.record(runnerId, { kind: 'report', report });
    if (entry === undefined)
      return fail({
        status: 429,
        code: 'rate_limited',
        message: `the fleet table of set "${set}" is full (${config.fleetMaxRunners} runners); runners unseen for ${config.fleetRetentionS} s leave it`,
        headers: { 'Retry-After': '60' },
      });
    return ok(entry);
  }

  /** A report over a socket: the same limits, but a socket report has no answer, so excess is dropped. */
  reportQuietly(runnerId: string, report: RunnerReport): void {
    if (this.#hub.reportLimiter.take(runnerId).kind === 'taken') this.record(runnerId, { kind: 'report', report });
  }

  /** Records a fleet event, or answers undefined when it would add a runner to a full table. */
  record(runnerId: string, event: FleetEvent): FleetEntry | undefined {
    const { store, config, clock } = this.#hub;
    const existing = store.fleetEntry(runnerId);
    if (existing === undefined) {
      this.#prune();
      if (store.fleetSize() >= config.fleetMaxRunners) return undefined;
    }
    const entry = updateFleetEntry(existing, runnerId, event, new Date(clock.now()));
    store.putFleetEntry(entry);
    return entry;
  }

  /** The table as `GET …/fleet` answers it, without the runners that aged out. */
  list(set: string, version: number): Fleet {
    this.#prune();
    return { set, version, runners: this.#hub.store.fleet() };
  }

  #prune(): void {
    const { store, config, clock } = this.#hub;
    store.pruneFleet(new Date(clock.now() - config.fleetRetentionS * 1000).toISOString());
  }
}
