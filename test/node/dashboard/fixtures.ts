/** Versions, fleets and a scripted `fetch` for the dashboard's tests. */
import type { Fleet, Version } from '../../../shared/api.ts';
import { etagFor } from '../../../shared/etag.ts';
import { DEFAULT_PARAMS, type Params } from '../../../shared/params-schema.ts';

/** The lineage of the versions these fixtures build. */
export const DASHBOARD_LINEAGE = 'dashboard-lineage';

export function version(
  n: number,
  { set = 'hype-perp', params = {}, ...rest }: Partial<Omit<Version, 'params'>> & { params?: Partial<Params> } = {},
): Version {
  return {
    set,
    lineage: DASHBOARD_LINEAGE,
    version: n,
    params: { ...DEFAULT_PARAMS, ...params },
    created_at: new Date(Date.UTC(2026, 10, 24, 14, 0, n)).toISOString(),
    author: 'ops',
    message: `change ${n}`,
    kind: n === 1 ? 'create' : 'update',
    parent: n - 1,
    ...rest,
  };
}

export function fleet(set: string, head: number, applied: number[]): Fleet {
  return {
    set,
    version: head,
    runners: applied.map((v, i) => ({
      runner_id: `r-${i}`,
      region: i % 2 ? 'eu-west-1' : 'ap-northeast-1',
      applied_version: v,
      sync_state: 'ready',
      last_seen: new Date(Date.UTC(2026, 10, 24, 14, 0, 0)).toISOString(),
    })),
  };
}

export interface Call {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
}

type Route = (call: Call) => Response | Promise<Response>;

/** A `fetch` that answers from `route` and records every call. */
export function scriptedFetch(route: Route) {
  const calls: Call[] = [];
  const fetch = async (input: string, init: RequestInit): Promise<Response> => {
    init.signal?.throwIfAborted();
    const call: Call = {
      method: init.method ?? 'GET',
      path: input,
      headers: Object.fromEntries(new Headers(init.headers).entries()),
      body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
    };
    calls.push(call);
    return route(call);
  };
  return { fetch, calls };
}

export function versionResponse(v: Version, status = 200): Response {
  return Response.json(v, { status, headers: { ETag: etagFor(v.set, v.lineage, v.version) } });
}

export function errorResponse(status: number, code: string, message: string, extra: Record<string, unknown> = {}): Response {
  return Response.json({ error: { code, message, ...extra } }, { status });
}
