/**
 * The one error shape of livetune. The edge renders every failure as `ErrorBody`; the runner, the
 * CLI and the dashboard parse it. Validation failures carry one `FieldIssue` per offending field,
 * naming the field, the value that was sent and what is accepted.
 */
import { z } from 'zod';

export const ERROR_CODES = [
  'bad_request',
  'invalid_json',
  'invalid_set_name',
  'unsupported_media_type',
  'payload_too_large',
  'unauthorized',
  'forbidden',
  'not_found',
  'method_not_allowed',
  'conflict',
  'precondition_failed',
  'precondition_required',
  'validation_failed',
  'rate_limited',
  'unavailable',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export const FieldIssueSchema = z.object({
  /** The key of the params document (or the body field); `(document)` for the whole body. */
  field: z.string(),
  /** The value that was sent, when there was one. */
  value: z.unknown().optional(),
  /** What is accepted, in words: "a finite number in [0, 2]". */
  expected: z.string(),
  /** One readable sentence with all of the above. */
  message: z.string(),
});
export type FieldIssue = z.infer<typeof FieldIssueSchema>;

export const ErrorBodySchema = z.object({
  error: z.object({
    code: z.enum(ERROR_CODES),
    message: z.string(),
    fields: z.array(FieldIssueSchema).optional(),
    /** Extra machine-readable facts, e.g. the current head on a 412. */
    details: z.record(z.string(), z.unknown()).optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

/** Renders a value for a message: strings quoted, NaN/Infinity spelled out, long values cut. */
export function formatValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (value === undefined) return 'undefined';
  try {
    const text = JSON.stringify(value);
    return text.length > 60 ? `${text.slice(0, 57)}...` : text;
  } catch {
    return String(value);
  }
}
