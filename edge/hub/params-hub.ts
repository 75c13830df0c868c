/**
 * `ParamsHub`: one Durable Object per param set (`idFromName(set)`), the single writer of its set.
 * A thin coordinator of its parts, one concept each:
 * - `HubWrites`: the write lock, versions, the head (`hub-writes.ts`);
 * - `HeadMirror`: what lags the head — registry entry and KV mirror — and the alarm (`head-mirror.ts`);
 * - `FleetTable`: runners' reports, ACKs and NACKs, bounded, owned by tokens, kept in memory and
 *   flushed to SQLite at most once per `fleetFlushMs` (`fleet-table.ts`);
 * - `VersionWaiters` and `RelaySubscribers`: who hears of a commit at once (long-polls; the watch
 *   relays, one per token, which hold the sockets so that a token's flood never queues here).
 *
 * The public fields are the hub's ports (`HubPorts`): production values from the bindings and the
 * configuration, replaced on a live instance by tests (a failing KV, a hung registry, a fixed clock).
 * The parts read them at each call.
 */
import { DurableObject } from 'cloudflare:workers';
import type { Fleet, FleetEntry, RunnerReport, Version, VersionPage } from '../../shared/api.ts';
import { defaultPolicyVersion, type PolicyHistory, type PolicyVersion } from '../../shared/policy-schema.ts';
import { systemClock, type Clock } from '../../shared/clock.ts';
import { loadEdgeConfig, type EdgeConfig } from '../config.ts';
import type { EdgeEnv } from '../env.ts';
import { type IfNoneMatchTags, ifNoneMatchNames } from '../http/preconditions.ts';
import { log } from '../log.ts';
import { FleetTable, type FleetSender } from './fleet-table.ts';
import { HeadMirror } from './head-mirror.ts';
import { REGISTRY_TIMEOUT_MS, type RegistryClient } from './head-registration.ts';
import type { HubPorts } from './hub-ports.ts';
import { missingSet, ok, type HubResult } from './hub-result.ts';
import { HubStore } from './hub-store.ts';
import { HubWrites } from './hub-writes.ts';
import type { PolicyCommand, PolicyOutcome } from './policy-command.ts';
import { PolicyStore } from './policy-store.ts';
import { RelaySubscribers, type RelayClient } from './relay-subscribers.ts';
import { createKeyedBuckets, createTokenBucket, type KeyedBuckets, type TokenBucket } from './token-bucket.ts';
import { VersionWaiters } from './version-waiters.ts';
import type { FleetBatch, FleetBatchVerdict } from './fleet-batch.ts';
import type { WriteCommand, WriteOutcome } from './write-command.ts';

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
    this.#writes = new HubWrites(this, {
      announce: (version) => {
        this.waiters.wake(version);
        this.#relays.push(version);
      },
    });
    this.#mirror = new HeadMirror(this, () => this.#writes.head);
    // Work an earlier instance left pending (its alarm could not be set) gets its alarm now.
    void this.#mirror.schedule();
  }

  async head(): Promise<Version | null> {
    return this.#writes.head ?? null;
  }

  /**
   * A params read in one call (a long-poll costs one hub round trip, not two): the head at once
   * when the client's tags do not name it or no wait was asked; otherwise held here until the next
   * version (a write answers it directly) or `timeoutMs`, then the head as it is.
   */
  async read(ifNoneMatch: IfNoneMatchTags | undefined, timeoutMs: number): Promise<Version | null> {
    const head = this.#writes.head ?? null;
    if (head === null || timeoutMs <= 0 || !ifNoneMatchNames(ifNoneMatch, head)) return head;
    return (await this.waiters.wait(timeoutMs)) ?? this.#writes.head ?? null;
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
  }

  /** A runner's report over HTTP, from the token named in `sender` (the Worker authenticated it). */
  async report(set: string, sender: FleetSender, report: RunnerReport): Promise<HubResult<FleetEntry>> {
    const head = this.#writes.head;
    if (head === undefined) return missingSet(set);
    return this.#fleet.report(set, sender, report, head);
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

  async fleet(set: string): Promise<HubResult<Fleet>> {
    const head = this.#writes.head;
    if (head === undefined) return missingSet(set);
    return ok(this.#fleet.list(set, head.version));
  }

  /**
   * A watch relay (one per token with sockets) subscribes when a socket connects: it is pushed
   * every commit from now on, and sends the head it is answered.
   */
  async subscribe(relay: string): Promise<Version | null> {
    this.#relays.add(relay);
    return this.#writes.head ?? null;
  }

  /** What a relay's sockets said since its last batch: each event checked like an HTTP report. */
  async fleetBatch(batch: FleetBatch): Promise<FleetBatchVerdict[]> {
    const head = this.#writes.head;
    const { refusals } = this.#fleet;
    refusals.rate_limited += batch.refusals.rate_limited;
    refusals.sockets_closed += batch.refusals.sockets_closed;
    if (head === undefined) return batch.items.map(() => 'invalid');
    return batch.items.map(({ runnerId, event }) => {
      const verdict = this.#fleet.receive(head.set, { runnerId, token: batch.token }, event, head);
      if (verdict.kind === 'recorded') return 'recorded';
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
