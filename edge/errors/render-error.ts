/**
 * `app.onError`: the only place an error becomes a response. An `ApiError` keeps its status and
 * code; anything else is an internal failure, logged without request headers (they hold tokens) and
 * answered without its message (it may hold anything).
 */
import type { Context } from 'hono';
import type { ErrorBody } from '../../shared/api-error.ts';
import { log } from '../log.ts';
import { ApiError } from './api-error.ts';

/** Durable Object failures that say a retry may work (reset, overloaded): 503, not a bug. */
function isTransient(error: Error): boolean {
  const flags = error as Error & { retryable?: boolean; overloaded?: boolean };
  return flags.retryable === true || flags.overloaded === true;
}

function toApiError(error: Error): ApiError {
  if (error instanceof ApiError) return error;
  if (isTransient(error))
    return new ApiError({
      status: 503,
      code: 'unavailable',
      message: 'the edge is briefly unavailable; retry shortly',
      headers: { 'Retry-After': '1' },
    });
  return new ApiError({ status: 500, code: 'internal', message: 'internal error' });
}

export function renderError(error: Error, c: Context): Response {
  const apiError = toApiError(error);
  if (!(error instanceof ApiError)) {
    log.error('internal_error', { method: c.req.method, path: c.req.path, error });
  }
  const body: ErrorBody = {
    error: {
      code: apiError.code,
      message: apiError.message,
      ...(apiError.fields ? { fields: apiError.fields } : {}),
      ...(apiError.details ? { details: apiError.details } : {}),
    },
  };
  const headers = new Headers({ 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  for (const [name, value] of Object.entries(apiError.headers)) headers.set(name, value);
  return new Response(JSON.stringify(body), { status: apiError.status, headers });
}
