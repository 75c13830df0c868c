/**
 * `ParamsHub`: one Durable Object per param set (`idFromName(set)`), the single writer of its set.
 *
 * A write runs under an in-memory lock (KV calls are I/O, during which a Durable Object accepts other
 * events, so the compare-and-swap must not rely on the input gate alone): check preconditions
 * against the head, build the next version (gap-free: head + 1), put it to KV, insert it into SQLite
 * (which makes it the head); only then wake long-poll waiters, push to WebSocket watchers, register
 * the head with the `SetRegistry` and answer. A failing KV put answers 503 and leaves the head where
 * it was; the version key it may have half-written was never announced by a head, so nobody can have
 * read or cached it, and the retry that takes the same number may write it again.
 *
 * The KV head mirror is written from an alarm at most once per `headMirrorIntervalMs` (KV takes about
 * one write per second per key), whatever the write rate.
 */
import { DurableObject } from 'cloudflare:workers';
import {
  WatchClientMessageSchema,
  type Fleet,
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
import { nextVersion, type WriteCommand } from './write-command.ts';

function rateLimited(what: string, outcome: Extract<TakeOutcome, { kind: 'limited' }>) {
  return fail({ status: 429, code: 'rate_limited', message: `${what}; retry in ${outcome.retryAfterS} s`, headers: { 'Retry-After': String(outcome.retryAfterS) } });
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
  #head: Version | undefined;
  #writeLock: Promise<unknown> = Promise.resolve();

  constructor(ctx: DurableObjectState, env: EdgeEnv) {
    super(ctx, env);
    this.store = new HubStore(ctx.storage.sql);
    this.config = readConfig(env);
    this.kv = env.VERSIONS;
    this.writeLimiter = createTokenBucket({ ratePerS: this.config.writeRatePerS, burst: this.config.writeBurst });
    this.reportLimiter = createKeyedBuckets({ ratePerS: this.config.reportRatePerS, burst: this.config.reportBurst });
    this.#head = this.store.head();
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
    return ok({ set, versions, next_before: last !== undefined && last.version > 1 && versions.length === limit ? last.version : null });
  }

  async write(command: WriteCommand): Promise<HubResult<Version>> {
    const taken = this.writeLimiter.take();
    if (taken.kind === 'limited') return rateLimited(`set "${command.set}" takes at most ${this.config.writeRatePerS} writes/s (burst ${this.config.writeBurst})`, taken);
    const run = this.#writeLock.then(() => this.#commit(command));
    this.#writeLock = run.catch(() => undefined);
    return run;
  }

  async #commit(command: WriteCommand): Promise<HubResult<Version>> {
    const result = nextVersion(command, this.#head, (n) => this.store.version(n), this.now());
    if (!result.ok) return result;
    const version = result.value;
    try {
      await this.kv.put(versionKey(version.set, version.version), JSON.stringify(version));
    } catch (error) {
      console.error(JSON.stringify({ event: 'kv_put_failed', set: version.set, version: version.version, error: String(error) }));
      return fail({ status: 503, code: 'unavailable', message: `storage is unavailable; version ${version.version} was not written and the set is unchanged`, headers: { 'Retry-After': '1' } });
    }
    this.store.insert(version);
    this.#head = version;
    // Runners first (their answers still leave only once the insert is durable: the output gate),
    // then the registry and the mirror, then the writer.
    this.waiters.wake(version);
    this.#broadcast(versionMessage(version));
    await this.#register(version);
    await this.#scheduleMirror();
    console.log(JSON.stringify({ event: 'version', set: version.set, version: version.version, kind: version.kind, author: version.author }));
    return ok(version);
  }

  /** Keeps `GET /v1/sets` strongly consistent; a failed call is retried by the alarm. */
  async #register(version: Version): Promise<void> {
    try {
      const registry = this.env.SET_REGISTRY.get(this.env.SET_REGISTRY.idFromName('registry'));
      await registry.upsert({ set: version.set, version: version.version, updated_at: version.created_at, author: version.author });
      this.store.setFact('registered_version', String(version.version));
    } catch (error) {
      console.error(JSON.stringify({ event: 'registry_failed', set: version.set, version: version.version, error: String(error) }));
    }
  }

  async #scheduleMirror(): Promise<void> {
    if ((await this.ctx.storage.getAlarm()) !== null) return;
    const last = Number(this.store.fact('mirror_at') ?? 0);
    await this.ctx.storage.setAlarm(Math.max(Date.now(), last + this.config.headMirrorIntervalMs));
  }

  override async alarm(): Promise<void> {
    const head = this.#head;
    if (head === undefined) return;
    if (this.store.fact('registered_version') !== String(head.version)) await this.#register(head);
    if (this.store.fact('mirrored_version') !== String(head.version)) {
      await this.kv.put(headMirrorKey(head.set), JSON.stringify(head));
      this.store.setFact('mirrored_version', String(head.version));
      this.store.setFact('mirror_at', String(Date.now()));
    }
    // Writes that landed while this alarm ran get their own, later mirror write.
    if (this.#head !== head || this.store.fact('registered_version') !== String(head.version)) await this.#scheduleMirror();
  }

  async report(set: string, runnerId: string, report: RunnerReport): Promise<HubResult<FleetEntry>> {
    if (this.#head === undefined) return fail({ status: 404, code: 'not_found', message: `set "${set}" does not exist` });
    const taken = this.reportLimiter.take(runnerId);
    if (taken.kind === 'limited') return rateLimited(`runner "${runnerId}" reports at most ${this.config.reportRatePerS} times/s`, taken);
    return ok(this.#recordFleet(runnerId, { kind: 'report', report }));
  }

  async fleet(set: string): Promise<HubResult<Fleet>> {
    if (this.#head === undefined) return fail({ status: 404, code: 'not_found', message: `set "${set}" does not exist` });
    return ok({ set, version: this.#head.version, runners: this.store.fleet() });
  }

  #recordFleet(runnerId: string, event: FleetEvent): FleetEntry {
    const entry = updateFleetEntry(this.store.fleetEntry(runnerId), runnerId, event, this.now());
    this.store.putFleetEntry(entry);
    return entry;
  }

  /** The watch socket (the Worker checked auth and that the set exists). */
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get('Upgrade')?.toLowerCase() !== 'websocket') return new Response('expected a WebSocket upgrade', { status: 426 });
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
        if (this.reportLimiter.take(message.runner_id).kind === 'taken') this.#recordFleet(message.runner_id, { kind: 'report', report: message.report });
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
