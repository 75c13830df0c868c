/**
 * Watch sockets, held by a set's watch relays (`watch-relay.ts`): a runner connects, is sent the
 * current version at once (a reconnecting runner catches up on what it missed), and every commit is
 * pushed to all of them.
 *
 * Accepted with the standard API (`accept()` and listeners), not the hibernation API: with
 * hibernation every message is a separate event of the Durable Object, about 4 ms each under local
 * workerd, and a flood of pipelined messages (which keep arriving after `close()`: the connection
 * is only CLOSING) held every other request of the process for seconds. As listeners they cost a
 * fraction of that. The price: a relay stays in memory while it has sockets (one per token and set
 * with WebSocket runners; long-poll runners need none).
 *
 * What a client sends back (ping, ACK, NACK, report) is hostile until shown otherwise: the socket's
 * guard checks size and the socket's budget before anything is parsed (`socket-guard.ts`), the
 * shared schema parses it (anything else closes the socket with 1007, except a report whose telemetry
 * alone is at fault: its status goes on, its telemetry is counted as refused), and the fleet events go to
 * the inbox (the relay's forwarder to the hub, whose fleet table checks the runner's own budget, its
 * owner token and the versions it names). Refusals have no answer on a socket: they are counted
 * (`GET …/fleet` shows the counters), and a socket that keeps sending them is closed with 1008.
 */
import { WatchClientMessageSchema, type Version, type WatchServerMessage } from '../../shared/api.ts';
import { etagFor } from '../../shared/etag.ts';
import { log } from '../log.ts';
import { reportEvent, type FleetEvent } from './fleet-update.ts';
import { reportParts } from './report-parts.ts';
import { versionFor, type AssignedVersions } from './rollouts/hub-rollouts.ts';
import { CLOSE_MALFORMED, CLOSE_POLICY, type SocketAttachment, type SocketGuard, type SocketState } from './socket-guard.ts';

function versionMessage(version: Version): string {
  const message: WatchServerMessage = { type: 'version', etag: etagFor(version.set, version.lineage, version.version), version };
  return JSON.stringify(message);
}

type ClientMessage = { kind: 'ping' } | { kind: 'event'; runnerId: string; event: FleetEvent };

/**
 * A client message as a fleet event (or a ping); undefined when it breaks the schema. A report whose
 * telemetry alone breaks it still carries its status (as over HTTP, where it is a 422 with the status
 * recorded): the hub records the status and counts the telemetry as refused.
 */
function clientMessage(data: unknown): ClientMessage | undefined {
  const parsed = WatchClientMessageSchema.safeParse(data);
  if (parsed.success) {
    const message = parsed.data;
    switch (message.type) {
      case 'ping':
        return { kind: 'ping' };
      case 'ack': {
        const { lineage, version } = message;
        return { kind: 'event', runnerId: message.runner_id, event: { kind: 'ack', lineage, version } };
      }
      case 'nack': {
        const { lineage, version, reason } = message;
        return { kind: 'event', runnerId: message.runner_id, event: { kind: 'nack', lineage, version, reason } };
      }
      case 'report':
        return { kind: 'event', runnerId: message.runner_id, event: reportEvent(message.report) };
    }
  }
  if (typeof data !== 'object' || data === null || (data as { type?: unknown }).type !== 'report') return undefined;
  const { status, telemetry } = reportParts((data as { report?: unknown }).report);
  if (telemetry === undefined) return undefined;
  const withoutTelemetry = WatchClientMessageSchema.safeParse({ ...data, report: status });
  if (!withoutTelemetry.success || withoutTelemetry.data.type !== 'report') return undefined;
  const { runner_id: runnerId, report } = withoutTelemetry.data;
  return { kind: 'event', runnerId, event: { kind: 'report', report, telemetryRefused: true } };
}

/** Where fleet events and refusals go (the relay's forwarder). */
export interface SocketInbox {
  /** False when the event cannot be taken (too much waiting): it counts as refused. */
  submit(socketId: string, runnerId: string, event: FleetEvent): boolean;
  count(counter: 'rate_limited' | 'sockets_closed'): void;
}

export interface WatchSocketsOptions {
  guard: SocketGuard;
  inbox: SocketInbox;
  /** A socket was closed for flooding (1008: too many refused messages): the relay's lockout. */
  onFloodClose?: () => void;
}

export class WatchSockets {
  readonly #o: WatchSocketsOptions;
  /** Open sockets, each with the version it was last sent (so a stage change is pushed only to whom it changes). */
  readonly #open = new Map<WebSocket, { who: { runner?: string; region?: string }; sent: number | undefined }>();

  constructor(options: WatchSocketsOptions) {
    this.#o = options;
  }

  /** Accepts an upgrade for `set` from the token named `token` (the Worker checked both). */
  accept(request: Request, identity: Omit<SocketAttachment, 'id'>, assigned: AssignedVersions | null): Response {
    if (request.headers.get('Upgrade')?.toLowerCase() !== 'websocket')
      return new Response('expected a WebSocket upgrade', { status: 426 });
    const [client, server] = Object.values(new WebSocketPair()) as [WebSocket, WebSocket];
    server.accept();
    this.#o.guard.register(server, { id: crypto.randomUUID(), ...identity } satisfies SocketAttachment);
    const socket = { who: identity.who ?? {}, sent: undefined as number | undefined };
    this.#open.set(server, socket);
    server.addEventListener('message', (event) => this.message(server, event.data as string | ArrayBuffer));
    server.addEventListener('close', (event) => this.close(server, event.code));
    server.addEventListener('error', (event) => this.error(server, event.error));
    if (assigned !== null) {
      const version = versionFor(assigned, socket.who);
      server.send(versionMessage(version));
      socket.sent = version.version;
    }
    return new Response(null, { status: 101, webSocket: client });
  }

  message(ws: WebSocket, raw: string | ArrayBuffer): void {
    const { guard, inbox } = this.#o;
    const state = guard.state(ws);
    if (state === undefined) return;
    const admission = guard.admit(state, raw);
    if (admission.kind === 'dropped') {
      inbox.count('rate_limited');
      return;
    }
    if (admission.kind === 'close') {
      if (admission.code !== CLOSE_MALFORMED) inbox.count('rate_limited');
      this.#shut(state, admission.code, admission.reason);
      return;
    }
    let data: unknown;
    try {
      data = JSON.parse(admission.text);
    } catch {
      this.#shut(state, CLOSE_MALFORMED, 'messages must be JSON');
      return;
    }
    const message = clientMessage(data);
    if (message === undefined) {
      this.#shut(state, CLOSE_MALFORMED, 'message does not match WatchClientMessageSchema (ack | nack | report | ping)');
      return;
    }
    if (message.kind === 'ping') {
      ws.send(JSON.stringify({ type: 'pong' } satisfies WatchServerMessage));
      return;
    }
    if (!inbox.submit(state.attachment.id, message.runnerId, message.event)) this.refused(state.attachment.id, 'rate_limited');
  }

  /** A message of this socket was refused (here or by the hub): counted, and past the limit, closed. */
  refused(socketId: string, counter?: 'rate_limited'): void {
    if (counter !== undefined) this.#o.inbox.count(counter);
    const state = this.#o.guard.byId(socketId);
    if (state === undefined) return;
    const close = this.#o.guard.refuse(state);
    if (close?.kind === 'close') this.#shut(state, close.code, close.reason);
  }

  #shut(state: SocketState, code: number, reason: string): void {
    if (state.closed) return;
    state.closed = true;
    if (code !== CLOSE_MALFORMED) {
      this.#o.inbox.count('sockets_closed');
      if (code === CLOSE_POLICY) this.#o.onFloodClose?.();
      log.warn('watch_socket_closed', { set: state.attachment.set, token: state.attachment.token, code, reason });
    }
    try {
      state.ws.close(code, reason);
    } catch {
      // already closing
    }
  }

  close(ws: WebSocket, code: number): void {
    this.#o.guard.forget(ws);
    this.#open.delete(ws);
    // Reserved codes (1005, 1006) cannot be sent back; answer those with a plain normal closure. With
    // newer compatibility dates the runtime has already replied, and close() throws: nothing to do.
    try {
      ws.close(code === 1005 || code === 1006 ? 1000 : code, 'closing');
    } catch {
      // already closed
    }
  }

  error(ws: WebSocket, error: unknown): void {
    this.#o.guard.forget(ws);
    this.#open.delete(ws);
    // The runtime drops the socket itself; the runner reconnects and is sent the current version.
    log.warn('watch_socket_error', { error: String(error) });
  }

  /** Sends each socket the version assigned to it, unless it was already sent that one. */
  broadcast(assigned: AssignedVersions): void {
    const messages = new Map<number, string>();
    for (const [ws, socket] of this.#open) {
      const version = versionFor(assigned, socket.who);
      if (socket.sent === version.version) continue;
      let message = messages.get(version.version);
      if (message === undefined) {
        message = versionMessage(version);
        messages.set(version.version, message);
      }
      try {
        ws.send(message);
        socket.sent = version.version;
      } catch {
        // A socket closing under us; its close handler cleans up.
      }
    }
  }

  get size(): number {
    return this.#open.size;
  }
}
