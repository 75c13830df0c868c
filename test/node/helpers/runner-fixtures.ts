/** Builders shared by the runner tests: a silent logger, version bodies, a scripted edge. */
import { pino, type Logger } from 'pino';
import { DEFAULT_PARAMS, type Params } from '../../../shared/params-schema.ts';
import { etagFor } from '../../../shared/etag.ts';
import type { RunnerReport } from '../../../shared/api.ts';
import type { EdgeClient, ParamsAnswer, ReadParamsOptions } from '../../../client/edge-client.ts';
import { readReceivedVersion } from '../../../client/received-version.ts';

export const SET = 'hype-perp';
/** The lineage of the versions these fixtures build. */
export const LINEAGE = 'test-lineage-0001';

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
    lineage: LINEAGE,
    version,
    params,
    created_at: '2026-01-01T00:00:00.000Z',
    author: 'ops',
    message: `change ${version}`,
    kind: version === 1 ? 'create' : 'update',
    parent: version - 1,
  };
}

/** What `EdgeClient.readParams` resolves to for a 200 carrying `versionBody(version, params)`. */
export function changed(version: number, params?: Partial<Params> | Record<string, unknown>, stale = false): ParamsAnswer {
  const body = versionBody(version, params === undefined ? undefined : { ...DEFAULT_PARAMS, ...params });
  return { kind: 'changed', received: readReceivedVersion(body, SET), etag: etagFor(SET, LINEAGE, version), stale };
}

/** A params request as the sync made it: `etag` is what If-None-Match carried (null: none). */
export interface ScriptedOptions {
  etag: string | null;
  waitS: number;
  timeoutMs: number | undefined;
  signal: AbortSignal | undefined;
}

export interface ScriptedCall {
  set: string;
  options: ScriptedOptions;
  respond(answer: ParamsAnswer): void;
  fail(error: unknown): void;
}

/**
 * An edge client whose every params request waits for the test to answer it: the test takes calls
 * in order with `nextCall()` and decides what each one gets.
 */
export class ScriptedEdge implements Pick<EdgeClient, 'readParams' | 'paramsUrl' | 'postReport'> {
  readonly calls: ScriptedCall[] = [];
  readonly reports: RunnerReport[] = [];
  #taken = 0;
  #waiters: Array<() => void> = [];

  paramsUrl(set: string): string {
    return `http://127.0.0.1:9/v1/sets/${set}/params`;
  }

  readParams(set: string, { ifNoneMatch, waitS = 0, timeoutMs, signal }: ReadParamsOptions = {}): Promise<ParamsAnswer> {
    return new Promise((resolve, reject) => {
      signal?.addEventListener('abort', () => reject(signal?.reason), { once: true });
      const options = { etag: ifNoneMatch ?? null, waitS, timeoutMs, signal };
      this.calls.push({ set, options, respond: resolve, fail: reject });
      for (const wake of this.#waiters.splice(0)) wake();
    });
  }

  async postReport(_set: string, _runnerId: string, report: RunnerReport): Promise<void> {
    this.reports.push(report);
  }

  /** The next request the sync makes (in order). */
  async nextCall(): Promise<ScriptedCall> {
    while (this.calls.length <= this.#taken) await new Promise<void>((wake) => this.#waiters.push(wake));
    return this.calls[this.#taken++]!;
  }
}
