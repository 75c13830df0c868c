/**
 * The fleet under a hostile read token (issue 11, rows 1, 6 and 10, and "dead runners look
 * healthy"): socket floods are limited per connection and per runner before any storage work, the
 * table is owned per token and bounded per token, reports name only versions the set has and
 * printable strings, entries say whether their runner is live, silent or stopped, a write token
 * can remove one, and reads of sets that do not exist create no hub.
 */
import { listDurableObjectIds, runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it, vi } from 'vitest';
import { FleetSchema, type Fleet } from '../../shared/api.ts';
import { systemClock } from '../../shared/clock.ts';
import type { EdgeConfig } from '../../edge/config.ts';
import type { ParamsHub } from '../../edge/hub/params-hub.ts';
import { relayName, type WatchRelay } from '../../edge/hub/watch-relay.ts';
import { READ_TOKEN, WRITE_TOKEN, call, createSet as create, errorOf, freshSet, lineageOf, tagOf } from './helpers.ts';

/** A second write token of vitest.edge.config.ts, named "ci". */
const CI_TOKEN = 'test-ci-token';

/** Each set's lineage: every ACK and every report of a version names it. */
const lineages = new Map<string, string>();

async function createSet(set: string): Promise<void> {
  expect((await create(set)).status).toBe(201);
  lineages.set(set, await lineageOf(set));
}

function ack(set: string, runnerId: string, version = 1): string {
  return JSON.stringify({ type: 'ack', runner_id: runnerId, lineage: lineages.get(set), version });
}

function hub(set: string) {
  return env.PARAMS_HUB.get(env.PARAMS_HUB.idFromName(set));
}

async function tune(set: string, change: Partial<EdgeConfig>, now?: number): Promise<void> {
  await runInDurableObject(hub(set), (instance: ParamsHub) => {
    (instance as { config: EdgeConfig }).config = { ...instance.config, ...change };
    if (now !== undefined) instance.clock = { ...systemClock, now: () => now };
  });
}

/** The watch relay holding `token`'s sockets on `set` ("bot": the read token, "ops": the write token). */
async function tuneRelay(set: string, token: string, change: Partial<EdgeConfig>, now?: number): Promise<void> {
  const relay = env.WATCH_RELAY.get(env.WATCH_RELAY.idFromName(relayName(set, token)));
  await runInDurableObject(relay, (instance: WatchRelay) => {
    (instance as { config: EdgeConfig }).config = { ...instance.config, ...change };
    if (now !== undefined) instance.clock = { ...systemClock, now: () => now };
  });
}

async function fleetOf(set: string): Promise<Fleet> {
  return FleetSchema.parse(await (await call('GET', `/v1/sets/${set}/fleet`, { token: READ_TOKEN })).json());
}

function report(set: string, runnerId: string, body: Record<string, unknown> = {}, token = READ_TOKEN): Promise<Response> {
  return call('POST', `/v1/sets/${set}/runners/${runnerId}/report`, {
    token,
    body: { region: 'eu-west', applied_version: 1, lineage: lineages.get(set), sync_state: 'ready', ...body },
  });
}

/** A watch socket opened with `token`; `closed` resolves with the close code. */
async function socket(set: string, token = READ_TOKEN) {
  const res = await call('GET', `/v1/sets/${set}/watch`, { token, headers: { Upgrade: 'websocket' } });
  expect(res.status).toBe(101);
  const ws = res.webSocket!;
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.addEventListener('close', (e) => resolve({ code: e.code, reason: e.reason })),
  );
  ws.accept();
  return { ws, closed };
}

function fleetWhere(set: string, done: (fleet: Fleet) => boolean): Promise<Fleet> {
  return vi.waitUntil(
    async () => {
      const fleet = await fleetOf(set);
      return done(fleet) ? fleet : undefined;
    },
    { timeout: 10_000, interval: 10 },
  );
}

describe('row 1: a read token flooding its watch socket', () => {
  it('is limited per connection before parsing, then closed with 1008; the flood adds at most its burst to the table', async () => {
    const set = freshSet('flood');
    await createSet(set);
    // Time stands still for the relay: the connection's budget is exactly its burst.
    await tuneRelay(set, 'bot', {}, Date.now());
    const { ws, closed } = await socket(set);
    for (let i = 0; i < 400; i++) ws.send(ack(set, `fake-${i}`));
    const { code, reason } = await closed;
    expect(code).toBe(1008);
    expect(reason).toContain('messages refused');
    // The relay reports its refusals to the hub with its next batch.
    const fleet = await fleetWhere(set, (f) => (f.refused?.sockets_closed ?? 0) >= 1 && (f.refused?.rate_limited ?? 0) >= 100);
    expect(fleet.refused?.sockets_closed).toBe(1);
    // Only the connection's burst (20) got through to the table.
    expect(fleet.runners.length).toBeLessThanOrEqual(20);
    // A write is answered as usual right after.
    const write = await call('PATCH', `/v1/sets/${set}/params`, {
      body: { params: { trading_mode: 'halted' }, message: 'kill switch' },
      headers: { 'If-Match': await tagOf(set, 1) },
    });
    expect(write.status).toBe(200);
  });

  it('locks the flooding token out of new sockets, doubling with each flood, and no one else', async () => {
    const set = freshSet('lockout');
    await createSet(set);
    const t0 = Date.now();
    await tuneRelay(set, 'bot', {}, t0);
    const flood = async () => {
      const { ws, closed } = await socket(set);
      for (let i = 0; i < 400; i++) ws.send(ack(set, `fake-${i}`));
      expect((await closed).code).toBe(1008);
    };
    const upgrade = (token = READ_TOKEN) => call('GET', `/v1/sets/${set}/watch`, { token, headers: { Upgrade: 'websocket' } });

    await flood();
    const refused = await upgrade();
    expect(refused.status).toBe(429);
    expect(refused.headers.get('Retry-After')).toBe('1');
    expect(await errorOf(refused)).toMatchObject({
      code: 'rate_limited',
      message: expect.stringContaining('token "bot" flooded'),
    });
    // Another token's relay is another relay: the operator's own socket opens.
    const ops = await socket(set, WRITE_TOKEN);
    ops.ws.close(1000);

    // After the lockout the token may connect again; a second flood locks it out twice as long.
    await tuneRelay(set, 'bot', {}, t0 + 1_000);
    await flood();
    const again = await upgrade();
    expect(again.status).toBe(429);
    expect(again.headers.get('Retry-After')).toBe('2');
    await tuneRelay(set, 'bot', {}, t0 + 3_000);
    const back = await socket(set);
    back.ws.close(1000);
  });

  it('limits ACKs per runner id too, whatever the connection', async () => {
    const set = freshSet('per-runner');
    await createSet(set);
    // Time stands still for the hub: the runner's budget is exactly its burst (20).
    await tune(set, {}, Date.now());
    await tuneRelay(set, 'bot', { socketMessageBurst: 1000, socketMessageRatePerS: 1000, socketMaxRefused: 100_000 });
    const sockets = await Promise.all([socket(set), socket(set), socket(set)]);
    for (const { ws } of sockets) for (let i = 0; i < 20; i++) ws.send(ack(set, 'bot-1'));
    // 60 ACKs for one runner id: its own budget (burst 20) takes 20, the rest is counted and dropped.
    const fleet = await fleetWhere(set, (f) => (f.refused?.rate_limited ?? 0) >= 40);
    expect(fleet.refused?.rate_limited).toBe(40);
    expect(fleet.runners.map((r) => r.runner_id)).toEqual(['bot-1']);
    for (const { ws } of sockets) ws.close(1000);
  });

  it('keeps ACKs in memory and writes the table to SQLite in batches, not once per ACK', async () => {
    const set = freshSet('coalesce');
    await createSet(set);
    await tune(set, { fleetFlushMs: 600_000 });
    await tuneRelay(set, 'bot', { socketMessageBurst: 1000, socketMessageRatePerS: 1000 });
    const { ws } = await socket(set);
    for (let i = 0; i < 50; i++) ws.send(ack(set, `bot-${i}`));
    await fleetWhere(set, (f) => f.runners.length === 50);
    const { fleetFlushes } = await runInDurableObject(hub(set), (instance: ParamsHub) => instance.activity());
    // At most the first change at once, then nothing for FLEET_FLUSH_MS.
    expect(fleetFlushes).toBeLessThanOrEqual(1);
    const stored = await runInDurableObject(hub(set), async (instance: ParamsHub) => {
      await instance.flushFleet();
      return instance.store.fleet().length;
    });
    expect(stored).toBe(50);
    ws.close(1000);
  });

  it('closes a socket that sends a message over 16 KiB (1009), and one that sends garbage (1007)', async () => {
    const set = freshSet('size');
    await createSet(set);
    const big = await socket(set);
    big.ws.send(JSON.stringify({ type: 'ping', pad: 'x'.repeat(17 * 1024) }));
    expect((await big.closed).code).toBe(1009);
    const garbage = await socket(set);
    garbage.ws.send('{"type":"ack","runner_id":"bot-1","version":"1; DROP TABLE"}');
    expect((await garbage.closed).code).toBe(1007);
  });

  it('bounds the ids one token holds (FLEET_MAX_RUNNERS_PER_TOKEN); another token still gets in', async () => {
    const set = freshSet('quota');
    await createSet(set);
    await tune(set, { fleetMaxRunnersPerToken: 3 });
    for (const id of ['r1', 'r2', 'r3']) expect((await report(set, id)).status).toBe(200);
    const refused = await report(set, 'r4');
    expect(refused.status).toBe(429);
    expect((await errorOf(refused)).message).toContain('token "bot" already holds 3 runners');
    expect((await errorOf(await report(set, 'r4'))).message).toContain('FLEET_MAX_RUNNERS_PER_TOKEN');
    expect((await report(set, 'r4', {}, CI_TOKEN)).status).toBe(200);
    // The same limit on the socket: the quota's refusals are counted.
    const { ws } = await socket(set);
    ws.send(ack(set, 'r5'));
    await fleetWhere(set, (f) => (f.refused?.rate_limited ?? 0) >= 1);
    expect((await fleetOf(set)).runners.map((r) => r.runner_id)).toEqual(['r1', 'r2', 'r3', 'r4']);
    ws.close(1000);
  });
});

describe('row 6: reports under another runner, from the future, with control characters', () => {
  it('keeps an entry for the token that created it: another token gets 403 naming the owner, not its value', async () => {
    const set = freshSet('owner');
    await createSet(set);
    expect((await report(set, 'fra-1', { region: 'eu-central' })).status).toBe(200);
    const forged = await report(set, 'fra-1', { region: 'forged' }, CI_TOKEN);
    expect(forged.status).toBe(403);
    const text = await forged.text();
    expect(text).toContain('belongs to token \\"bot\\"');
    expect(text).not.toContain(READ_TOKEN);
    // On the socket: an ACK for someone else's runner is refused and counted, never stored.
    const { ws } = await socket(set, WRITE_TOKEN);
    ws.send(JSON.stringify({ type: 'nack', runner_id: 'fra-1', lineage: lineages.get(set), version: 1, reason: 'forged' }));
    const fleet = await fleetWhere(set, (f) => (f.refused?.invalid ?? 0) >= 1);
    expect(fleet.runners).toEqual([expect.objectContaining({ runner_id: 'fra-1', region: 'eu-central', token: 'bot' })]);
    expect(fleet.runners[0]?.rejected ?? null).toBeNull();
    ws.close(1000);
  });

  it('refuses versions the set does not have (422 naming the field), on HTTP and on the socket', async () => {
    const set = freshSet('future');
    await createSet(set);
    const future = await report(set, 'r1', { applied_version: 9007199254740991 });
    expect(future.status).toBe(422);
    const error = await errorOf(future);
    expect(error.fields?.[0]).toMatchObject({ field: 'applied_version', value: 9007199254740991 });
    expect(error.message).toContain('1..1');
    const rejected = await report(set, 'r1', { rejected: { version: 2, lineage: lineages.get(set), reason: 'x' } });
    expect((await errorOf(rejected)).fields?.[0]).toMatchObject({ field: 'rejected.version', value: 2 });
    const { ws } = await socket(set);
    ws.send(ack(set, 'r1', 9007199254740991));
    const fleet = await fleetWhere(set, (f) => (f.refused?.invalid ?? 0) >= 1);
    expect(fleet.runners).toEqual([]);
    ws.close(1000);
  });

  it('refuses control characters and overlong strings (422 naming the field)', async () => {
    const set = freshSet('escapes');
    await createSet(set);
    for (const [body, field] of [
      [{ region: '\x1b[2J' }, 'region'],
      [{ region: 'eu\n r2  ap  v9  ready' }, 'region'],
      [{ region: '\x1b]0;pwned\x07' }, 'region'],
      [{ region: 'x'.repeat(65) }, 'region'],
      [{ rejected: { version: 1, reason: 'bad\x1b[8m hidden' } }, 'rejected.reason'],
      [{ trading: { mode: 'active\u202e' } }, 'trading.mode'],
    ] as const) {
      const res = await report(set, 'r1', body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect((await errorOf(res)).fields?.map((f) => f.field)).toEqual([field]);
    }
    expect((await fleetOf(set)).runners).toEqual([]);
  });
});

describe('dead runners do not look healthy', () => {
  it('is live while it reports, silent after two heartbeats without news, stopped after its goodbye', async () => {
    const set = freshSet('status');
    await createSet(set);
    const start = Date.now();
    await tune(set, {}, start);
    await report(set, 'quiet', { heartbeat_s: 10 });
    await report(set, 'default');
    await report(set, 'leaving', { heartbeat_s: 10 });
    await report(set, 'leaving', { heartbeat_s: 10, goodbye: true });
    const now = await fleetOf(set);
    expect(now.runners.map((r) => [r.runner_id, r.status])).toEqual([
      ['default', 'live'],
      ['leaving', 'stopped'],
      ['quiet', 'live'],
    ]);
    await tune(set, {}, start + 21_000);
    const later = await fleetOf(set);
    expect(later.runners.map((r) => [r.runner_id, r.status])).toEqual([
      ['default', 'live'],
      ['leaving', 'stopped'],
      ['quiet', 'silent'],
    ]);
    expect(later.counts).toEqual({ live: 1, silent: 1, stopped: 1 });
    // Heard of again: live.
    await report(set, 'leaving', { heartbeat_s: 10 });
    expect((await fleetOf(set)).counts).toEqual({ live: 2, silent: 1, stopped: 0 });
  });

  it('removes an entry with a write token (204, then 404); a read token may not (403)', async () => {
    const set = freshSet('delete');
    await createSet(set);
    await report(set, 'gone-1');
    expect((await call('DELETE', `/v1/sets/${set}/runners/gone-1`, { token: READ_TOKEN })).status).toBe(403);
    expect((await call('DELETE', `/v1/sets/${set}/runners/gone-1`)).status).toBe(204);
    expect((await fleetOf(set)).runners).toEqual([]);
    const again = await call('DELETE', `/v1/sets/${set}/runners/gone-1`);
    expect(again.status).toBe(404);
    expect((await errorOf(again)).message).toContain('runner "gone-1" is not in the fleet');
    expect((await call('DELETE', `/v1/sets/${freshSet()}/runners/gone-1`)).status).toBe(404);
  });
});

describe('row 10: a read of a set that does not exist', () => {
  it('answers 404 and creates no hub', async () => {
    const before = (await listDurableObjectIds(env.PARAMS_HUB)).length;
    for (let i = 0; i < 5; i++) {
      const set = freshSet('ghost');
      for (const [method, path, headers] of [
        ['GET', `/v1/sets/${set}/params`, {}],
        ['GET', `/v1/sets/${set}/params?wait=1`, { 'If-None-Match': `"${set}.AAAAAAAAAAAAAAAAAAAAAA.v1"` }],
        ['GET', `/v1/sets/${set}/fleet`, {}],
        ['GET', `/v1/sets/${set}/versions`, {}],
        ['GET', `/v1/sets/${set}/versions/1`, {}],
        ['GET', `/v1/sets/${set}/diff?from=1&to=1`, {}],
        ['GET', `/v1/sets/${set}/watch`, { Upgrade: 'websocket' }],
      ] as const) {
        expect((await call(method, path, { token: READ_TOKEN, headers })).status, path).toBe(404);
      }
      expect((await report(set, 'r1')).status).toBe(404);
    }
    expect((await listDurableObjectIds(env.PARAMS_HUB)).length).toBe(before);
  });
});
