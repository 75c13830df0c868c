/**
 * `ParamsHub`: one Durable Object per param set (`idFromName(set)`), the single writer of its set.
 * A thin coordinator of its parts, one concept each:
 * - `HubWrites`: the write lock, versions, the head (`hub-writes.ts`);
 * - `HeadMirror`: what lags the head — registry entry and KV mirror — and the alarm (`head-mirror.ts`);
 * - `FleetTable`: runners' reports, ACKs and NACKs, bounded, owned by tokens, kept in memory and
 *   flushed to SQLite at most once per `fleetFlushMs` (`fleet-table.ts`);
 * - `PerfRollups` and `PerfCompaction`: the runners' telemetry summed per version, runner, region
 *   and minute, compacted into hours by the alarm (`perf-rollups.ts`), read by `perf` and `compare`;
 * - `VersionWaiters` and `RelaySubscribers`: who hears of a commit at once (long-polls; the watch
 *   relays, one per token, which hold the sockets so that a token's flood never queues here).
 * - `HubRollouts`: the rollout in flight — who is given its candidate, its guardrails evaluated on
 *   the alarm, and its decisions (`rollouts/hub-rollouts.ts`). A reader that names itself
 *   (`?runner=&region=`) is answered the version assigned to it.
 *
 * The public fields are the hub's ports (`HubPorts`): production values from the bindings and the
 * configuration, replaced on a live instance by tests (a failing KV, a hung registry, a fixed clock).
 * The parts read them at each call.
 */
import { DurableObject } from 'cloudflare:workers';
import type { Fleet, FleetEntry, RunnerStatusReport, Version, VersionPage } from '../../shared/api.ts';
import {
  MIN_COMPARE_SAMPLES,
  PERF_RETENTION,
  type CompareAnswer,
  type PerfAnswer,
  type PerfGrouping,
} from '../../shared/perf.ts';
import type { TelemetryDelta } from '../../shared/telemetry.ts';
import { compareVersions, versionSample } from '../perf/compare-versions.ts';
import { perfGroups } from '../perf/perf-groups.ts';
import { resolvePerfWindow, type PerfWindowQuery } from '../perf/perf-window.ts';
import type { RunnerIdentity } from '../../shared/rollout-assignment.ts';
import type { Rollout, RolloutAction } from '../../shared/rollout.ts';
import { defaultPolicyVersion, type PolicyHistory, type PolicyVersion } from '../../shared/policy-schema.ts';
import { systemClock, type Clock } from '../../shared/clock.ts';
import { loadEdgeConfig, type EdgeConfig } from '../config.ts';
import type { EdgeEnv } from '../env.ts';
import { type IfNoneMatchTags, ifNoneMatchNames } from '../http/preconditions.ts';
import { log } from '../log.ts';
import { type FleetHead, FleetTable, type FleetSender } from './fleet-table.ts';
import { HeadMirror } from './head-mirror.ts';
import { REGISTRY_TIMEOUT_MS, type RegistryClient } from './head-registration.ts';
import type { HubPorts } from './hub-ports.ts';
import { fail, missingSet, ok, type HubResult } from './hub-result.ts';
import { HubStore } from './hub-store.ts';
import { HubWrites } from './hub-writes.ts';
import type { PolicyCommand, PolicyOutcome } from './policy-command.ts';
import { PerfCompaction } from './perf-compaction.ts';
import { PerfRollups } from './perf-rollups.ts';
import { PolicyStore } from './policy-store.ts';
import { RelaySubscribers, type RelayClient } from './relay-subscribers.ts';
import { createKeyedBuckets, createTokenBucket, type KeyedBuckets, type TokenBucket } from './token-bucket.ts';
import { telemetryRefusal } from './telemetry-checks.ts';
import { markOf, versionMarks } from './version-marks.ts';
import { VersionWaiters } from './version-waiters.ts';
import type { FleetBatch, FleetBatchVerdict } from './fleet-batch.ts';
import type { WriteCommand, WriteOutcome } from './write-command.ts';
import { HubRollouts, versionFor, type AssignedVersions, type StartRollout } from './rollouts/hub-rollouts.ts';
import { RolloutStore } from './rollouts/rollout-store.ts';

export class ParamsHub extends DurableObject<EdgeEnv> implements HubPorts {
  readonly store: HubStore;
  readonly policies: PolicyStore;
  readonly config: EdgeConfig;
  clock: Clock = systemClock;
  kv: KVNamespace;
  registry: () => RegistryClient = () => this.env.SET_REGISTRY.get(this.env.SET_REGISTRY.idFromName('registry'));
  registryTimeoutMs = REGISTRY_TIMEOUT_MS;
  /** The watch relay of a name (`relayName(set, token)`); tests may replace it. */
  relay: (name: string) => RelayClient = (name) => this.env.WATCH_RELAY.get(this.env.WATCH_RELAY.idFromName(name));
  alarms: Pick<DurableObjectStorage, 'getAlarm' | 'setAlarm'>;
  writeLimiter: TokenBucket;
  reportLimiter: KeyedBuckets;
  ackLimiter: KeyedBuckets;
  /** Held long-polls; public for tests and diagnostics (`waiters.size`). */
  readonly waiters: VersionWaiters;
  readonly #writes: HubWrites;
  readonly #mirror: HeadMirror;
  readonly #fleet: FleetTable;
  readonly #relays: RelaySubscribers;
  readonly #perf: PerfRollups;
  readonly #compaction: PerfCompaction;
  /**
   * Telemetry deltas refused (another lineage, a version the set does not have; on a socket also one
   * that breaks its schema) since this instance started.
   */
  telemetryRefused = 0;
  readonly #rollouts: HubRollouts;

  constructor(ctx: DurableObjectState, env: EdgeEnv) {
    super(ctx, env);
    // A bad variable throws here, naming it; the Worker checked the same configuration first and
    // answers 500 with the same words, so requests do not get this far.
    this.config = loadEdgeConfig(env);
    this.store = new HubStore(ctx.storage.sql);
    this.policies = new PolicyStore(ctx.storage.sql);
    this.kv = env.VERSIONS;
    this.alarms = ctx.storage;
    // Whatever clock the hub holds when the time is read: a test's `instance.clock = …` reaches
    // the limiters and waiters built here too.
    const clock: Clock = { now: () => this.clock.now(), sleep: (ms, signal) => this.clock.sleep(ms, signal) };
    this.writeLimiter = createTokenBucket({ ratePerS: this.config.writeRatePerS, burst: this.config.writeBurst, clock });
    this.reportLimiter = createKeyedBuckets({ ratePerS: this.config.reportRatePerS, burst: this.config.reportBurst, clock });
    this.ackLimiter = createKeyedBuckets({
      ratePerS: this.config.socketMessageRatePerS,
      burst: this.config.socketMessageBurst,
      clock,
    });
    this.waiters = new VersionWaiters({ clock });
    this.#fleet = new FleetTable(this);
    this.#relays = new RelaySubscribers(
      () => this.store,
      (name) => this.relay(name),
    );
    this.#rollouts = new HubRollouts({
      hub: this,
      store: new RolloutStore(ctx.storage.sql),
      writes: () => this.#writes,
      reassigned: () => this.#announce(),
      committed: async (version) => {
        await this.#mirror.afterCommit(version);
        log.info('version', { set: version.set, version: version.version, kind: version.kind, author: version.author });
      },
    });
    this.#writes = new HubWrites(this, { announce: () => this.#announce(), gate: this.#rollouts.gate });
    this.#mirror = new HeadMirror(this, () => this.#writes.head);
    this.#perf = new PerfRollups(this, ctx.storage.sql);
    this.#compaction = new PerfCompaction(this, this.#perf);
    // Work an earlier instance left pending (its alarm could not be set) gets its alarm now; so
    // does a rollout in flight (its evaluations resume).
    void this.#mirror.schedule();
    void this.#rollouts.schedule();
  }

  /** Something changed for some readers (a commit, a candidate, a stage): long-polls and sockets re-check. */
  #announce(): void {
    const assigned = this.#assigned();
    if (assigned === undefined) return;
    this.waiters.wake(assigned.head);
    this.#relays.push(assigned);
  }

  #assigned(): AssignedVersions | undefined {
    const head = this.#writes.head;
    return head === undefined ? undefined : this.#rollouts.assigned(head);
  }

  async head(): Promise<Version | null> {
    return this.#writes.head ?? null;
  }

  /** The version for a reader: the rollout's candidate for a runner in its stages, the head otherwise. */
  async assigned(who: RunnerIdentity = {}): Promise<Version | null> {
    const assigned = this.#assigned();
    return assigned === undefined ? null : versionFor(assigned, who);
  }

  /**
   * A params read in one call (a long-poll costs one hub round trip, not two): the reader's
   * version (a rollout's candidate for a runner in its stages, the head otherwise) at once when the
   * client's tags do not name it or no wait was asked; otherwise held here until the reader's version
   * changes (a write or a stage answers it directly; a wake-up that changes nothing for this reader
   * waits on) or `timeoutMs` passes, then the reader's version as it is.
   */
  async read(ifNoneMatch: IfNoneMatchTags | undefined, timeoutMs: number, who: RunnerIdentity = {}): Promise<Version | null> {
    const first = await this.assigned(who);
    if (first === null || timeoutMs <= 0 || !ifNoneMatchNames(ifNoneMatch, first)) return first;
    const deadline = this.clock.now() + timeoutMs;
    for (;;) {
      const remaining = deadline - this.clock.now();
      if (remaining <= 0 || (await this.waiters.wait(remaining)) === undefined) return this.assigned(who);
      const current = await this.assigned(who);
      if (current === null || current.version !== first.version) return current;
    }
  }

  async version(n: number): Promise<Version | null> {
    return this.store.version(n) ?? null;
  }

  async versions(set: string, before: number, limit: number): Promise<HubResult<VersionPage>> {
    if (this.#writes.head === undefined) return missingSet(set);
    const versions = this.store.page(before, limit);
    const last = versions.at(-1);
    return ok({
      set,
      versions,
      next_before: last !== undefined && last.version > 1 && versions.length === limit ? last.version : null,
    });
  }

  async write(command: WriteCommand): Promise<HubResult<WriteOutcome>> {
    const result = await this.#writes.write(command);
    if (!result.ok || result.value.kind === 'unchanged') return result;
    // The lock is released: the next writer (If-Match on this version) is not held by what follows,
    // and nothing that follows can fail the write, which is committed.
    const { version } = result.value;
    await this.#mirror.afterCommit(version);
    log.info('version', { set: version.set, version: version.version, kind: version.kind, author: version.author });
    return result;
  }

  /** The policy in force (version 0: the default, until an admin writes one). */
  async policy(set: string): Promise<HubResult<PolicyVersion>> {
    if (this.#writes.head === undefined) return missingSet(set);
    return ok(this.policies.current(set));
  }

  async policyHistory(set: string, limit: number): Promise<HubResult<PolicyHistory>> {
    if (this.#writes.head === undefined) return missingSet(set);
    // The default policy is where every history starts: version 0, which nobody wrote.
    const versions = this.policies.history(limit);
    return ok({ set, versions: versions.length < limit ? [...versions, defaultPolicyVersion(set)] : versions });
  }

  async writePolicy(command: PolicyCommand): Promise<HubResult<PolicyOutcome>> {
    const result = await this.#writes.writePolicy(command);
    if (result.ok && result.value.kind === 'committed') {
      const { policy } = result.value;
      log.info('policy', { set: policy.set, policy_version: policy.version, author: policy.author });
    }
    return result;
  }

  override async alarm(): Promise<void> {
    await this.#mirror.alarm();
    try {
      this.#compaction.run();
    } catch (error) {
      log.error('perf_compaction_failed', { error: String(error) });
    }
    await this.#compaction.schedule();
    await this.#rollouts.alarm();
  }

  async startRollout(command: StartRollout): Promise<HubResult<Rollout>> {
    if (this.#writes.head === undefined) return missingSet(command.set);
    return this.#rollouts.start(command);
  }

  async rollout(set: string, id: string): Promise<HubResult<Rollout>> {
    if (this.#writes.head === undefined) return missingSet(set);
    return this.#rollouts.get(set, id);
  }

  async rollouts(set: string, limit: number): Promise<HubResult<Rollout[]>> {
    if (this.#writes.head === undefined) return missingSet(set);
    return ok(this.#rollouts.list(limit));
  }

  async promoteRollout(set: string, id: string, author: string, action: RolloutAction): Promise<HubResult<Rollout>> {
    if (this.#writes.head === undefined) return missingSet(set);
    return this.#rollouts.promote(set, id, author, action);
  }

  async abortRollout(set: string, id: string, author: string, action: RolloutAction): Promise<HubResult<Rollout>> {
    if (this.#writes.head === undefined) return missingSet(set);
    return this.#rollouts.abort(set, id, author, action);
  }

  /** The newest version a runner may name: a rollout's candidate is above the head. */
  #fleetHead(): { version: number; lineage: string } | undefined {
    const latest = this.#writes.latest;
    return latest === undefined ? undefined : { version: latest.version, lineage: latest.lineage };
  }

  /**
   * A runner's report over HTTP, from the token named in `sender` (the Worker authenticated it):
   * its status part, and its telemetry (parsed apart by the Worker). Telemetry is recorded only
   * with a recorded status; refused telemetry is a 422 although the status was kept.
   */
  async report(
    set: string,
    sender: FleetSender,
    report: RunnerStatusReport,
    telemetry?: TelemetryDelta,
  ): Promise<HubResult<FleetEntry>> {
    const head = this.#fleetHead();
    if (head === undefined) return missingSet(set);
    const result = this.#fleet.report(set, sender, report, head);
    if (result.ok) this.#rollouts.observe(sender.runnerId, { kind: 'report', report, ...(telemetry ? { telemetry } : {}) });
    if (!result.ok || telemetry === undefined) return result;
    const refusal = this.#recordTelemetry(set, sender.runnerId, report.region, telemetry, head);
    return refusal === undefined ? result : fail(refusal);
  }

  #recordTelemetry(set: string, runnerId: string, region: string, telemetry: TelemetryDelta, head: FleetHead) {
    const refusal = telemetryRefusal(set, telemetry, head);
    if (refusal !== undefined) {
      this.telemetryRefused += 1;
      return refusal;
    }
    this.#perf.record(runnerId, region, telemetry);
    void this.#compaction.ensureScheduled();
    return undefined;
  }

  /** Trading figures per version, region or runner in a window (`perf-window.ts`), with a series per bucket. */
  async perf(set: string, by: PerfGrouping, query: PerfWindowQuery): Promise<HubResult<PerfAnswer>> {
    if (this.#writes.head === undefined) return missingSet(set);
    const resolved = resolvePerfWindow(query, this.clock.now());
    if ('error' in resolved) return fail(resolved.error);
    const window = resolved.window;
    const groups = perfGroups(this.#perf.grouped(window.fromMs, window.toMs, by, window.bucketMs), by, window.bucketMs);
    const named = by === 'version' ? groups.map((g) => Number(g.key)) : [];
    return ok({
      set,
      by,
      from: new Date(window.fromMs).toISOString(),
      to: new Date(window.toMs).toISOString(),
      bucket_s: window.bucketMs === null ? null : window.bucketMs / 1000,
      groups,
      versions: versionMarks(this.store, window.fromMs, window.toMs, named),
      retention: {
        ...PERF_RETENTION,
        rows: this.#perf.rowCount(),
        max_rows: this.config.perfMaxRows,
        evicted_rows: this.#perf.evicted(),
      },
    });
  }

  /** Versions `a` and `b` side by side (`compare-versions.ts`); 404 for a version the set does not have. */
  async compare(set: string, a: number, b: number): Promise<HubResult<CompareAnswer>> {
    if (this.#writes.head === undefined) return missingSet(set);
    const [va, vb] = [this.store.version(a), this.store.version(b)];
    const missing = va === undefined ? a : vb === undefined ? b : undefined;
    if (missing !== undefined) return fail({ status: 404, code: 'not_found', message: `set "${set}" has no version ${missing}` });
    const [sa, sb] = [versionSample(a, this.#perf.versionRows(a)), versionSample(b, this.#perf.versionRows(b))];
    const side = (v: Version | undefined, sample: typeof sa) => {
      const mark = v === undefined ? undefined : markOf(v);
      return {
        version: sample.version,
        created_at: mark?.at ?? null,
        author: mark?.author ?? null,
        message: mark?.message ?? null,
        runner_minutes: sample.minutes.length,
        runners: sample.runners,
      };
    };
    return ok({
      set,
      a: side(va, sa),
      b: side(vb, sb),
      test: {
        name: "Welch's t-test (two-sided, unequal variances)",
        observation: "one runner-minute: a runner's 1-minute bucket of the version (minute buckets are kept 48 h)",
        confidence: 0.95,
        min_samples: MIN_COMPARE_SAMPLES,
      },
      metrics: compareVersions(sa, sb),
    });
  }

  /** Compacts the rollups now, whatever the pace (tests; the alarm does it on its schedule). */
  async compactPerf(): Promise<{ rows: number }> {
    this.#compaction.run({ force: true });
    return { rows: this.#perf.rowCount() };
  }

  /** Rows and bytes the rollups take (tests and diagnostics: the size is bounded). */
  async perfSize(): Promise<{ rows: number; databaseBytes: number }> {
    return { rows: this.#perf.rowCount(), databaseBytes: this.ctx.storage.sql.databaseSize };
  }

  /** `DELETE …/runners/:id` (write scope, checked by the Worker). */
  async removeRunner(set: string, runnerId: string): Promise<HubResult<null>> {
    if (this.#writes.head === undefined) return missingSet(set);
    return this.#fleet.remove(set, runnerId);
  }

  /** Writes the fleet table's pending changes now (tests; the table flushes itself on a timer). */
  async flushFleet(): Promise<void> {
    this.#fleet.flush();
  }

  /** The fleet, each runner with the version it is assigned (a rollout's candidate or the head) beside the one it applied. */
  async fleet(set: string): Promise<HubResult<Fleet>> {
    const assigned = this.#assigned();
    if (assigned === undefined) return missingSet(set);
    const fleet = this.#fleet.list(set, assigned.head.version);
    const runners = fleet.runners.map((entry) => ({
      ...entry,
      assigned_version: versionFor(assigned, { runner: entry.runner_id, region: entry.region }).version,
    }));
    return ok({ ...fleet, runners });
  }

  /**
   * A watch relay (one per token with sockets) subscribes when a socket connects: it is pushed
   * every commit (and rollout stage) from now on, and sends each socket the version assigned to it.
   */
  async subscribe(relay: string): Promise<AssignedVersions | null> {
    this.#relays.add(relay);
    return this.#assigned() ?? null;
  }

  /** What a relay's sockets said since its last batch: each event checked like an HTTP report. */
  async fleetBatch(batch: FleetBatch): Promise<FleetBatchVerdict[]> {
    const head = this.#fleetHead();
    const { refusals } = this.#fleet;
    refusals.rate_limited += batch.refusals.rate_limited;
    refusals.sockets_closed += batch.refusals.sockets_closed;
    if (head === undefined) return batch.items.map(() => 'invalid');
    const set = this.#writes.head!.set;
    return batch.items.map(({ runnerId, event }) => {
      const verdict = this.#fleet.receive(set, { runnerId, token: batch.token }, event, head);
      if (verdict.kind === 'recorded') {
        this.#rollouts.observe(runnerId, event);
        // Refused telemetry on a socket (its schema, here its lineage or version) is counted
        // (`telemetryRefused`); a socket has no 422 to answer, and the status stays recorded.
        if (event.kind === 'report' && event.telemetryRefused) this.telemetryRefused += 1;
        else if (event.kind === 'report' && event.telemetry !== undefined)
          this.#recordTelemetry(set, runnerId, event.report.region, event.telemetry, head);
        return 'recorded';
      }
      refusals[verdict.counter] += 1;
      return verdict.counter;
    });
  }

  /**
   * Held long-polls, and the batches the fleet table wrote to SQLite since this instance started
   * (for tests and diagnostics; the watch sockets are in the relays).
   */
  async activity(): Promise<{ waiters: number; fleetFlushes: number; foreignLineage: number }> {
    return { waiters: this.waiters.size, fleetFlushes: this.#fleet.flushes, foreignLineage: this.#fleet.foreignLineage };
  }
}
