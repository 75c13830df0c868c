/**
 * The edge's watch protocol on the reconnecting socket: pushed versions read loosely (invalid
 * params are that version's rejection), the ACK policy (a runner answers each version under its id,
 * a viewer never answers), the application-level ping, and messages that are not the edge's.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ReceivedVersion } from '../../../client/received-version.ts';
import { PING_INTERVAL_MS } from '../../../client/reconnecting-socket.ts';
import { type AckPolicy, type VersionVerdict, watchSocket } from '../../../client/watch-socket.ts';
import { etagFor } from '../../../shared/etag.ts';
import { DEFAULT_PARAMS } from '../../../shared/params-schema.ts';
import { FakeClock } from '../helpers/fake-clock.ts';
import { fakeWebSockets } from '../helpers/fake-websocket.ts';
import { SET, versionBody, LINEAGE } from '../helpers/runner-fixtures.ts';

const settle = () => new Promise((resolve) => setImmediate(resolve));
const push = (version: ReturnType<typeof versionBody>) =>
  JSON.stringify({ type: 'version', etag: etagFor(version.set, version.lineage, version.version), version });

let stopper: AbortController | undefined;
afterEach(() => {
  stopper?.abort();
  stopper = undefined;
});

function start(ack: AckPolicy, verdict: (received: ReceivedVersion) => VersionVerdict | undefined = () => undefined) {
  const clock = new FakeClock();
  const { WebSocket, sockets } = fakeWebSockets();
  const received: Array<{ received: ReceivedVersion; etag: string }> = [];
  const unreadable: string[] = [];
  stopper = new AbortController();
  void watchSocket({
    url: 'ws://edge.test/v1/sets/hype-perp/watch',
    headers: { authorization: 'Bearer t' },
    WebSocket,
    clock,
    set: SET,
    ack,
    onVersion: (r, etag) => {
      received.push({ received: r, etag });
      return verdict(r);
    },
    onUnreadable: (text) => void unreadable.push(text),
  }).run(stopper.signal);
  sockets[0]!.open();
  return { clock, socket: sockets[0]!, received, unreadable };
}

describe('watchSocket', () => {
  it('hands each pushed version over, read loosely: invalid params are a rejection of that version', async () => {
    const { socket, received } = start({ kind: 'viewer' });
    socket.receive(push(versionBody(3)));
    socket.receive(push(versionBody(4, { ...DEFAULT_PARAMS, order_size: -1 })));
    socket.receive(push(versionBody(5, DEFAULT_PARAMS, 'other-set')));
    await settle();
    expect(received.map((r) => r.received.kind)).toEqual(['valid', 'invalid-params', 'malformed']);
    expect(received[0]!.etag).toBe(etagFor(SET, LINEAGE, 3));
    expect(received[1]!.received).toMatchObject({ version: 4, reason: expect.stringContaining('order_size') });
  });

  it('takes a frame whose etag names another version than its version object as malformed, and never answers it', async () => {
    const { socket, received } = start({ kind: 'runner', runnerId: 'r-1' }, (r) =>
      r.kind === 'valid' ? { kind: 'ack', lineage: LINEAGE, version: r.version.version } : undefined,
    );
    const v3 = versionBody(3);
    socket.receive(JSON.stringify({ type: 'version', etag: etagFor(SET, LINEAGE, 4), version: v3 }));
    socket.receive(JSON.stringify({ type: 'version', etag: etagFor(SET, 'another-history', 3), version: v3 }));
    await settle();
    expect(received.map((r) => r.received.kind)).toEqual(['malformed', 'malformed']);
    expect(received[0]!.received).toMatchObject({ reason: expect.stringMatching(/does not match the body's set "hype-perp"/) });
    expect(socket.sent).toEqual([]);
  });

  it('answers as a runner: ACK or NACK under its id, the reason capped at 2000 characters', async () => {
    const { socket } = start({ kind: 'runner', runnerId: 'r-1' }, (r) =>
      r.kind === 'valid'
        ? { kind: 'ack', lineage: LINEAGE, version: r.version.version }
        : { kind: 'nack', lineage: LINEAGE, version: r.kind === 'invalid-params' ? r.version : 0, reason: 'x'.repeat(5000) },
    );
    socket.receive(push(versionBody(3)));
    socket.receive(push(versionBody(4, { ...DEFAULT_PARAMS, order_size: -1 })));
    await settle();
    const sent = socket.sent.map((s) => JSON.parse(s) as Record<string, unknown>);
    expect(sent[0]).toEqual({ type: 'ack', runner_id: 'r-1', lineage: LINEAGE, version: 3 });
    expect(sent[1]).toMatchObject({ type: 'nack', runner_id: 'r-1', lineage: LINEAGE, version: 4 });
    expect((sent[1]!.reason as string).length).toBe(2000);
  });

  it('never answers as a viewer, whatever the handler returns', async () => {
    const { socket, received } = start({ kind: 'viewer' }, (r) =>
      r.kind === 'valid' ? { kind: 'ack', lineage: LINEAGE, version: 1 } : undefined,
    );
    socket.receive(push(versionBody(3)));
    await settle();
    expect(received).toHaveLength(1);
    expect(socket.sent).toEqual([]);
  });

  it("pings with the edge's application-level ping and ignores its pong", async () => {
    const { clock, socket, received, unreadable } = start({ kind: 'viewer' });
    await clock.advance(PING_INTERVAL_MS);
    expect(socket.sent.map((s) => JSON.parse(s))).toEqual([{ type: 'ping' }]);
    socket.receive('{"type":"pong"}');
    await settle();
    expect(received).toEqual([]);
    expect(unreadable).toEqual([]);
  });

  it('reports a message that is not one of the edge’s, and goes on', async () => {
    const { socket, received, unreadable } = start({ kind: 'viewer' });
    socket.receive('<html>proxy error</html>');
    socket.receive('{"type":"surprise"}');
    socket.receive(push(versionBody(2)));
    await settle();
    expect(unreadable).toEqual(['<html>proxy error</html>', '{"type":"surprise"}']);
    expect(received).toHaveLength(1);
    expect(socket.terminated).toBe(false);
  });
});
