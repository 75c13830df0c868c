/**
 * The runner's HTTP calls to the edge: the conditional (long-)poll of a set's params and the
 * report. undici with an injected dispatcher (tests pass a MockAgent). Every request has a
 * deadline on the injected clock on top of undici's own header/body timeouts, so a request the
 * edge never answers fails as a timeout instead of hanging the sync loop.
 */
import { Agent, request as undiciRequest, type Dispatcher } from 'undici';
import { HEADER_STALE, type RunnerReport } from '../shared/api.ts';
import { edgeErrorFromResponse, edgeErrorFromThrown, TimeoutError } from './edge-errors.ts';
import { systemClock, type Clock } from '../shared/clock.ts';
import { readReceivedVersionText, type ReceivedVersion } from './received-version.ts';

export type ParamsFetch =
  | { kind: 'changed'; received: ReceivedVersion; etag: string | null; stale: boolean }
  | { kind: 'not-modified'; stale: boolean };

export interface FetchParamsOptions {
  /** The etag of the newest version seen; sent as If-None-Match. */
  etag: string | null;
  /** Long-poll seconds (0: answer at once). */
  waitS: number;
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface EdgeHttp {
  readonly paramsUrl: string;
  fetchParams(options: FetchParamsOptions): Promise<ParamsFetch>;
  postReport(runnerId: string, report: RunnerReport, options: { timeoutMs: number; signal?: AbortSignal }): Promise<void>;
}

export interface EdgeHttpOptions {
  url: string;
  token: string;
  set: string;
  /** Backstop timeouts of the default agent sit above the longest long-poll we ask for. */
  dispatcher?: Dispatcher;
  request?: typeof undiciRequest;
  clock?: Clock;
}

/** The default agent: header and body timeouts longer than any `?wait=` (≤ 60 s) plus slack. */
export function createEdgeAgent(maxWaitS = 60): Agent {
  return new Agent({ headersTimeout: (maxWaitS + 15) * 1000, bodyTimeout: (maxWaitS + 15) * 1000, keepAliveTimeout: 30_000 });
}

type Headers = Record<string, string | string[] | undefined>;

function headerGetter(headers: Headers): { get(name: string): string | null } {
  return {
    get(name) {
      const value = headers[name.toLowerCase()];
      return Array.isArray(value) ? (value[0] ?? null) : (value ?? null);
    },
  };
}

/** Runs `fn` with a signal that aborts on `timeoutMs` of the clock or when `outer` aborts. */
async function withDeadline<T>(
  clock: Clock,
  timeoutMs: number,
  url: string,
  outer: AbortSignal | undefined,
  fn: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  const timerStop = new AbortController();
  const timedOut = new TimeoutError('timeout', `no answer from ${url} within ${timeoutMs} ms`);
  clock.sleep(timeoutMs, timerStop.signal).then(
    () => controller.abort(timedOut),
    () => {},
  );
  const onOuter = () => controller.abort(outer?.reason);
  outer?.addEventListener('abort', onOuter, { once: true });
  try {
    return await fn(controller.signal);
  } catch (error) {
    if (controller.signal.reason === timedOut) throw timedOut;
    if (outer?.aborted) throw error;
    throw edgeErrorFromThrown(error, url);
  } finally {
    timerStop.abort();
    outer?.removeEventListener('abort', onOuter);
  }
}

export function createEdgeHttp({
  url,
  token,
  set,
  dispatcher,
  request = undiciRequest,
  clock = systemClock,
}: EdgeHttpOptions): EdgeHttp {
  const base = `${url.replace(/\/+$/, '')}/v1/sets/${encodeURIComponent(set)}`;
  const paramsUrl = `${base}/params`;
  const auth = `Bearer ${token}`;
  const agent = dispatcher ?? createEdgeAgent();

  return {
    paramsUrl,
    fetchParams({ etag, waitS, timeoutMs, signal }) {
      const target = waitS > 0 && etag ? `${paramsUrl}?wait=${waitS}` : paramsUrl;
      return withDeadline(clock, timeoutMs, paramsUrl, signal, async (deadline) => {
        const headers: Record<string, string> = { authorization: auth, accept: 'application/json' };
        if (etag) headers['if-none-match'] = etag;
        const response = await request(target, { method: 'GET', headers, dispatcher: agent, signal: deadline });
        const get = headerGetter(response.headers as Headers);
        const stale = get.get(HEADER_STALE)?.toLowerCase() === 'true';
        const text = await response.body.text();
        if (response.statusCode === 304) return { kind: 'not-modified', stale };
        if (response.statusCode !== 200) throw edgeErrorFromResponse(response.statusCode, get, text, paramsUrl, clock.now());
        return { kind: 'changed', received: readReceivedVersionText(text, set), etag: get.get('etag'), stale };
      });
    },
    postReport(runnerId, report, { timeoutMs, signal }) {
      const reportUrl = `${base}/runners/${encodeURIComponent(runnerId)}/report`;
      return withDeadline(clock, timeoutMs, reportUrl, signal, async (deadline) => {
        const response = await request(reportUrl, {
          method: 'POST',
          headers: { authorization: auth, 'content-type': 'application/json' },
          body: JSON.stringify(report),
          dispatcher: agent,
          signal: deadline,
        });
        const text = await response.body.text();
        if (response.statusCode < 200 || response.statusCode >= 300) {
          throw edgeErrorFromResponse(
            response.statusCode,
            headerGetter(response.headers as Headers),
            text,
            reportUrl,
            clock.now(),
          );
        }
      });
    },
  };
}
