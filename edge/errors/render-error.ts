/**
 * `app.onError`: the only place an error becomes a response. An `ApiError` keeps its status and
 * code; anything else is an internal failure, logged without request headers (they hold tokens) and
 * answered without its message (it may hold anything).
 */
import type { Context } from 'hono';
import type { ErrorBody } from '../../shared/api-error.ts';
import { ApiError } from './api-error.ts';

export function renderError(error: Error, c: Context): Response {
  const apiError =
    error instanceof ApiError
      ? error
      : new ApiError({ status: 500, code: 'internal', message: 'internal error' });
  if (!(error instanceof ApiError)) {
    console.error(JSON.stringify({ event: 'internal_error', method: c.req.method, path: c.req.path, error: String(error) }));
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
