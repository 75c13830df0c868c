/**
 * Typed errors of the edge API as seen by a client (runner sync, CLI, automation). One function,
 * `edgeErrorFromResponse`, maps a status code and the shared error body to a class, so every caller
 * branches on `instanceof` (or `kind`) instead of re-reading status codes.
 */
import { ErrorBodySchema, type ErrorBody, type FieldIssue } from '../shared/api-error.ts';
import { parseRetryAfter } from './retry-after.ts';

export type EdgeErrorKind =
  | 'unauthorized'
  | 'forbidden'
  | 'not-found'
  | 'precondition-failed'
  | 'precondition-required'
  | 'validation'
  | 'rate-limited'
  | 'bad-request'
  | 'server'
  | 'network'
  | 'timeout'
  | 'bad-response';

export interface EdgeErrorOptions {
  status?: number;
  body?: ErrorBody;
  /** When the server said to come back (`Retry-After`, parsed once by `parseRetryAfter`). */
  retryAfterMs?: number;
  cause?: unknown;
}

export class EdgeError extends Error {
  readonly kind: EdgeErrorKind;
  readonly status: number | undefined;
  readonly body: ErrorBody | undefined;
  /**
   * The server's `Retry-After`, in ms, on any failure that carried one (429, 503, a refused
   * WebSocket upgrade): every retry loop reads it here, so it always wins over the backoff.
   */
  readonly retryAfterMs: number | undefined;
  constructor(kind: EdgeErrorKind, message: string, options: EdgeErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.kind = kind;
    this.status = options.status;
    this.body = options.body;
    this.retryAfterMs = options.retryAfterMs;
  }
  /** Whether trying again later may succeed (outages, overload), as opposed to a request that is wrong. */
  get retryable(): boolean {
    return (
      this.kind === 'server' ||
      this.kind === 'network' ||
      this.kind === 'timeout' ||
      this.kind === 'rate-limited' ||
      this.kind === 'bad-response'
    );
  }
}

/** 401: no token or an unknown one. Not an outage: syncing stops until someone fixes the token. */
export class UnauthorizedError extends EdgeError {}
/** 403: the token is known but its scope does not allow the call (a read token writing). */
export class ForbiddenError extends EdgeError {}
export class NotFoundError extends EdgeError {}
/** 412: the set moved on since the caller read it; `details.current` says to which version and who. */
export class PreconditionFailedError extends EdgeError {}
export class PreconditionRequiredError extends EdgeError {}
/** 422: a valid JSON body that breaks the schema; `fields` names each offending field. */
export class ValidationError extends EdgeError {
  get fields(): FieldIssue[] {
    return this.body?.error.fields ?? [];
  }
}
/** 429: too many requests; `retryAfterMs` says when to come back. */
export class RateLimitedError extends EdgeError {
  constructor(message: string, options: Omit<EdgeErrorOptions, 'cause'>) {
    super('rate-limited', message, options);
  }
}
/** 5xx: the edge (or what is in front of it) failed; `retryAfterMs` when it said when to come back. */
export class ServerError extends EdgeError {
  constructor(message: string, options: Omit<EdgeErrorOptions, 'cause'>) {
    super('server', message, options);
  }
}
export class BadRequestError extends EdgeError {}
/** The edge could not be reached at all (refused, reset, DNS). */
export class NetworkError extends EdgeError {}
/** No complete answer in time. */
export class TimeoutError extends EdgeError {}
/** An answer that is not what the API promises (garbage body, wrong shape). */
export class BadResponseError extends EdgeError {}
/** An answer larger than the call accepts (`read-capped-body.ts`): not read past the cap, retried with backoff. */
export class AnswerTooLargeError extends BadResponseError {
  /** The cap it broke, in bytes. */
  readonly maxBytes: number;
  constructor(kind: 'bad-response', message: string, options: { maxBytes: number }) {
    super(kind, message);
    this.maxBytes = options.maxBytes;
  }
}

function parseBody(text: string): ErrorBody | undefined {
  try {
    const parsed = ErrorBodySchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The error for a non-2xx, non-304 answer. `url` names what was asked, so the message tells the
 * user which request failed; the token is never part of it.
 */
export function edgeErrorFromResponse(
  status: number,
  headers: { get(name: string): string | null },
  bodyText: string,
  url: string,
  now: number = Date.now(),
): EdgeError {
  const body = parseBody(bodyText);
  const said = body?.error.message ?? (bodyText.trim().slice(0, 200) || 'no body');
  const message = `${status} from ${url}: ${said}`;
  const retryAfterMs = parseRetryAfter(headers.get('retry-after'), now);
  const options: EdgeErrorOptions = {
    status,
    ...(body ? { body } : {}),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  };
  if (status === 401) return new UnauthorizedError('unauthorized', message, options);
  if (status === 403) return new ForbiddenError('forbidden', message, options);
  if (status === 404) return new NotFoundError('not-found', message, options);
  if (status === 412) return new PreconditionFailedError('precondition-failed', message, options);
  if (status === 428) return new PreconditionRequiredError('precondition-required', message, options);
  if (status === 422) return new ValidationError('validation', message, options);
  if (status === 429) return new RateLimitedError(message, options);
  if (status >= 500) return new ServerError(message, options);
  return new BadRequestError('bad-request', message, options);
}

/** Wraps a thrown transport error (fetch, a WebSocket) into `NetworkError` or `TimeoutError`. */
export function edgeErrorFromThrown(error: unknown, url: string): EdgeError {
  if (error instanceof EdgeError) return error;
  const name = error instanceof Error ? error.name : '';
  const code =
    (error as { code?: string; cause?: { code?: string } } | null)?.code ??
    (error as { cause?: { code?: string } } | null)?.cause?.code ??
    '';
  const detail = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
  if (name === 'TimeoutError' || name === 'AbortError' || /TIMEOUT/i.test(code)) {
    return new TimeoutError('timeout', `no answer from ${url} in time (${detail})`, { cause: error });
  }
  return new NetworkError('network', `cannot reach ${url}: ${code ? `${code} ` : ''}${detail}`, { cause: error });
}
