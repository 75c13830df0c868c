/** Builders shared by the runner tests: a silent logger, version bodies, a scripted edge. */
import { pino, type Logger } from 'pino';
import { DEFAULT_PARAMS, type Params } from '../../../shared/params-schema.ts';
import { etagFor } from '../../../shared/etag.ts';
import type { RunnerReport } from '../../../shared/api.ts';
import type { EdgeHttp, FetchParamsOptions, ParamsFetch } from '../../../client/edge-http.ts';
import { readReceivedVersion } from '../../../client/received-version.ts';

export const SET = 'hype-perp';

export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

/** A version object as the edge sends it; `params` may be invalid on purpose. */
export function versionBody(
  version: number,
  params: Record<string, unknown> = { ...DEFAULT_PARAMS, order_size: version / 10 },
  set = SET,
) {
  return {
    set,
    version,
    params,
    created_at: '2026-01-01T00:00:00.000Z',
    author: 'ops',
    message: `change ${version}`,
    kind: version === 1 ? 'create' : 'update',
    parent: version - 1,
  };
}

/** What `EdgeHttp.fetchParams` resolves to for a 200 carrying `versionBody(version, params)`. */
export function changed(version: number, params?: Partial<Params> | Record<string, unknown>, stale = false): ParamsFetch {
  const body = versionBody(version, params === undefined ? undefined : { ...DEFAULT_PARAMS, ...params });
  return { kind: 'changed', received: readReceivedVersion(body, SET), etag: etagFor(SET, version), stale };
}

export interface ScriptedCall {
  options: FetchParamsOptions;
  respond(answer: ParamsFetch): void;
  fail(error: unknown): void;
}

/**
 * An `EdgeHttp` whose every params request waits for the test to answer it: the test takes calls
 * in order with `nextCall()` and decides what each one gets.
 */
export class ScriptedEdge implements EdgeHttp {
  readonly paramsUrl = `http://127.0.0.1:9/v1/sets/${SET}/params`;
  readonly calls: ScriptedCall[] = [];
  readonly reports: RunnerReport[] = [];
  #taken = 0;
  #waiters: Array<() => void> = [];

  fetchParams(options: FetchParamsOptions): Promise<ParamsFetch> {
    return new Promise((resolve, reject) => {
      options.signal?.addEventListener('abort', () => reject(options.signal?.reason), { once: true });
      this.calls.push({ options, respond: resolve, fail: reject });
      for (const wake of this.#waiters.splice(0)) wake();
    });
  }

  async postReport(_runnerId: string, report: RunnerReport): Promise<void> {
    this.reports.push(report);
  }

  /** The next request the sync makes (in order). */
  async nextCall(): Promise<ScriptedCall> {
    while (this.calls.length <= this.#taken) await new Promise<void>((wake) => this.#waiters.push(wake));
    return this.calls[this.#taken++]!;
  }
}
