/**
 * The fleet under a hostile read token, through a real `wrangler dev` (issue 11, rows 1, 6 and 10):
 * - row 1: sockets flooding `ack`s for made-up runner ids — the kill switch is answered while the
 *   flood runs, the flood is refused (sockets closed 1008, counters in the fleet) and cannot fill
 *   the table: a real runner still gets in;
 * - row 6: a token reporting as another token's runner (403 naming the owner), a version from the
 *   future and terminal escapes (422 naming the field); nothing of it is stored;
 * - row 10: reads of sets that do not exist create no Durable Object storage;
 * - a runner process that stops says goodbye: its entry is `stopped`, not counted live.
 * Latency under the flood is the bench's job (`node bench/run.ts --only hostile-fleet`).
 */
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startAckFlood, type AckFlood } from '../../tools/ack-flood.ts';
import { startEdge, type EdgeProcess } from '../../tools/edge-process.ts';
import { eventually } from '../../tools/eventually.ts';
import { startRunner, stopAllRunners } from '../../tools/runner-process.ts';
import { call, createSet, errorBody, fleet, head } from './helpers/edge-http.ts';

let edge: EdgeProcess;
let flood: AckFlood | undefined;

beforeAll(async () => {
  edge = await startEdge();
});
afterEach(async () => {
  await flood?.stop();
  flood = undefined;
  await stopAllRunners();
});
afterAll(async () => {
  await edge?.stop();
});

/** Each set's lineage: every ACK and every report of a version names it. */
const lineages = new Map<string, string>();

async function create(set: string): Promise<void> {
  lineages.set(set, (await createSet(edge.url, edge.tokens.write, set, {})).lineage);
}

function report(set: string, runnerId: string, token: string, body: Record<string, unknown> = {}) {
  return call(edge.url, `/v1/sets/${set}/runners/${runnerId}/report`, {
    method: 'POST',
    token,
    body: { region: 'eu-west', applied_version: 1, lineage: lineages.get(set), sync_state: 'ready', ...body },
  });
}

describe('row 1: a read token floods its watch sockets with acks', () => {
  it('answers the kill switch during the flood, refuses the flood, and leaves room for a real runner', async () => {
    const set = 'flooded';
    await create(set);
    // Row 1 at a tenth of its scale: 3 sockets × 2,000 acks for made-up runner ids, all pipelined.
    flood = startAckFlood({
      url: edge.url,
      token: edge.tokens.read,
      set,
      sockets: 3,
      perSocket: 2000,
      reconnect: false,
      lineage: lineages.get(set)!,
    });
    await eventually(() => flood!.sent >= 6000, { what: 'the flood sent', timeoutMs: 60_000 });

    const current = await head(edge.url, edge.tokens.write, set);
    const killSwitch = await call(edge.url, `/v1/sets/${set}/params`, {
      method: 'PATCH',
      token: edge.tokens.write,
      headers: { 'if-match': current!.etag },
      body: { params: { trading_mode: 'halted' }, message: 'kill switch during a flood' },
    });
    expect(killSwitch.status).toBe(200);
    await eventually(() => flood!.closeCodes.filter((code) => code === 1008).length >= 3, {
      what: 'the edge closing flooding sockets with 1008',
      timeoutMs: 60_000,
      context: () => `close codes so far: ${flood!.closeCodes.join(', ')}; sent ${flood!.sent}`,
    });
    await flood.stop();
    flood = undefined;

    const table = await eventually(
      async () => {
        const t = await fleet(edge.url, edge.tokens.read, set);
        return (t.refused?.sockets_closed ?? 0) >= 3 ? t : undefined;
      },
      { what: 'the refusals counted in the fleet', timeoutMs: 30_000 },
    );
    expect(table.refused?.rate_limited).toBeGreaterThan(1000);
    // 6,000 acks (the table holds 1,000), a few dozen entries: each socket's burst, and one token holds at most 100 ids.
    expect(table.runners.length).toBeLessThanOrEqual(100);
    // A real runner (a new id, same token) is still taken in.
    expect((await report(set, 'real-1', edge.tokens.read, { applied_version: 2 })).status).toBe(200);
  });
});

describe('row 6: a read token lies in its reports', () => {
  it('cannot report as another token’s runner, from the future, or with terminal escapes', async () => {
    const set = 'liars';
    await create(set);
    expect((await report(set, 'fra-1', edge.tokens.read, { region: 'eu-central' })).status).toBe(200);

    const impostor = await report(set, 'fra-1', edge.tokens.write, { region: 'forged' });
    expect(impostor.status).toBe(403);
    expect(errorBody(impostor).error.message).toContain(`belongs to token "${edge.tokenNames.read}"`);
    expect(impostor.text).not.toContain(edge.tokens.read);

    const future = await report(set, 'fra-1', edge.tokens.read, { applied_version: 9007199254740991 });
    expect(future.status).toBe(422);
    expect(errorBody(future).error.fields?.[0]).toMatchObject({ field: 'applied_version', value: 9007199254740991 });

    for (const region of ['\x1b[2J', '\x1b]0;owned\x07', '\x1b[8mhidden', 'eu\nfake-2  ap  v9  ready']) {
      const escaped = await report(set, 'fra-1', edge.tokens.read, { region });
      expect(escaped.status, JSON.stringify(region)).toBe(422);
      expect(errorBody(escaped).error.fields?.map((f) => f.field)).toEqual(['region']);
    }

    // The same lies on a socket are refused and counted, never stored.
    const ws = new WebSocket(`${edge.url.replace(/^http/, 'ws')}/v1/sets/${set}/watch`, {
      headers: { Authorization: `Bearer ${edge.tokens.write}` },
    });
    await new Promise((resolve, reject) => {
      ws.on('message', resolve);
      ws.on('error', reject);
    });
    const lineage = lineages.get(set);
    ws.send(JSON.stringify({ type: 'ack', runner_id: 'fra-1', lineage, version: 1 }));
    ws.send(JSON.stringify({ type: 'ack', runner_id: 'fra-2', lineage, version: 9007199254740991 }));
    const table = await eventually(
      async () => {
        const t = await fleet(edge.url, edge.tokens.read, set);
        return (t.refused?.invalid ?? 0) >= 2 ? t : undefined;
      },
      { what: 'both socket lies counted as invalid', timeoutMs: 30_000 },
    );
    ws.close();
    expect(table.runners).toEqual([
      expect.objectContaining({ runner_id: 'fra-1', region: 'eu-central', applied_version: 1, token: edge.tokenNames.read }),
    ]);
  });
});

describe('row 10: reads of sets that do not exist', () => {
  it('create no Durable Object storage', async () => {
    const hubs = join(edge.persistDir, 'v3', 'do', 'livetune-edge-ParamsHub');
    const databases = () => {
      try {
        return readdirSync(hubs).filter((name) => name.endsWith('.sqlite') && name !== 'metadata.sqlite').length;
      } catch {
        return 0;
      }
    };
    const before = databases();
    for (let i = 0; i < 50; i++) {
      const set = `ghost-${i}`;
      expect((await call(edge.url, `/v1/sets/${set}/params`, { token: edge.tokens.read })).status).toBe(404);
      expect((await call(edge.url, `/v1/sets/${set}/fleet`, { token: edge.tokens.read })).status).toBe(404);
    }
    expect((await call(edge.url, '/v1/sets/ghost-x/versions', { token: edge.tokens.read })).status).toBe(404);
    expect((await report('ghost-y', 'r1', edge.tokens.read)).status).toBe(404);
    expect(databases()).toBe(before);
  });
});

describe('a runner that stops', () => {
  it('says goodbye: its entry is stopped, and not counted live', async () => {
    const set = 'goodbye';
    await createSet(edge.url, edge.tokens.write, set, {});
    const runner = await startRunner({
      edgeUrl: edge.url,
      token: edge.tokens.read,
      set,
      runnerId: 'leaving-1',
      region: 'eu-west',
      cacheDir: mkdtempSync(join(tmpdir(), 'livetune-goodbye-')),
    });
    await eventually(async () => (await fleet(edge.url, edge.tokens.read, set)).counts?.live === 1, {
      what: 'the runner live in the fleet',
      timeoutMs: 60_000,
    });
    await runner.stop('SIGINT');
    const table = await fleet(edge.url, edge.tokens.read, set);
    expect(table.runners).toEqual([expect.objectContaining({ runner_id: 'leaving-1', status: 'stopped', goodbye: true })]);
    expect(table.counts).toEqual({ live: 0, silent: 0, stopped: 1 });
  });
});
