/**
 * Sync over the watch socket (`GET …/watch`, Bearer on the upgrade). The edge pushes the current
 * version right after connect and each new one after that, so a reconnect is also the catch-up:
 * nothing is missed while the socket was down. Each pushed version is answered on the socket with
 * an ACK (applied, or already held) or a NACK with the validation reason. A socket that goes
 * silent (no pong for three pings) is dropped and reopened with backoff, and so is one whose
 * upgrade is not answered within one ping interval (after a network drop a TCP accept can leave the
 * upgrade hanging forever); a 401/403 on the upgrade stops syncing. Every message and pong counts
 * as a successful sync, so the params age stays small on a healthy, quiet socket. The `WebSocket`
 * constructor is injected (production default: `ws`).
 */
import WebSocket from 'ws';
import { z } from 'zod';
import type { WatchClientMessage } from '../../shared/api.ts';
import { edgeErrorFromResponse, NetworkError, TimeoutError, type EdgeError } from '../../client/edge-errors.ts';
import { readReceivedVersion } from '../../client/received-version.ts';
import { BackgroundTask, recordFailure, type SyncDeps, type SyncLoop } from './sync-loop.ts';
import type { ApplyOutcome } from './version-applier.ts';

/** Loose on `version` so that invalid params become a NACK of that version, not a dropped message. */
const ServerMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('version'), etag: z.string(), version: z.unknown() }),
  z.object({ type: z.literal('pong') }),
]);

export type WebSocketConstructor = new (
  url: string,
  options: { headers: Record<string, string>; handshakeTimeout?: number },
) => WebSocket;

export interface WsSyncOptions extends SyncDeps {
  url: string;
  token: string;
  set: string;
  runnerId: string;
  WebSocketCtor?: WebSocketConstructor;
  pingIntervalMs?: number;
}

type Session = { kind: 'closed'; error: EdgeError; heard: boolean } | { kind: 'stopped' };

export function watchUrl(url: string, set: string): string {
  return `${url.replace(/\/+$/, '').replace(/^http/, 'ws')}/v1/sets/${encodeURIComponent(set)}/watch`;
}

export class WsSync implements SyncLoop {
  readonly mode = 'ws' as const;
  readonly #o: WsSyncOptions;
  readonly #url: string;
  readonly #task = new BackgroundTask((signal) => this.#run(signal));

  constructor(options: WsSyncOptions) {
    this.#o = options;
    this.#url = watchUrl(options.url, options.set);
  }

  start(): void {
    this.#task.start();
  }

  stop(): Promise<void> {
    return this.#task.stop();
  }

  async #run(signal: AbortSignal): Promise<void> {
    let attempt = 0;
    while (!signal.aborted) {
      const session = await this.#session(signal);
      if (session.kind === 'stopped') break;
      if (session.heard) attempt = 0;
      const delayMs = recordFailure(this.#o, session.error, attempt++, 'watch socket lost');
      if (delayMs === null) break;
      await this.#o.clock.sleep(delayMs, signal).catch(() => {});
    }
  }

  /** One socket from open to close. */
  #session(signal: AbortSignal): Promise<Session> {
    const {
      WebSocketCtor = WebSocket as unknown as WebSocketConstructor,
      token,
      clock,
      health,
      logger,
      pingIntervalMs = 15_000,
    } = this.#o;
    return new Promise<Session>((resolve) => {
      let socket: WebSocket;
      try {
        // ws's own handshake timeout is a real-time backstop; the deadline on the injected clock
        // (#keepAlive) is the one that decides.
        socket = new WebSocketCtor(this.#url, {
          headers: { authorization: `Bearer ${token}` },
          handshakeTimeout: pingIntervalMs,
        });
      } catch (error) {
        resolve({
          kind: 'closed',
          error: new NetworkError('network', `cannot open watch socket ${this.#url}: ${(error as Error).message}`, {
            cause: error,
          }),
          heard: false,
        });
        return;
      }
      const sessionEnd = new AbortController();
      let heard = false;
      let lastHeardAt = clock.now();
      let failure: EdgeError = new NetworkError('network', `watch socket ${this.#url} closed`);
      /** Set when we dropped the socket ourselves (no upgrade answer, silence): that is the cause. */
      let dropped = false;
      const finish = (result: Session) => {
        sessionEnd.abort();
        signal.removeEventListener('abort', onStop);
        resolve(result);
      };
      const onStop = () => {
        socket.close(1000, 'runner stopping');
        finish({ kind: 'stopped' });
      };
      signal.addEventListener('abort', onStop, { once: true });

      socket.on('unexpected-response', (request, response) => {
        const headers = {
          get: (name: string) => {
            const v = response.headers[name.toLowerCase()];
            return Array.isArray(v) ? (v[0] ?? null) : (v ?? null);
          },
        };
        failure = edgeErrorFromResponse(response.statusCode ?? 0, headers, '', this.#url, clock.now());
        response.resume();
        request.destroy();
        socket.terminate();
      });
      // Started now, not on open: an upgrade that is never answered must end the session too.
      this.#keepAlive(
        socket,
        sessionEnd.signal,
        pingIntervalMs,
        () => lastHeardAt,
        (error) => {
          failure = error;
          dropped = true;
          socket.terminate();
        },
      );
      socket.on('open', () => {
        lastHeardAt = clock.now();
        health.markSuccess();
        logger.info('watch socket open');
      });
      // Protocol-level pongs count as signs of life too (the edge may answer those and not ours).
      socket.on('pong', () => {
        lastHeardAt = clock.now();
        health.markSuccess();
      });
      socket.on('message', (data) => {
        lastHeardAt = clock.now();
        heard = true;
        health.markSuccess();
        this.#onMessage(socket, String(data));
      });
      socket.on('error', (error) => {
        if (failure.status === undefined && !dropped)
          failure = new NetworkError('network', `watch socket ${this.#url}: ${error.message}`, { cause: error });
      });
      socket.on('close', (code) => {
        if (signal.aborted) return;
        if (failure.status === undefined && !dropped && code !== 1006)
          failure = new NetworkError('network', `watch socket ${this.#url} closed by the edge (code ${code})`);
        finish({ kind: 'closed', error: failure, heard });
      });
    });
  }

  /** Pings on the clock; a socket silent for three intervals is dead even if TCP has not noticed
   * (a NAT or proxy that dropped the flow can leave the socket "open" for many minutes), and an
   * upgrade still unanswered after one interval will not be answered. */
  async #keepAlive(
    socket: WebSocket,
    signal: AbortSignal,
    intervalMs: number,
    lastHeardAt: () => number,
    drop: (error: EdgeError) => void,
  ): Promise<void> {
    const { clock } = this.#o;
    try {
      for (;;) {
        await clock.sleep(intervalMs, signal);
        if (socket.readyState === WebSocket.CONNECTING) {
          this.#o.logger.warn('watch socket upgrade not answered: dropping it');
          drop(new TimeoutError('timeout', `watch socket ${this.#url}: no answer to the upgrade within ${intervalMs} ms`));
          return;
        }
        if (clock.now() - lastHeardAt() >= 3 * intervalMs) {
          this.#o.logger.warn('watch socket silent for three pings: dropping it');
          drop(new TimeoutError('timeout', `watch socket ${this.#url} silent for ${3 * intervalMs} ms`));
          return;
        }
        this.#send(socket, { type: 'ping' });
        if (socket.readyState === WebSocket.OPEN) socket.ping();
      }
    } catch {
      // the session ended
    }
  }

  #onMessage(socket: WebSocket, text: string): void {
    const { logger, applier, holder, set, runnerId } = this.#o;
    let message: z.infer<typeof ServerMessageSchema>;
    try {
      message = ServerMessageSchema.parse(JSON.parse(text));
    } catch {
      logger.warn({ message: text.slice(0, 120) }, 'ignored an unreadable message on the watch socket');
      this.#o.onFailure?.('bad-response');
      return;
    }
    if (message.type === 'pong') return;
    let outcome: ApplyOutcome;
    try {
      outcome = applier.receive(readReceivedVersion(message.version, set), message.etag, { source: 'watch socket', fresh: true });
    } catch (error) {
      logger.warn({ err: error }, 'ignored an unusable version on the watch socket');
      this.#o.onFailure?.('bad-response');
      return;
    }
    switch (outcome.kind) {
      case 'applied':
        this.#send(socket, { type: 'ack', runner_id: runnerId, version: outcome.version });
        return;
      case 'ignored':
        // The current version, pushed again on reconnect: say we run it.
        if (outcome.version === holder.version)
          this.#send(socket, { type: 'ack', runner_id: runnerId, version: outcome.version });
        return;
      case 'rejected':
        this.#send(socket, {
          type: 'nack',
          runner_id: runnerId,
          version: outcome.version,
          reason: outcome.reason.slice(0, 2000),
        });
        return;
    }
  }

  #send(socket: WebSocket, message: WatchClientMessage): void {
    if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
  }
}
