/**
 * What the hub answers over RPC. Errors travel as plain `ApiErrorInit` data (exceptions lose their
 * class across a Durable Object boundary); the Worker unwraps and throws the one `ApiError`.
 */
import { ApiError, type ApiErrorInit } from '../errors/api-error.ts';

export type HubResult<T> = { ok: true; value: T } | { ok: false; error: ApiErrorInit };

export function ok<T>(value: T): HubResult<T> {
  return { ok: true, value };
}

export function fail<T = never>(error: ApiErrorInit): HubResult<T> {
  return { ok: false, error };
}

/** The value, or the hub's error thrown as an `ApiError` (rendered by `app.onError`). */
export function unwrap<T>(result: HubResult<T>): T {
  if (result.ok) return result.value;
  throw new ApiError(result.error);
}

/** The hub of a set that has no version yet: reads answer 404 and create nothing. */
export function missingSet<T = never>(set: string): HubResult<T> {
  return fail({ status: 404, code: 'not_found', message: `set "${set}" does not exist` });
}

/** A 429 whose `Retry-After` is what the token bucket said; `what` names the limit in words. */
export function rateLimited<T = never>(what: string, retryAfterS: number): HubResult<T> {
  return fail({
    status: 429,
    code: 'rate_limited',
    message: `${what}; retry in ${retryAfterS} s`,
    headers: { 'Retry-After': String(retryAfterS) },
  });
}
