/**
 * Trading figures (read scope): `GET /v1/sets/:set/perf?by=version|region|runner&from&to&bucket`
 * (totals per group, and with `bucket` a time series per group; the version changes in the window
 * so charts can mark them) and `GET /v1/sets/:set/perf/compare?a=&b=` (two versions, each metric's
 * difference with a 95 % confidence interval from Welch's t on per-runner-minute figures).
 *
 * `from`/`to` are ISO 8601 times; `bucket` one of `PERF_BUCKETS`. The hub resolves the window on
 * its clock (`perf-window.ts`: defaults, 90 days at most, minute buckets only within 48 h, a bounded
 * number of points). Neither read creates a hub.
 */
import type { Hono } from 'hono';
import { PERF_BUCKETS, PERF_GROUPINGS, type PerfBucket, type PerfGrouping } from '../../shared/perf.ts';
import type { AppEnv } from '../env.ts';
import { badRequest } from '../errors/api-error.ts';
import { parseIntParam } from '../http/query-int.ts';
import { existingHub } from '../hub/existing-hub.ts';
import type { HubFor } from '../hub/hub-for.ts';
import { unwrap } from '../hub/hub-result.ts';

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

function parseTime(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const ms = ISO_TIME.test(raw) ? Date.parse(raw) : Number.NaN;
  if (!Number.isFinite(ms))
    throw badRequest(`${name} = ${JSON.stringify(raw)} is not accepted: expected an ISO 8601 time, e.g. 2026-11-24T15:00:00Z`);
  return ms;
}

function parseGrouping(raw: string | undefined): PerfGrouping {
  if (raw === undefined || raw === '') return 'version';
  if ((PERF_GROUPINGS as readonly string[]).includes(raw)) return raw as PerfGrouping;
  throw badRequest(`by = ${JSON.stringify(raw)} is not accepted: expected one of ${PERF_GROUPINGS.join(', ')}`);
}

function parseBucket(raw: string | undefined): { name: string; ms: number } | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (Object.hasOwn(PERF_BUCKETS, raw)) return { name: raw, ms: PERF_BUCKETS[raw as PerfBucket] * 1000 };
  throw badRequest(`bucket = ${JSON.stringify(raw)} is not accepted: expected one of ${Object.keys(PERF_BUCKETS).join(', ')}`);
}

export function registerPerfRoutes(app: Hono<AppEnv>, { hubFor }: { hubFor: HubFor }): void {
  app.get('/v1/sets/:set/perf', async function perf(c) {
    const set = c.req.param('set');
    const by = parseGrouping(c.req.query('by'));
    const query = {
      fromMs: parseTime('from', c.req.query('from')),
      toMs: parseTime('to', c.req.query('to')),
      bucket: parseBucket(c.req.query('bucket')),
    };
    const hub = await existingHub(c.env, set, hubFor);
    return c.json(unwrap(await hub.perf(set, by, query)), 200, { 'Cache-Control': 'no-store' });
  });

  app.get('/v1/sets/:set/perf/compare', async function compare(c) {
    const set = c.req.param('set');
    const a = parseIntParam('a', c.req.query('a'), { min: 1, max: Number.MAX_SAFE_INTEGER });
    const b = parseIntParam('b', c.req.query('b'), { min: 1, max: Number.MAX_SAFE_INTEGER });
    if (a === b) throw badRequest(`a and b are both ${a}: compare two different versions`);
    const hub = await existingHub(c.env, set, hubFor);
    return c.json(unwrap(await hub.compare(set, a, b)), 200, { 'Cache-Control': 'no-store' });
  });
}
