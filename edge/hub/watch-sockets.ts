/**
 * The hub's watch sockets (hibernation API): a runner or dashboard connects, is sent the current
 * version at once (a reconnecting runner catches up on what it missed), and every commit is pushed
 * to all of them. What a client sends back (ping, ACK, NACK, report) is parsed with the shared
 * schema; anything else closes the socket with 1007. An ACK, NACK or report naming another lineage
 * of the set is dropped and counted (`foreignLineage`). Pings are answered by the runtime's
 * auto-response without waking the hub.
 */
import { WatchClientMessageSchema, type Version, type WatchClientMessage, type WatchServerMessage } from '../../shared/api.ts';
import { etagFor } from '../../shared/etag.ts';
import { log } from '../log.ts';
import type { FleetTable } from './fleet-table.ts';
import { reportLineageIssue } from './report-lineage.ts';

function versionMessage(version: Version): string {
  const message: WatchServerMessage = { type: 'version', etag: etagFor(version.set, version.lineage, version.version), version };
  return JSON.stringify(message);
}

export class WatchSockets {
  readonly #ctx: DurableObjectState;
  readonly #fleet: FleetTable;
  readonly #lineage: () => string | undefined;
  /** ACKs, NACKs and reports dropped because they named another lineage (diagnostics, tests). */
  foreignLineage = 0;

  constructor(ctx: DurableObjectState, fleet: FleetTable, lineage: () => string | undefined) {
    this.#ctx = ctx;
    this.#fleet = fleet;
    this.#lineage = lineage;
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair('{"type":"ping"}', '{"type":"pong"}'));
  }

  /** Accepts an upgrade (the Worker checked auth and that the set exists). */
  accept(request: Request, head: Version | undefined): Response {
    if (request.headers.get('Upgrade')?.toLowerCase() !== 'websocket')
      return new Response('expected a WebSocket upgrade', { status: 426 });
    const [client, server] = Object.values(new WebSocketPair()) as [WebSocket, WebSocket];
    this.#ctx.acceptWebSocket(server);
    if (head !== undefined) server.send(versionMessage(head));
    return new Response(null, { status: 101, webSocket: client });
  }

  message(ws: WebSocket, raw: string | ArrayBuffer): void {
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
    if (this.#namesAnotherLineage(message)) {
      this.foreignLineage += 1;
      return;
    }
    switch (message.type) {
      case 'ping':
        ws.send(JSON.stringify({ type: 'pong' } satisfies WatchServerMessage));
        return;
      case 'ack':
        this.#fleet.record(message.runner_id, { kind: 'ack', version: message.version });
        return;
      case 'nack':
        this.#fleet.record(message.runner_id, { kind: 'nack', version: message.version, reason: message.reason });
        return;
      case 'report':
        this.#fleet.reportQuietly(message.runner_id, message.report);
        return;
    }
  }

  /** A socket message has no answer: one about another history of the set is dropped, not stored. */
  #namesAnotherLineage(message: WatchClientMessage): boolean {
    const lineage = this.#lineage();
    if (lineage === undefined) return false;
    switch (message.type) {
      case 'ack':
      case 'nack':
        return message.lineage !== lineage;
      case 'report':
        return reportLineageIssue(message.report, lineage) !== undefined;
      case 'ping':
        return false;
    }
  }

  close(ws: WebSocket, code: number): void {
    // Reserved codes (1005, 1006) cannot be sent back; answer those with a plain normal closure. With
    // newer compatibility dates the runtime has already replied, and close() throws: nothing to do.
    try {
      ws.close(code === 1005 || code === 1006 ? 1000 : code, 'closing');
    } catch {
      // already closed
    }
  }

  error(error: unknown): void {
    // The runtime drops the socket itself; the runner reconnects and is sent the current version.
    log.warn('watch_socket_error', { error: String(error) });
  }

  broadcast(version: Version): void {
    const message = versionMessage(version);
    for (const ws of this.#ctx.getWebSockets()) {
      try {
        ws.send(message);
      } catch {
        // A socket closing under us; its close handler cleans up.
      }
    }
  }

  get size(): number {
    return this.#ctx.getWebSockets().length;
  }
}
