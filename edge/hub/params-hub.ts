/**
 * `ParamsHub`: one Durable Object per param set (`idFromName(set)`), the single writer of its set.
 * A thin coordinator of its parts, one concept each:
 * - `HubWrites`: the write lock, versions, the head (`hub-writes.ts`);
 * - `HeadMirror`: what lags the head — registry entry and KV mirror — and the alarm (`head-mirror.ts`);
 * - `FleetTable`: runners' reports, ACKs and NACKs, bounded (`fleet-table.ts`);
 * - `WatchSockets` and `VersionWaiters`: who hears of a commit at once (sockets, long-polls).
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
import { log } from '../log.ts';
import { FleetTable } from './fleet-table.ts';
import { HeadMirror } from './head-mirror.ts';
import { REGISTRY_TIMEOUT_MS, type RegistryClient } from './head-registration.ts';
import type { HubPorts } from './hub-ports.ts';
import { fail, missingSet, ok, type HubResult } from './hub-result.ts';
import { HubStore } from './hub-store.ts';
import { HubWrites } from './hub-writes.ts';
import type { PolicyCommand, PolicyOutcome } from './policy-command.ts';
import { PolicyStore } from './policy-store.ts';
import { reportLineageIssue } from './report-lineage.ts';
import { createKeyedBuckets, createTokenBucket, type KeyedBuckets, type TokenBucket } from './token-bucket.ts';
import { VersionWaiters } from './version-waiters.ts';
import { WatchSockets } from './watch-sockets.ts';
import type { WriteCommand, WriteOutcome } from './write-command.ts';

export class ParamsHub extends DurableObject<EdgeEnv> implements HubPorts {
  readonly store: HubStore;
  readonly policies: PolicyStore;
  readonly config: EdgeConfig;
  clock: Clock = systemClock;
  kv: KVNamespace;
  registry: () => RegistryClient = () => this.env.SET_REGISTRY.get(this.env.SET_REGISTRY.idFromName('registry'));
  registryTimeoutMs = REGISTRY_TIMEOUT_MS;
  alarms: Pick<DurableObjectStorage, 'getAlarm' | 'setAlarm'>;
  writeLimiter: TokenBucket;
  reportLimiter: KeyedBuckets;
  /** Held long-polls; public for tests and diagnostics (`waiters.size`). */
  readonly waiters: VersionWaiters;
  readonly #writes: HubWrites;
  readonly #mirror: HeadMirror;
  readonly #fleet: FleetTable;
  readonly #sockets: WatchSockets;

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
    this.waiters = new VersionWaiters({ clock });
    this.#fleet = new FleetTable(this);
    this.#sockets = new WatchSockets(ctx, this.#fleet, () => this.#writes?.head?.lineage);
    this.#writes = new HubWrites(this, {
      announce: (version) => {
        this.waiters.wake(version);
        this.#sockets.broadcast(version);
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
   * The current version as soon as it differs from `known`, or null after `timeoutMs` (long-poll).
   * Held here, in the hub, so the next write answers it directly.
   */
  async waitForChange(known: number, timeoutMs: number): Promise<Version | null> {
    const head = this.#writes.head;
    if (head === undefined || head.version !== known) return head ?? null;
    return (await this.waiters.wait(timeoutMs)) ?? null;
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

  async report(set: string, runnerId: string, report: RunnerReport): Promise<HubResult<FleetEntry>> {
    const head = this.#writes.head;
    if (head === undefined) return missingSet(set);
    const foreign = reportLineageIssue(report, head.lineage);
    if (foreign !== undefined)
      return fail({
        status: 422,
        code: 'validation_failed',
        message: `runner report rejected: ${foreign.message}`,
        fields: [foreign],
      });
    return this.#fleet.report(set, runnerId, report);
  }

  async fleet(set: string): Promise<HubResult<Fleet>> {
    const head = this.#writes.head;
    if (head === undefined) return missingSet(set);
    return ok(this.#fleet.list(set, head.version));
  }

  /** The watch socket (the Worker checked auth and that the set exists). */
  override async fetch(request: Request): Promise<Response> {
    return this.#sockets.accept(request, this.#writes.head);
  }

  override async webSocketMessage(ws: WebSocket, raw: string | ArrayBuffer): Promise<void> {
    this.#sockets.message(ws, raw);
  }

  override async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    this.#sockets.close(ws, code);
  }

  override async webSocketError(_ws: WebSocket, error: unknown): Promise<void> {
    this.#sockets.error(error);
  }

  /** Open watch sockets and held long-polls (for tests and diagnostics). */
  async activity(): Promise<{ sockets: number; waiters: number; foreignLineage: number }> {
    return { sockets: this.#sockets.size, waiters: this.waiters.size, foreignLineage: this.#sockets.foreignLineage };
  }
}
