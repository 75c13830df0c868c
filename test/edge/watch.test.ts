import { evictDurableObject, runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it, vi } from 'vitest';
import { FleetSchema, WatchServerMessageSchema, type WatchServerMessage } from '../../shared/api.ts';
import { relayName, type WatchRelay } from '../../edge/hub/watch-relay.ts';
import { READ_TOKEN, call, createSet, freshSet, putParams, tagOf, lineageOf } from './helpers.ts';

/** Opens the watch socket and collects what the hub pushes. */
async function watch(set: string) {
  const res = await call('GET', `/v1/sets/${set}/watch`, { token: READ_TOKEN, headers: { Upgrade: 'websocket' } });
  expect(res.status).toBe(101);
  const ws = res.webSocket!;
  const messages: WatchServerMessage[] = [];
  ws.addEventListener('message', (event) => {
    messages.push(WatchServerMessageSchema.parse(JSON.parse(String(event.data))));
  });
  ws.accept();
  const next = (count: number) => vi.waitUntil(() => messages.length >= count, { timeout: 10_000, interval: 5 });
  return { ws, messages, next };
}

async function fleetOf(set: string) {
  return FleetSchema.parse(await (await call('GET', `/v1/sets/${set}/fleet`)).json());
}

/** The fleet once it lists `count` runners (socket messages are recorded after they arrive). */
function fleetWith(set: string, count: number) {
  return vi.waitUntil(
    async () => {
      const fleet = await fleetOf(set);
      return fleet.runners.length === count ? fleet : undefined;
    },
    { timeout: 10_000, interval: 10 },
  );
}

describe('watch WebSocket', () => {
  it('sends the current version on connect and pushes each new version', async () => {
    const set = freshSet();
    await createSet(set);
    const { ws, messages, next } = await watch(set);
    await next(1);
    expect(messages[0]).toMatchObject({ type: 'version', etag: await tagOf(set, 1), version: { version: 1 } });
    await putParams(set, 1, { trading_mode: 'halted' }, 'kill switch');
    await next(2);
    expect(messages[1]).toMatchObject({
      type: 'version',
      etag: await tagOf(set, 2),
      version: { version: 2, params: { trading_mode: 'halted' } },
    });
    ws.close(1000, 'done');
  });

  it('pushes to every watcher', async () => {
    const set = freshSet();
    await createSet(set);
    const watchers = await Promise.all([watch(set), watch(set), watch(set)]);
    await putParams(set, 1, { skew_adjustment_factor: 1 });
    for (const w of watchers) {
      await w.next(2);
      expect(w.messages[1]).toMatchObject({ type: 'version', version: { version: 2 } });
      w.ws.close(1000);
    }
  });

  it('records ACK and NACK in the fleet table, with applied_at', async () => {
    const set = freshSet();
    await createSet(set);
    const { ws, next, messages } = await watch(set);
    await next(1);
    const lineage = await lineageOf(set);
    ws.send(JSON.stringify({ type: 'ack', runner_id: 'bot-1', lineage, version: 1 }));
    ws.send(JSON.stringify({ type: 'nack', runner_id: 'bot-2', lineage, version: 1, reason: 'order_size = 0 is not accepted' }));
    ws.send(JSON.stringify({ type: 'ping' }));
    await next(2);
    expect(messages[1]).toEqual({ type: 'pong' });
    const fleet = await fleetWith(set, 2);
    const [bot1, bot2] = fleet.runners;
    expect(bot1).toMatchObject({ runner_id: 'bot-1', applied_version: 1 });
    expect(bot1?.applied_at).toEqual(expect.any(String));
    expect(bot2).toMatchObject({ runner_id: 'bot-2', rejected: { version: 1, reason: 'order_size = 0 is not accepted' } });
    ws.close(1000);
  });

  it('records a full report sent on the socket', async () => {
    const set = freshSet();
    await createSet(set);
    const { ws, next } = await watch(set);
    await next(1);
    ws.send(
      JSON.stringify({
        type: 'report',
        runner_id: 'ws-1',
        report: { region: 'us-east', applied_version: 1, lineage: await lineageOf(set), sync_state: 'ready', sync_mode: 'ws' },
      }),
    );
    const fleet = await fleetWith(set, 1);
    expect(fleet.runners[0]).toMatchObject({ runner_id: 'ws-1', region: 'us-east', applied_version: 1, sync_mode: 'ws' });
    ws.close(1000);
  });

  it('closes a socket that sends something other than the client messages', async () => {
    const set = freshSet();
    await createSet(set);
    const { ws } = await watch(set);
    const closed = new Promise<number>((resolve) => ws.addEventListener('close', (e) => resolve(e.code)));
    ws.send('{"type":"delete-everything"}');
    expect(await closed).toBe(1007);
  });

  it('answers 404 for an unknown set and 426 without an upgrade', async () => {
    expect((await call('GET', `/v1/sets/${freshSet()}/watch`, { headers: { Upgrade: 'websocket' } })).status).toBe(404);
    const set = freshSet();
    await createSet(set);
    expect((await call('GET', `/v1/sets/${set}/watch`)).status).toBe(426);
  });

  it("holds its sockets in the token's watch relay, not in the hub", async () => {
    const set = freshSet();
    await createSet(set);
    const { ws, next } = await watch(set);
    await next(1);
    const relay = env.WATCH_RELAY.get(env.WATCH_RELAY.idFromName(relayName(set, 'bot')));
    expect(await runInDurableObject(relay, (instance: WatchRelay) => instance.activity())).toEqual({ sockets: 1 });
    ws.close(1000);
  });
});

describe('watch across hibernation', () => {
  it('still pushes to a socket after the hub was evicted from memory (it keeps its relays in storage)', async () => {
    const set = freshSet();
    await createSet(set);
    const { ws, messages, next } = await watch(set);
    await next(1);
    await evictDurableObject(env.PARAMS_HUB.get(env.PARAMS_HUB.idFromName(set)));
    // A fresh instance rebuilds its head and its relays' names from SQLite; the relay holds the socket.
    expect((await putParams(set, 1, { adverse_selection_spread_scale: 2 }, 'after eviction')).status).toBe(200);
    await next(2);
    expect(messages[1]).toMatchObject({
      type: 'version',
      version: { version: 2, params: { adverse_selection_spread_scale: 2 } },
    });
    ws.close(1000);
  });
});

describe('fleet', () => {
  it('keeps each runner report and moves applied_at only when the applied version changes', async () => {
    const set = freshSet();
    await createSet(set);
    const lineage = await lineageOf(set);
    const report = (applied: number) => ({
      region: 'ap-tokyo',
      applied_version: applied,
      lineage,
      sync_state: 'ready',
      sync_mode: 'longpoll',
      params_age_s: 1.5,
      trading: { mid: 100, inventory: 0.2, fills: 3 },
    });
    const first = await call('POST', `/v1/sets/${set}/runners/tokyo-1/report`, { token: READ_TOKEN, body: report(1) });
    expect(first.status).toBe(200);
    const appliedAt = (await fleetOf(set)).runners[0]?.applied_at;
    expect(appliedAt).toEqual(expect.any(String));
    await call('POST', `/v1/sets/${set}/runners/tokyo-1/report`, { token: READ_TOKEN, body: report(1) });
    const again = await fleetOf(set);
    expect(again.runners[0]).toMatchObject({
      runner_id: 'tokyo-1',
      region: 'ap-tokyo',
      applied_version: 1,
      applied_at: appliedAt,
      trading: { fills: 3 },
    });
    expect(again.version).toBe(1);
  });

  it('never moves applied_version backwards when a report built before an ACK arrives after it', async () => {
    const set = freshSet();
    await createSet(set);
    await putParams(set, 1, { adverse_selection_spread_scale: 2 });
    const { ws, next } = await watch(set);
    await next(1);
    ws.send(JSON.stringify({ type: 'ack', runner_id: 'tokyo-1', lineage: await lineageOf(set), version: 2 }));
    const acked = (await vi.waitUntil(async () => (await fleetOf(set)).runners.find((r) => r.applied_version === 2), {
      timeout: 10_000,
      interval: 10,
    }))!;
    const lineage = await lineageOf(set);
    const late = (applied: number | null) => ({
      region: 'ap-tokyo',
      applied_version: applied,
      lineage,
      sync_state: 'stale',
      sync_mode: 'ws',
    });
    for (const applied of [1, null]) {
      expect(
        (await call('POST', `/v1/sets/${set}/runners/tokyo-1/report`, { token: READ_TOKEN, body: late(applied) })).status,
      ).toBe(200);
      const entry = (await fleetOf(set)).runners[0];
      expect(entry).toMatchObject({
        runner_id: 'tokyo-1',
        region: 'ap-tokyo',
        applied_version: 2,
        applied_at: acked.applied_at,
        sync_state: 'stale',
      });
    }
    ws.close(1000);
  });

  it('validates reports (422), runner ids (400) and sets (404)', async () => {
    const set = freshSet();
    await createSet(set);
    expect((await call('POST', `/v1/sets/${set}/runners/r1/report`, { body: { region: 'eu' } })).status).toBe(422);
    expect(
      (
        await call('POST', `/v1/sets/${set}/runners/bad%20id/report`, {
          body: { region: 'eu', applied_version: 1, sync_state: 'ready' },
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await call('POST', `/v1/sets/${freshSet()}/runners/r1/report`, {
          body: { region: 'eu', applied_version: 1, sync_state: 'ready' },
        })
      ).status,
    ).toBe(404);
    expect((await call('GET', `/v1/sets/${freshSet()}/fleet`)).status).toBe(404);
  });
});
