/**
 * A set's fleet table: one entry per runner, moved by its reports (HTTP or socket), ACKs and NACKs.
 *
 * Hostile load is the design case: any read token can report, so
 * - every event is rate-limited per runner id before anything else (reports: `reportLimiter`,
 *   socket ACK/NACK: `ackLimiter`), and validated: it names only versions the set has, and only the
 *   token that created an entry may move it (`fleet-checks.ts`);
 * - the table is bounded: a new id beyond `fleetMaxRunners` is refused, and so is a token's id
 *   beyond `fleetMaxRunnersPerToken` (one token cannot fill the table and lock the others out);
 *   runners unseen for `fleetRetentionS` leave it;
 * - the table lives in memory and is written to SQLite at most once per `fleetFlushMs`, in one
 *   batch of the entries that changed: the hub is single-threaded, and a write (the kill switch)
 *   must never queue behind thousands of storage operations. An instance that goes away before a
 *   flush loses at most that much fleet news, which the next heartbeat brings back.
 */
import type { Fleet, FleetEntry, FleetRefusals, RunnerStatusReport, StoredFleetEntry } from '../../shared/api.ts';
import type { ApiErrorInit } from '../errors/api-error.ts';
import { log } from '../log.ts';
import { foreignLineage, foreignRunner, unknownVersions } from './fleet-checks.ts';
import { countByStatus, withStatus } from './fleet-status.ts';
import { updateFleetEntry, type FleetEvent } from './fleet-update.ts';
import { fail, ok, type HubResult } from './hub-result.ts';
import { FlushThrottle } from './flush-throttle.ts';
import type { HubPorts } from './hub-ports.ts';

/** Who sends an event: the runner id it names, and the name of the token it came with. */
export interface FleetSender {
  runnerId: string;
  token: string;
}

/** The set's head as the checks need it: its number and its lineage. */
export interface FleetHead {
  version: number;
  lineage: string;
}

export type FleetVerdict =
  | { kind: 'recorded'; entry: StoredFleetEntry }
  | { kind: 'refused'; counter: 'rate_limited' | 'invalid'; error: ApiErrorInit };

function limited(message: string, retryAfterS: number): FleetVerdict {
  return {
    kind: 'refused',
    counter: 'rate_limited',
    error: {
      status: 429,
      code: 'rate_limited',
      message: `${message}; retry in ${retryAfterS} s`,
      headers: { 'Retry-After': String(retryAfterS) },
    },
  };
}

export class FleetTable {
  readonly #hub: HubPorts;
  #entries: Map<string, StoredFleetEntry> | undefined;
  readonly #changed = new Set<string>();
  readonly #removed = new Set<string>();
  /** At most one flush per `fleetFlushMs`; the pending one takes every change made meanwhile. */
  readonly #throttle: FlushThrottle;
  /** Socket messages refused since this instance started (`GET …/fleet` shows them). */
  readonly refusals: FleetRefusals = { rate_limited: 0, invalid: 0, sockets_closed: 0 };
  /** Events refused for naming another lineage of the set (diagnostics, tests). */
  foreignLineage = 0;
  /** Batches the table wrote to SQLite (tests and diagnostics: ACKs must not each cost a write). */
  flushes = 0;

  constructor(hub: HubPorts) {
    this.#hub = hub;
    this.#throttle = new FlushThrottle(hub, () => this.flush());
  }

  /** A report over HTTP: the verdict as an answer (429, 422, 403 or the entry). */
  report(set: string, sender: FleetSender, report: RunnerStatusReport, head: FleetHead): HubResult<FleetEntry> {
    const verdict = this.receive(set, sender, { kind: 'report', report }, head);
    return verdict.kind === 'recorded' ? ok(withStatus(verdict.entry, this.#hub.clock.now())) : fail(verdict.error);
  }

  /** Checks and records one event (HTTP report or socket message). Nothing changes on a refusal. */
  receive(set: string, sender: FleetSender, event: FleetEvent, head: FleetHead): FleetVerdict {
    const { config, reportLimiter, ackLimiter } = this.#hub;
    const { runnerId, token } = sender;
    const isReport = event.kind === 'report';
    const taken = (isReport ? reportLimiter : ackLimiter).take(runnerId);
    if (taken.kind === 'limited')
      return limited(
        isReport
          ? `runner "${runnerId}" reports at most ${config.reportRatePerS} times/s`
          : `runner "${runnerId}" sends at most ${config.socketMessageRatePerS} ACKs/NACKs per second`,
        taken.retryAfterS,
      );
    const otherHistory = foreignLineage(event, head.lineage);
    if (otherHistory !== undefined) {
      this.foreignLineage += 1;
      return { kind: 'refused', counter: 'invalid', error: otherHistory };
    }
    const entries = this.#table();
    const existing = entries.get(runnerId);
    const refusal = foreignRunner(existing, runnerId, token) ?? unknownVersions(set, event, head.version);
    if (refusal !== undefined) return { kind: 'refused', counter: 'invalid', error: refusal };
    if (existing === undefined) {
      const full = this.#roomFor(set, token);
      if (full !== undefined) return { kind: 'refused', counter: 'rate_limited', error: full };
    }
    const entry = updateFleetEntry(existing, runnerId, token, event, new Date(this.#hub.clock.now()));
    entries.set(runnerId, entry);
    this.#removed.delete(runnerId);
    this.#changed.add(runnerId);
    this.#throttle.schedule();
    return { kind: 'recorded', entry };
  }

  /** `DELETE …/runners/:id`: the entry is gone (its runner may report again and come back). */
  remove(set: string, runnerId: string): HubResult<null> {
    const entries = this.#table();
    if (!entries.delete(runnerId))
      return fail({ status: 404, code: 'not_found', message: `runner "${runnerId}" is not in the fleet of set "${set}"` });
    this.#changed.delete(runnerId);
    this.#removed.add(runnerId);
    this.#throttle.schedule();
    return ok(null);
  }

  /** The table as `GET …/fleet` answers it, without the runners that aged out. */
  list(set: string, version: number): Fleet {
    this.#prune();
    const now = this.#hub.clock.now();
    const runners = [...this.#table().values()]
      .sort((a, b) => (a.runner_id < b.runner_id ? -1 : a.runner_id > b.runner_id ? 1 : 0))
      .map((entry) => withStatus(entry, now));
    return { set, version, runners, counts: countByStatus(runners), refused: { ...this.refusals } };
  }

  /** Writes what changed since the last flush (also called by the flush timer). */
  flush(): void {
    if (this.#changed.size === 0 && this.#removed.size === 0) return;
    const entries = this.#table();
    const changed = [...this.#changed].flatMap((id) => entries.get(id) ?? []);
    const removed = [...this.#removed];
    this.#changed.clear();
    this.#removed.clear();
    this.#throttle.flushed();
    try {
      this.#hub.store.syncFleet(changed, removed);
      this.flushes += 1;
    } catch (error) {
      // Kept for the next flush: the table in memory is still right.
      for (const entry of changed) if (!this.#removed.has(entry.runner_id)) this.#changed.add(entry.runner_id);
      for (const id of removed) if (!this.#changed.has(id)) this.#removed.add(id);
      log.error('fleet_flush_failed', { entries: changed.length, removed: removed.length, error });
      this.#throttle.schedule();
    }
  }

  /** The 429 that keeps a new runner out, or undefined when there is room for it. */
  #roomFor(set: string, token: string): ApiErrorInit | undefined {
    const { config } = this.#hub;
    this.#prune();
    const entries = [...this.#table().values()];
    const retention = `runners unseen for ${config.fleetRetentionS} s leave it, and a write token can remove one (DELETE …/runners/:id)`;
    if (entries.length >= config.fleetMaxRunners)
      return {
        status: 429,
        code: 'rate_limited',
        message: `the fleet table of set "${set}" is full (${config.fleetMaxRunners} runners, FLEET_MAX_RUNNERS); ${retention}`,
        headers: { 'Retry-After': '60' },
      };
    const held = entries.filter((entry) => entry.token === token).length;
    if (held >= config.fleetMaxRunnersPerToken)
      return {
        status: 429,
        code: 'rate_limited',
        message: `token "${token}" already holds ${held} runners in the fleet of set "${set}" (at most ${config.fleetMaxRunnersPerToken}, FLEET_MAX_RUNNERS_PER_TOKEN; give each runner or region its own token); ${retention}`,
        headers: { 'Retry-After': '60' },
      };
    return undefined;
  }

  #table(): Map<string, StoredFleetEntry> {
    this.#entries ??= new Map(this.#hub.store.fleet().map((entry) => [entry.runner_id, entry]));
    return this.#entries;
  }

  #prune(): void {
    const { config, clock } = this.#hub;
    const cutoff = clock.now() - config.fleetRetentionS * 1000;
    const entries = this.#table();
    for (const [id, entry] of entries) {
      if (Date.parse(entry.last_seen) >= cutoff) continue;
      entries.delete(id);
      this.#changed.delete(id);
      this.#removed.add(id);
    }
    if (this.#removed.size > 0) this.#throttle.schedule();
  }
}
