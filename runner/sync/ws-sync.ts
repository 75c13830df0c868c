/**
 * Sync over the watch socket (`GET …/watch`, Bearer on the upgrade), on the client's one
 * reconnecting socket (`client/watch-socket.ts`). The edge pushes the current version right after
 * connect and each new one after that, so a reconnect is also the catch-up: nothing is missed while
 * the socket was down. Each pushed version is answered with an ACK (applied, or already held) or a
 * NACK with the validation reason. A silent socket, or an upgrade left unanswered, is dropped and
 * reopened with backoff; a 401/403 on the upgrade stops syncing. Every message and pong counts as a
 * successful sync, so the params age stays small on a healthy, quiet socket. The `WebSocket`
 * constructor is injected (production default: `ws`, which can send the Authorization header).
 */
import WebSocket from 'ws';
import type { EdgeClient } from '../../client/edge-client.ts';
import type { ReceivedVersion } from '../../client/received-version.ts';
import type { ReconnectingSocket, WebSocketConstructor } from '../../client/reconnecting-socket.ts';
import { type VersionVerdict, watchSocket } from '../../client/watch-socket.ts';
import { BackgroundTask } from './background-task.ts';
import { recordFailure } from './record-failure.ts';
import type { SyncDeps, SyncLoop } from './sync-loop.ts';
import type { ApplyOutcome } from './version-applier.ts';

export interface WsSyncOptions extends SyncDeps {
  edge: Pick<EdgeClient, 'watchTarget'>;
  set: string;
  runnerId: string;
  WebSocketCtor?: WebSocketConstructor | undefined;
  pingIntervalMs?: number;
}

export class WsSync implements SyncLoop {
  readonly mode = 'ws' as const;
  readonly #o: WsSyncOptions;
  readonly #socket: ReconnectingSocket;
  readonly #task: BackgroundTask;

  constructor(options: WsSyncOptions) {
    this.#o = options;
    const { edge, set, runnerId, WebSocketCtor = WebSocket, clock, random, backoff, pingIntervalMs, health, logger } = options;
    this.#socket = watchSocket({
      ...edge.watchTarget(set),
      set,
      ack: { kind: 'runner', runnerId },
      WebSocket: WebSocketCtor,
      clock,
      random,
      backoff,
      ...(pingIntervalMs === undefined ? {} : { pingIntervalMs }),
      onOpen: () => logger.info('watch socket open'),
      onAlive: () => health.markSuccess(),
      onVersion: (received, etag) => this.#onVersion(received, etag),
      onUnreadable: (text) => {
        logger.warn({ message: text.slice(0, 120) }, 'ignored an unreadable message on the watch socket');
        this.#o.onFailure?.('bad-response');
      },
      onFailure: ({ error, delayMs }) => (recordFailure(this.#o, error, delayMs, 'watch socket lost') ? 'retry' : 'stop'),
    });
    this.#task = new BackgroundTask((signal) => this.#socket.run(signal));
  }

  start(): void {
    this.#task.start();
  }

  stop(): Promise<void> {
    return this.#task.stop();
  }

  async #onVersion(received: ReceivedVersion, etag: string): Promise<VersionVerdict | undefined> {
    const { logger, applier, holder } = this.#o;
    let outcome: ApplyOutcome;
    try {
      outcome = await applier.receive(received, etag, { source: 'watch socket', fresh: true });
    } catch (error) {
      logger.warn({ err: error }, 'ignored an unusable version on the watch socket');
      this.#o.onFailure?.('bad-response');
      return undefined;
    }
    switch (outcome.kind) {
      case 'applied':
        return { kind: 'ack', lineage: outcome.lineage, version: outcome.version };
      case 'ignored':
        // The current version, pushed again on reconnect: say we run it.
        return outcome.version === holder.version && outcome.lineage === holder.lineage
          ? { kind: 'ack', lineage: outcome.lineage, version: outcome.version }
          : undefined;
      case 'rejected':
        return { kind: 'nack', lineage: outcome.lineage, version: outcome.version, reason: outcome.reason };
    }
  }
}
