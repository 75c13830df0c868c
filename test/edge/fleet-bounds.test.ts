/**
 * The fleet table is bounded: any read token may report under any runner id, so a flood of made-up
 * ids must not grow a hub's storage without limit, and runners that stopped reporting age out.
 */
import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { FleetSchema } from '../../shared/api.ts';
import { systemClock } from '../../shared/clock.ts';
import type { EdgeConfig } from '../../edge/config.ts';
import type { ParamsHub } from '../../edge/hub/params-hub.ts';
import { call, createSet, errorOf, freshSet, READ_TOKEN, lineageOf } from './helpers.ts';

function hub(set: string) {
  return env.PARAMS_HUB.get(env.PARAMS_HUB.idFromName(set));
}

async function report(set: string, runnerId: string): Promise<Response> {
  return call('POST', `/v1/sets/${set}/runners/${runnerId}/report`, {
    token: READ_TOKEN,
    body: { region: 'eu-west', applied_version: 1, lineage: await lineageOf(set), sync_state: 'ready' },
  });
}

async function fleetIds(set: string): Promise<string[]> {
  return FleetSchema.parse(await (await call('GET', `/v1/sets/${set}/fleet`, { token: READ_TOKEN })).json()).runners.map(
    (r) => r.runner_id,
  );
}

async function tune(set: string, change: (instance: ParamsHub) => void): Promise<void> {
  await runInDurableObject(hub(set), change);
}

describe('the fleet table is bounded', () => {
  it('answers 429 to a new runner id when the table is full, and still takes reports from known runners', async () => {
    const set = freshSet('fleet-cap');
    await createSet(set);
    await tune(set, (instance) => {
      (instance as { config: EdgeConfig }).config = { ...instance.config, fleetMaxRunners: 3 };
    });
    for (const id of ['r1', 'r2', 'r3']) expect((await report(set, id)).status).toBe(200);
    const refused = await report(set, 'r4');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('Retry-After')).toBe('60');
    expect((await errorOf(refused)).message).toContain('is full (3 runners, FLEET_MAX_RUNNERS)');
    expect((await report(set, 'r2')).status).toBe(200);
    expect(await fleetIds(set)).toEqual(['r1', 'r2', 'r3']);
  });

  it('drops runners unseen for longer than the retention, which makes room for new ones', async () => {
    const set = freshSet('fleet-age');
    await createSet(set);
    const start = Date.now();
    await tune(set, (instance) => {
      (instance as { config: EdgeConfig }).config = { ...instance.config, fleetMaxRunners: 2, fleetRetentionS: 3600 };
      instance.clock = { ...systemClock, now: () => start };
    });
    expect((await report(set, 'old-1')).status).toBe(200);
    expect((await report(set, 'old-2')).status).toBe(200);
    await tune(set, (instance) => {
      instance.clock = { ...systemClock, now: () => start + 3600_000 + 1 };
    });
    expect(await fleetIds(set)).toEqual([]);
    expect((await report(set, 'new-1')).status).toBe(200);
    expect(await fleetIds(set)).toEqual(['new-1']);
  });
});
