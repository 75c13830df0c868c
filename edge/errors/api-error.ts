/**
 * The one exception of the edge. Route code and middleware throw it; `renderError` turns it into the
 * shared `ErrorBody` in exactly one place. `ApiErrorInit` is plain data, so the hub (a Durable
 * Object answering over RPC, where class instances do not survive) returns it and the Worker throws.
 */
import type { ErrorCode, FieldIssue } from '../../shared/api-error.ts';

export interface ApiErrorInit {
  status: number;
  code: ErrorCode;
  message: string;
  fields?: FieldIssue[];
  details?: Record<string, unknown>;
  /** Extra response headers (`Retry-After`, `Allow`). */
  headers?: Record<string, string>;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  readonly fields: FieldIssue[] | undefined;
  readonly details: Record<string, unknown> | undefined;
  readonly headers: Record<string, string>;

  constructor(init: ApiErrorInit) {
    super(init.message);
    this.name = 'ApiError';
    this.status = init.status;
    this.code = init.code;
    this.fields = init.fields;
    this.details = init.details;
    this.headers = init.headers ?? {};
  }
}

export function badRequest(message: string): ApiError {
  return new ApiError({ status: 400, code: 'bad_request', message });
}

export function notFound(message: string): ApiError {
  return new ApiError({ status: 404, code: 'not_found', message });
}

export function validationFailed(message: string, fields: FieldIssue[]): ApiError {
  return new ApiError({ status: 422, code: 'validation_failed', message, fields });
}
