/**
 * Every way a call to the edge can fail, as one error: livetune's error body (code, message, field
 * issues, details) when the edge answered with one, `network` when it could not be reached,
 * `bad_response` when its answer did not have the shape shared/ defines. `failureLines` words a
 * failure for operators: who moved the set on a 412, what a 403 or 429 means.
 */
import { type ErrorBody, ErrorBodySchema, type FieldIssue } from '../../shared/api-error.ts';
import { formatTime } from './format.ts';

/** The plain data of a failure (kept in the store and shown by the page). */
export interface FailureInfo {
  /** HTTP status; 0 when no answer came. */
  status: number;
  /** An `ErrorCode` of shared/, or `network`, `bad_response`, `http_<status>`. */
  code: string;
  message: string;
  fields: FieldIssue[];
  details: Record<string, unknown>;
}

export class ApiFailure extends Error implements FailureInfo {
  readonly status: number;
  readonly code: string;
  readonly fields: FieldIssue[];
  readonly details: Record<string, unknown>;

  constructor({
    status,
    code,
    message,
    fields = [],
    details = {},
  }: Omit<FailureInfo, 'fields' | 'details'> & Partial<FailureInfo>) {
    super(message);
    this.name = 'ApiFailure';
    this.status = status;
    this.code = code;
    this.fields = fields;
    this.details = details;
  }

  /** The failure of a non-2xx answer whose body was `body` (parsed JSON, or null). */
  static fromAnswer(status: number, body: unknown): ApiFailure {
    const parsed = ErrorBodySchema.safeParse(body);
    if (!parsed.success) return new ApiFailure({ status, code: `http_${status}`, message: `HTTP ${status}` });
    const error: ErrorBody['error'] = parsed.data.error;
    return new ApiFailure({
      status,
      code: error.code,
      message: error.message,
      fields: error.fields ?? [],
      details: error.details ?? {},
    });
  }

  /** A copy without the Error machinery, for the store. */
  info(): FailureInfo {
    return { status: this.status, code: this.code, message: this.message, fields: this.fields, details: this.details };
  }
}

/** Any thrown value as a failure: an `ApiFailure` as it is, anything else (a bug) as `internal`. */
export function toFailure(error: unknown): ApiFailure {
  if (error instanceof ApiFailure) return error;
  return new ApiFailure({ status: 0, code: 'internal', message: error instanceof Error ? error.message : String(error) });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What an operator should know about a failure beyond its message, one sentence each. */
export function failureLines(failure: FailureInfo): string[] {
  const lines: string[] = [];
  if (failure.status === 401) lines.push('The token is no longer accepted: sign in again.');
  if (failure.status === 403) lines.push('This token may only read: changes need a token with the write scope.');
  if (failure.status === 429) lines.push('Rate limited by the edge: wait a moment and try again.');
  const current = failure.details.current;
  if (failure.status === 412 && isRecord(current)) {
    lines.push(
      `Someone changed the set first: v${current.version} by ${current.author} at ${formatTime(String(current.created_at))} ` +
        `("${current.message}"). Your edits are kept: check them against the new values, then apply again.`,
    );
  }
  return lines;
}

/** Why a token was not taken at sign-in, for the login form. */
export function signInRefusal(failure: FailureInfo): string {
  if (failure.status === 401) return 'This token was not accepted (401). Check it and try again.';
  if (failure.status === 403) return 'This token may not read param sets (403).';
  return `Sign-in failed: ${failure.message} (${failure.code})`;
}

/** One line per field issue the edge named. */
export function fieldLines(failure: FailureInfo): string[] {
  return failure.fields.map((f) => f.message || `${f.field}: expected ${f.expected}`);
}
