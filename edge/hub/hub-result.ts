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
