/**
 * The edge's variables: a wrong one is never silently replaced by its default. The Worker answers
 * every request 500 naming the variable, its value and what it accepts, and logs it once.
 */
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createApp } from '../../edge/app.ts';
import { DEFAULT_CONFIG, EdgeConfigError, parseEdgeConfig } from '../../edge/config.ts';
import type { EdgeEnv } from '../../edge/env.ts';
import { errorOf, ORIGIN, READ_TOKEN } from './helpers.ts';

function fetchWith(vars: Partial<EdgeEnv>, path: string): Promise<Response> {
  const app = createApp();
  const request = new Request(`${ORIGIN}${path}`, { headers: { Authorization: `Bearer ${READ_TOKEN}` } });
  return Promise.resolve(app.fetch(request, { ...env, ...vars }));
}

function configError(vars: Partial<EdgeEnv>): EdgeConfigError {
  try {
    parseEdgeConfig(vars);
  } catch (error) {
    if (error instanceof EdgeConfigError) return error;
    throw error;
  }
  throw new Error('expected an EdgeConfigError');
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('edge configuration', () => {
  it('applies the defaults to unset and empty variables', () => {
    expect(parseEdgeConfig({})).toEqual(DEFAULT_CONFIG);
    expect(parseEdgeConfig({ WRITE_BURST: '' })).toEqual(DEFAULT_CONFIG);
    expect(parseEdgeConfig({ WRITE_RATE_PER_S: '0.5', FLEET_MAX_RUNNERS: '20' })).toMatchObject({
      writeRatePerS: 0.5,
      fleetMaxRunners: 20,
    });
  });

  it('names every variable that is not accepted, its value and what it accepts', () => {
    const error = configError({ WRITE_RATE_PER_S: 'fast', REPORT_BURST: '2.5', FLEET_RETENTION_S: '-1' });
    expect(error.problems.map((p) => p.variable)).toEqual(['WRITE_RATE_PER_S', 'REPORT_BURST', 'FLEET_RETENTION_S']);
    expect(error.message).toContain('WRITE_RATE_PER_S = "fast" is not accepted: expected a positive number of writes per second');
    expect(error.message).toContain('REPORT_BURST = "2.5" is not accepted: expected a whole number of reports ≥ 1');
    expect(error.message).toContain('FLEET_RETENTION_S = "-1" is not accepted: expected a positive number of seconds');
  });

  it('answers every request 500 with the problem while a variable is wrong, and logs it once', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    const bad = { HEAD_MIRROR_INTERVAL_MS: 'soon' };
    for (const path of ['/v1/sets', '/v1/schema', '/v1/sets/some-set/params', '/no-such-route']) {
      const res = await fetchWith(bad, path);
      expect(res.status).toBe(500);
      const error = await errorOf(res);
      expect(error.code).toBe('internal');
      expect(error.message).toBe(
        'the edge is misconfigured: HEAD_MIRROR_INTERVAL_MS = "soon" is not accepted: expected a positive number of milliseconds',
      );
    }
    const lines = logged.mock.calls.map((args) => JSON.parse(String(args[0])) as { event: string });
    expect(lines.filter((line) => line.event === 'config_invalid')).toHaveLength(1);
  });

  it('serves again once the variable is fixed', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    expect((await fetchWith({ WRITE_BURST: 'lots' }, '/v1/sets')).status).toBe(500);
    expect((await fetchWith({ WRITE_BURST: '100' }, '/v1/sets')).status).toBe(200);
  });
});
