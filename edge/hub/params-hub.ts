/**
 * `ParamsHub`: one Durable Object per param set (`idFromName(set)`), the single writer of its set.
 *
 * A write runs under an in-memory lock (KV calls are I/O, during which a Durable Object accepts other
 * events, so the compare-and-swap must not rely on the input gate alone): check preconditions
 * against the head, build the next version (gap-free: head + 1), put it to KV, insert it into SQLite
 * (which makes it the head, and at the same time leaves the registry and the head mirror pending:
 * their facts lag the head), wake long-poll waiters and push to WebSocket watchers; the lock ends
 * there. A failing KV put answers 503 and leaves the head where it was; the retry takes the same
 * number and knowingly rewrites a key the failed attempt may have landed (`#noteEarlierAttempt`).
 *
 * Outside the lock, the writer schedules the alarm and registers the head with the `SetRegistry`,
 * waiting at most `registryTimeoutMs` (so that `GET /v1/sets` lists a set, at its current version,
 * once the write was answered) — a hung or failing registry, or a failing alarm API, delays the answer
 * by at most that bound and never turns a committed write into an error: the alarm does what is still
 * pending, retrying until it succeeds.
 *
 * The KV head mirror is written from that alarm at most once per `headMirrorIntervalMs` (KV takes
 * about one write per second per key), whatever the write rate — or, while a failed registration is
 * retried, at most once per `REGISTRY_RETRY_MS` (also one second), with that retry.
 */
import { DurableObject } from 'cloudflare:workers';
import {
  WatchClientMessageSchema,
  type Fleet,
  type SetSummary,
  type FleetEntry,
  type RunnerReport,
  type Version,
  type VersionPage,
  type WatchServerMessage,
} from '../../shared/api.ts';
import { etagFor } from '../../shared/etag.ts';
import { readConfig, type EdgeConfig } from '../config.ts';
import type { EdgeEnv } from '../env.ts';
import { headMirrorKey, versionKey } from '../kv-keys.ts';
import { updateFleetEntry, type FleetEvent } from './fleet-update.ts';
import { fail, ok, type HubResult } from './hub-result.ts';
import { HubStore } from './hub-store.ts';
import { createKeyedBuckets, createTokenBucket, type KeyedBuckets, type TakeOutcome, type TokenBucket } from './token-bucket.ts';
import { VersionWaiters } from './version-waiters.ts';
import { withTimeout } from './with-timeout.ts';
import { nextVersion, type WriteCommand, type WriteOutcome } from './write-command.ts';

function rateLimited(what: string, outcome: Extract<TakeOutcome, { kind: 'limited' }>) {
  return fail({
    status: 429,
    code: 'rate_limited',
    message: `${what}; retry in ${outcome.retryAfterS} s`,
    headers: { 'Retry-After': String(outcome.retryAfterS) },
  });
}

/** Longest a writer waits for the `SetRegistry` before answering anyway (the alarm registers later). */
export const REGISTRY_TIMEOUT_MS = 1000;
/** Delay between the alarm's attempts to register a head the registry refused or did not answer. */
export const REGISTRY_RETRY_MS = 1000;

/** What the hub needs of the registry (a test injects a hung or failing one). */
export interface RegistryClient {
  upsert(summary: SetSummary): Promise<unknown>;
}

function versionMessage(version: Version): string {
  const message: WatchServerMessage = { type: 'version', etag: etagFor(version.set, version.version), version };
  return JSON.stringify(message);
}

export class ParamsHub extends DurableObject<EdgeEnv> {
  readonly store: HubStore;
  readonly config: EdgeConfig;
  readonly waiters = new VersionWaiters();
  /** Injectable for tests (a failing KV); production uses the binding. */
  kv: KVNamespace;
  writeLimiter: TokenBucket;
  reportLimiter: KeyedBuckets;
  now: () => Date = () => new Date();
  /** Injectable for tests (a hung or failing registry); production uses the SET_REGISTRY binding. */
  registry: () => RegistryClient = () => this.env.SET_REGISTRY.get(this.env.SET_REGISTRY.idFromName('registry'));
  registryTimeoutMs = REGISTRY_TIMEOUT_MS;
  /** Injectable for tests (an alarm API that throws); production uses the hub's storage. */
  alarms: Pick<DurableObjectStorage, 'getAlarm' | 'setAlarm'>;
  #head: Version | undefined;
  #writeLock: Promise<unknown> = Promise.resolve();

  constructor(ctx: DurableObjectState, env: EdgeEnv) {
    super(ctx, env);
    this.store = new HubStore(ctx.storage.sql);
    this.config = readConfig(env);
    this.kv = env.VERSIONS;
    this.writeLimiter = createTokenBucket({ ratePerS: this.config.writeRatePerS, burst: this.config.writeBurst });
    this.reportLimiter = createKeyedBuckets({ ratePerS: this.config.reportRatePerS, burst: this.config.reportBurst });
    this.alarms = ctx.storage;
    this.#head = this.store.head();
    // Work an earlier instance left pending (its alarm could not be set) gets its alarm now.
    void this.#scheduleAlarm();
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair('{"type":"ping"}', '{"type":"pong"}'));
  }

  async head(): Promise<Version | null> {
    return this.#head ?? null;
  }

  /**
   * The current version as soon as it differs from `known`, or null after `timeoutMs` (long-poll).
   * Held here, in the hub, so the next write answers it directly.
   */
  async waitForChange(known: number, timeoutMs: number): Promise<Version | null> {
    if (this.#head === undefined || this.#head.version !== known) return this.#head ?? null;
    return (await this.waiters.wait(timeoutMs)) ?? null;
  }

  async version(n: number): Promise<Version | null> {
    return this.store.version(n) ?? null;
  }

  async versions(set: string, before: number, limit: number): Promise<HubResult<VersionPage>> {
    if (this.#head === undefined) return fail({ status: 404, code: 'not_found', message: `set "${set}" does not exist` });
    const versions = this.store.page(before, limit);
    const last = versions.at(-1);
    return ok({
      set,
      versions,
      next_before: last !== undefined && last.version > 1 && versions.length === limit ? last.version : null,
    });
  }

  async write(command: WriteCommand): Promise<HubResult<WriteOutcome>> {
    const taken = this.writeLimiter.take();
    if (taken.kind === 'limited')
      return rateLimited(
        `set "${command.set}" takes at most ${this.config.writeRatePerS} writes/s (burst ${this.config.writeBurst})`,
        taken,
      );
    const run = this.#writeLock.then(() => this.#commit(command));
    this.#writeLock = run.catch(() => undefined);
    const result = await run;
    if (!result.ok || result.value.kind === 'unchanged') return result;
    // The lock is released: the next writer (If-Match on this version) is not held by what follows,
    // and nothing that follows can fail the write, which is committed.
    const version = result.value.version;
    await this.#scheduleAlarm();
    if (!(await this.#register(version))) await this.#scheduleAlarm({ registryRetry: true });
    console.log(
      JSON.stringify({
        event: 'version',
        set: version.set,
        version: version.version,
        kind: version.kind,
        author: version.author,
      }),
    );
    return result;
  }

  async #commit(command: WriteCommand): Promise<HubResult<WriteOutcome>> {
    const result = nextVersion(command, this.#head, (n) => this.store.version(n), this.now());
    if (!result.ok || result.value.kind === 'unchanged') return result;
    const version = result.value.version;
    const key = versionKey(version.set, version.version);
    try {
      await this.#noteEarlierAttempt(key, version);
      await this.kv.put(key, JSON.stringify(version));
    } catch (error) {
      console.error(JSON.stringify({ event: 'kv_put_failed', set: version.set, version: version.version, error: String(error) }));
      return fail({
        status: 503,
        code: 'unavailable',
        message: `storage is unavailable; version ${version.version} was not written and the set is unchanged`,
        headers: { 'Retry-After': '1' },
      });
    }
    // The head. Registry and mirror are now pending: their facts name an older version.
    this.store.insert(version);
    this.#head = version;
    // Runners hear of it at once (their answers still leave only once the insert is durable: the
    // output gate).
    this.waiters.wake(version);
    this.#broadcast(versionMessage(version));
    return result;
  }

  /**
   * "Never rewrite a version key" has one knowing exception. A key for a version the head has not
   * announced exists only when an earlier attempt at this number landed in KV but was reported failed
   * (a timeout): that writer got 503, no waiter was woken, no socket was pushed, and the SQLite head
   * stayed below it. Nobody can have read it ("never read a version before the head announced it":
   * the edge serves versions from SQLite, and KV only ever after the head), so it is overwritten with
   * the version the head is about to announce, and the rewrite is logged. The one `get` per write also
   * caches "not found" at this location, which no reader can hit for the same reason. Best-effort: a
   * failing `get` changes nothing about that reasoning, so the write goes on to the `put`.
   */
  async #noteEarlierAttempt(key: string, version: Version): Promise<void> {
    const earlier = await this.kv.get(key).catch(() => null);
    if (earlier !== null)
      console.warn(
        JSON.stringify({
          event: 'kv_version_rewritten',
          set: version.set,
          version: version.version,
          reason: 'an earlier attempt landed but was reported failed; the head never announced it',
        }),
      );
  }

  #registryPending(head: Version): boolean {
    return Number(this.store.fact('registered_version') ?? 0) < head.version;
  }

  #mirrorPending(head: Version): boolean {
    return this.store.fact('mirrored_version') !== String(head.version);
  }

  /**
   * Records the head with the `SetRegistry`, waiting at most `registryTimeoutMs`; false when the
   * registry failed or did not answer in time (the alarm retries). Registrations of two writes may
   * finish out of order: the fact only moves forward, as the registry's own row does.
   */
  async #register(version: Version): Promise<boolean> {
    try {
      const summary: SetSummary = {
        set: version.set,
        version: version.version,
        updated_at: version.created_at,
        author: version.author,
      };
      await withTimeout(
        Promise.resolve().then(() => this.registry().upsert(summary)),
        this.registryTimeoutMs,
        'SetRegistry.upsert',
      );
      if (this.#registryPending(version)) this.store.setFact('registered_version', String(version.version));
      return true;
    } catch (error) {
      console.error(
        JSON.stringify({ event: 'registry_failed', set: version.set, version: version.version, error: String(error) }),
      );
      return false;
    }
  }

  /**
   * Makes sure an alarm will do the pending registry and mirror work: the mirror no sooner than
   * `headMirrorIntervalMs` after the last mirror write, a failed registration after
   * `REGISTRY_RETRY_MS`. Never throws: the write it follows is committed whatever happens here, and
   * a later write or the next instance schedules it again.
   */
  async #scheduleAlarm({ registryRetry = false }: { registryRetry?: boolean } = {}): Promise<void> {
    try {
      const head = this.#head;
      if (head === undefined) return;
      const now = Date.now();
      const mirrorDue = Math.max(now, Number(this.store.fact('mirror_at') ?? 0) + this.config.headMirrorIntervalMs);
      const dues: number[] = [];
      if (this.#mirrorPending(head)) dues.push(mirrorDue);
      // A registration still in flight (the writer's own) is covered by the mirror's alarm.
      if (this.#registryPending(head)) dues.push(registryRetry ? now + REGISTRY_RETRY_MS : mirrorDue);
      if (dues.length === 0) return;
      const due = Math.min(...dues);
      const current = await this.alarms.getAlarm();
      if (current === null || current > due) await this.alarms.setAlarm(due);
    } catch (error) {
      console.error(
        JSON.stringify({
          event: 'alarm_schedule_failed',
          set: this.#head?.set,
          version: this.#head?.version,
          error: String(error),
        }),
      );
    }
  }

  override async alarm(): Promise<void> {
    const head = this.#head;
    if (head === undefined) return;
    const registered = !this.#registryPending(head) || (await this.#register(head));
    if (this.#mirrorPending(head)) {
      try {
        await this.kv.put(headMirrorKey(head.set), JSON.stringify(head));
        this.store.setFact('mirrored_version', String(head.version));
      } catch (error) {
        console.error(JSON.stringify({ event: 'mirror_put_failed', set: head.set, version: head.version, error: String(error) }));
      }
      // An attempt counts too: a failing KV is not retried faster than the mirror interval.
      this.store.setFact('mirror_at', String(Date.now()));
    }
    // Writes that landed while this alarm ran, and whatever failed, get a later alarm.
    await this.#scheduleAlarm({ registryRetry: !registered });
  }

  async report(set: string, runnerId: string, report: RunnerReport): Promise<HubResult<FleetEntry>> {
    if (this.#head === undefined) return fail({ status: 404, code: 'not_found', message: `set "${set}" does not exist` });
    const taken = this.reportLimiter.take(runnerId);
    if (taken.kind === 'limited')
      return rateLimited(`runner "${runnerId}" reports at most ${this.config.reportRatePerS} times/s`, taken);
    const entry = this.#recordFleet(runnerId, { kind: 'report', report });
    if (entry === undefined) {
      return fail({
        status: 429,
        code: 'rate_limited',
        message: `the fleet table of set "${set}" is full (${this.config.fleetMaxRunners} runners); runners unseen for ${this.config.fleetRetentionS} s leave it`,
        headers: { 'Retry-After': '60' },
      });
    }
    return ok(entry);
  }

  async fleet(set: string): Promise<HubResult<Fleet>> {
    if (this.#head === undefined) return fail({ status: 404, code: 'not_found', message: `set "${set}" does not exist` });
    this.#pruneFleet();
    return ok({ set, version: this.#head.version, runners: this.store.fleet() });
  }

  /**
   * Records a fleet event, or answers undefined when it would add a runner to a full table. Any
   * read token may report under any id, so the table is bounded: runners that stopped reporting
   * age out, and a flood of made-up ids cannot grow the hub's storage without limit.
   */
  #recordFleet(runnerId: string, event: FleetEvent): FleetEntry | undefined {
    const existing = this.store.fleetEntry(runnerId);
    if (existing === undefined) {
      this.#pruneFleet();
      if (this.store.fleetSize() >= this.config.fleetMaxRunners) return undefined;
    }
    const entry = updateFleetEntry(existing, runnerId, event, this.now());
    this.store.putFleetEntry(entry);
    return entry;
  }

  #pruneFleet(): void {
    this.store.pruneFleet(new Date(this.now().getTime() - this.config.fleetRetentionS * 1000).toISOString());
  }

  /** The watch socket (the Worker checked auth and that the set exists). */
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get('Upgrade')?.toLowerCase() !== 'websocket')
      return new Response('expected a WebSocket upgrade', { status: 426 });
    const [client, server] = Object.values(new WebSocketPair()) as [WebSocket, WebSocket];
    this.ctx.acceptWebSocket(server);
    // The current version right away: a reconnecting runner catches up on what it missed.
    if (this.#head !== undefined) server.send(versionMessage(this.#head));
    return new Response(null, { status: 101, webSocket: client });
  }

  override async webSocketMessage(ws: WebSocket, raw: string | ArrayBuffer): Promise<void> {
    let data: unknown;
    try {
      data = JSON.parse(typeof raw === 'string' ? raw : new TextDecoder().decode(raw));
    } catch {
      ws.close(1007, 'messages must be JSON');
      return;
    }
    const parsed = WatchClientMessageSchema.safeParse(data);
    if (!parsed.success) {
      ws.close(1007, 'message does not match WatchClientMessageSchema (ack | nack | report | ping)');
      return;
    }
    const message = parsed.data;
    switch (message.type) {
      case 'ping':
        ws.send(JSON.stringify({ type: 'pong' } satisfies WatchServerMessage));
        return;
      case 'ack':
        this.#recordFleet(message.runner_id, { kind: 'ack', version: message.version });
        return;
      case 'nack':
        this.#recordFleet(message.runner_id, { kind: 'nack', version: message.version, reason: message.reason });
        return;
      case 'report':
        if (this.reportLimiter.take(message.runner_id).kind === 'taken')
          this.#recordFleet(message.runner_id, { kind: 'report', report: message.report });
        return;
    }
  }

  override async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    // Reserved codes (1005, 1006) cannot be sent back; answer those with a plain normal closure. With
    // newer compatibility dates the runtime has already replied, and close() throws: nothing to do.
    try {
      ws.close(code === 1005 || code === 1006 ? 1000 : code, 'closing');
    } catch {
      // already closed
    }
  }

  override async webSocketError(_ws: WebSocket, error: unknown): Promise<void> {
    // The runtime drops the socket itself; the runner reconnects and is sent the current version.
    console.warn(JSON.stringify({ event: 'watch_socket_error', error: String(error) }));
  }

  #broadcast(message: string): void {
    for (const ws of this.ctx.getWebSockets()) {
      try {
        ws.send(message);
      } catch {
        // A socket closing under us; its close handler cleans up.
      }
    }
  }

  /** Open watch sockets and held long-polls (for tests and diagnostics). */
  async activity(): Promise<{ sockets: number; waiters: number }> {
    return { sockets: this.ctx.getWebSockets().length, waiters: this.waiters.size };
  }
}
