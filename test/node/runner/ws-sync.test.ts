/**
 * WebSocket sync against a real `ws` server on loopback: the pushed version is applied and ACKed,
 * an invalid one NACKed with the reason, and after the server drops the socket the runner
 * reconnects (backoff on the fake clock) and catches up from the version sent on connect.
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createEdgeClient } from '../../../client/edge-client.ts';
import { etagFor } from '../../../shared/etag.ts';
import { ParamsHolder } from '../../../runner/params/params-holder.ts';
import { SyncHealth } from '../../../runner/sync/sync-health.ts';
import { VersionApplier } from '../../../runner/sync/version-applier.ts';
import { WsSync } from '../../../runner/sync/ws-sync.ts';
import { FakeClock } from '../helpers/fake-clock.ts';
import { SET, silentLogger, versionBody, LINEAGE } from '../helpers/runner-fixtures.ts';
import { DEFAULT_PARAMS } from '../../../shared/params-schema.ts';
import { eventually } from '../../../tools/eventually.ts';

/** A watch endpoint: sends the current version on connect, records what runners send. */
class FakeWatchServer {
  readonly wss: WebSocketServer;
  readonly received: unknown[] = [];
  readonly authorizations: Array<string | undefined> = [];
  current: ReturnType<typeof versionBody>;
  #waiters: Array<() => void> = [];
  #taken = 0;

  constructor(current: ReturnType<typeof versionBody>, refuse = false) {
    this.current = current;
    this.wss = new WebSocketServer({
      host: '127.0.0.1',
      port: 0,
      verifyClient: refuse ? (_info, done) => done(false, 401, 'Unauthorized') : undefined,
    });
    this.wss.on('connection', (socket, request) => {
      this.authorizations.push(request.headers.authorization);
      this.push(socket, this.current);
      socket.on('message', (data) => {
        this.received.push(JSON.parse(String(data)));
        for (const wake of this.#waiters.splice(0)) wake();
      });
    });
  }

  static async start(current: ReturnType<typeof versionBody>, refuse = false): Promise<FakeWatchServer> {
    const server = new FakeWatchServer(current, refuse);
    await new Promise((resolve) => server.wss.once('listening', resolve));
    return server;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.wss.address() as AddressInfo).port}`;
  }

  push(socket: WebSocket, version: ReturnType<typeof versionBody>): void {
    socket.send(JSON.stringify({ type: 'version', etag: etagFor(version.set, version.lineage, version.version), version }));
  }

  publish(version: ReturnType<typeof versionBody>): void {
    this.current = version;
    for (const socket of this.wss.clients) this.push(socket, version);
  }

  dropAll(): void {
    for (const socket of this.wss.clients) socket.terminate();
  }

  async nextMessage(): Promise<unknown> {
    while (this.received.length <= this.#taken) await new Promise<void>((wake) => this.#waiters.push(wake));
    return this.received[this.#taken++];
  }

  close(): Promise<void> {
    for (const socket of this.wss.clients) socket.terminate();
    return new Promise((resolve) => this.wss.close(() => resolve()));
  }
}

let server: FakeWatchServer | undefined;
let sync: WsSync | undefined;
let silent: { server: Server; sockets: Socket[] } | undefined;
afterEach(async () => {
  await sync?.stop();
  await server?.close();
  if (silent) {
    for (const socket of silent.sockets) socket.destroy();
    await new Promise((resolve) => silent!.server.close(resolve));
  }
  sync = server = silent = undefined;
});

/** A TCP server that accepts connections and never answers the WebSocket upgrade. */
async function startSilentServer(): Promise<{ url: string; sockets: Socket[] }> {
  const sockets: Socket[] = [];
  const tcp = createServer((socket) => void sockets.push(socket));
  await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
  silent = { server: tcp, sockets };
  return { url: `http://127.0.0.1:${(tcp.address() as AddressInfo).port}`, sockets };
}

/** Waits (on the event loop, not on the fake clock) until `condition` holds, failing after its own deadline. */
async function until(condition: () => boolean): Promise<void> {
  await eventually(condition, { what: String(condition), timeoutMs: 10_000, intervalMs: 1 });
}

function startSync(url: string, preload?: (holder: ParamsHolder) => void) {
  const clock = new FakeClock();
  const logger = silentLogger();
  const holder = new ParamsHolder({ clock });
  preload?.(holder);
  const applier = new VersionApplier({ set: SET, holder, logger });
  const health = new SyncHealth({ graceMs: 30_000, onError: 'halt', clock });
  const failures: string[] = [];
  sync = new WsSync({
    edge: createEdgeClient({ baseUrl: url, token: 'read-token' }),
    set: SET,
    runnerId: 'r-1',
    holder,
    applier,
    health,
    logger,
    clock,
    random: () => 0.5,
    backoff: { baseMs: 500, capMs: 30_000 },
    onFailure: (r) => failures.push(r),
  });
  sync.start();
  return { clock, holder, applier, health, failures };
}

describe('WsSync', () => {
  it('NACKs a rejected version once, however often the edge pushes it again', async () => {
    server = await FakeWatchServer.start(versionBody(1));
    startSync(server.url);
    expect(await server.nextMessage()).toMatchObject({ type: 'ack', version: 1 });
    const bad = versionBody(2, { ...DEFAULT_PARAMS, max_position: 0 });
    server.publish(bad);
    expect(await server.nextMessage()).toMatchObject({ type: 'nack', version: 2 });
    server.publish(bad);
    server.publish(bad);
    // A version the runner applies is ACKed at once: the next message is its ACK, not a second NACK.
    server.publish(versionBody(3));
    expect(await server.nextMessage()).toEqual({ type: 'ack', runner_id: 'r-1', lineage: LINEAGE, version: 3 });
  });

  it('applies the pushed version, ACKs it, NACKs an invalid one, and catches up after a drop', async () => {
    server = await FakeWatchServer.start(versionBody(1));
    const { clock, holder, health, applier } = startSync(server.url);

    expect(await server.nextMessage()).toEqual({ type: 'ack', runner_id: 'r-1', lineage: LINEAGE, version: 1 });
    expect(server.authorizations).toEqual(['Bearer read-token']);
    expect(holder.version).toBe(1);
    expect(health.state()).toBe('ready');

    server.publish(versionBody(2, { ...DEFAULT_PARAMS, max_position: 0 }));
    expect(await server.nextMessage()).toMatchObject({
      type: 'nack',
      runner_id: 'r-1',
      version: 2,
      reason: expect.stringContaining('max_position'),
    });
    expect(holder.version).toBe(1);
    expect(applier.lastRejected?.version).toBe(2);

    // The edge goes away; a new version is written meanwhile.
    const backoff = clock.nextSleep();
    server.dropAll();
    expect(await backoff).toBe(250);
    expect(health.state()).toBe('stale');
    server.current = versionBody(3, { ...DEFAULT_PARAMS, order_size: 3 });
    await clock.advance(250);

    expect(await server.nextMessage()).toEqual({ type: 'ack', runner_id: 'r-1', lineage: LINEAGE, version: 3 });
    expect(holder.get().order_size).toBe(3);
    expect(health.state()).toBe('ready');
    expect(server.authorizations).toHaveLength(2);
  });

  it('ACKs the version it already runs when the server re-sends it on reconnect', async () => {
    server = await FakeWatchServer.start(versionBody(4));
    const { clock, holder } = startSync(server.url);
    expect(await server.nextMessage()).toMatchObject({ type: 'ack', version: 4 });
    const backoff = clock.nextSleep();
    server.dropAll();
    await clock.advance(await backoff);
    expect(await server.nextMessage()).toMatchObject({ type: 'ack', version: 4 });
    expect(holder.version).toBe(4);
  });

  it('follows the pushed head when a cached version from another edge history is higher, and ACKs it', async () => {
    server = await FakeWatchServer.start(versionBody(3, { ...DEFAULT_PARAMS, trading_mode: 'halted' }));
    const { holder } = startSync(server.url, (h) =>
      h.update(DEFAULT_PARAMS, { version: 12, lineage: LINEAGE, etag: etagFor(SET, LINEAGE, 12), origin: 'cache' }),
    );
    expect(await server.nextMessage()).toEqual({ type: 'ack', runner_id: 'r-1', lineage: LINEAGE, version: 3 });
    expect(holder.snapshot()).toMatchObject({ version: 3, origin: 'edge' });
    expect(holder.get().trading_mode).toBe('halted');
  });

  it('ignores a pushed older version while the held one came from this edge', async () => {
    server = await FakeWatchServer.start(versionBody(5));
    const { holder } = startSync(server.url);
    expect(await server.nextMessage()).toMatchObject({ type: 'ack', version: 5 });
    server.publish(versionBody(3));
    server.publish(versionBody(6));
    // Only v6 is answered: v3 was ignored (no ACK, no NACK) and changed nothing.
    expect(await server.nextMessage()).toMatchObject({ type: 'ack', version: 6 });
    expect(holder.version).toBe(6);
  });

  it('gives up on an upgrade that is never answered, goes stale and reconnects with backoff', async () => {
    const { url, sockets } = await startSilentServer();
    const { clock, health, failures } = startSync(url);
    await until(() => sockets.length === 1);
    expect(health.state()).toBe('starting');

    const backoff = clock.nextSleep();
    await clock.advance(15_000);
    expect(await backoff).toBe(250);
    expect(failures).toEqual(['timeout']);
    expect(health.state()).toBe('stale');
    expect(health.view().reason).toMatch(/no answer to the upgrade/);

    await clock.advance(250);
    await until(() => sockets.length === 2);
  });

  it('counts every message and pong as a successful sync, so the params age stays small on a healthy socket', async () => {
    server = await FakeWatchServer.start(versionBody(1));
    const { clock, health } = startSync(server.url);
    expect(await server.nextMessage()).toMatchObject({ type: 'ack', version: 1 });
    const openedAt = health.view().lastSuccessAt;

    // A push 10 s later (before the first ping at 15 s).
    await clock.advance(10_000);
    server.publish(versionBody(2));
    expect(await server.nextMessage()).toMatchObject({ type: 'ack', version: 2 });
    expect(health.view().lastSuccessAt).toBe(openedAt! + 10_000);

    // The ping at 15 s; the server's protocol pong is the only answer.
    await clock.advance(5_000);
    expect(await server.nextMessage()).toEqual({ type: 'ping' });
    await vi.waitFor(() => expect(health.view().lastSuccessAt).toBe(openedAt! + 15_000));
    expect(health.state()).toBe('ready');
  });

  it('stops on a 401 at the upgrade and says the token was refused', async () => {
    server = await FakeWatchServer.start(versionBody(1), true);
    const { health } = startSync(server.url);
    await new Promise<void>((resolve) => {
      const check = () => (health.refused ? resolve() : setImmediate(check));
      check();
    });
    expect(health.view()).toMatchObject({ state: 'error', policy: 'halt' });
    expect(health.view().reason).toMatch(/refused the token \(401\)/);
  });
});
