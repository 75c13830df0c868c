/**
 * Exit codes of `livetune`, stable for scripts: what went wrong decides the code, so a caller can
 * tell "fix your input" from "the edge said no" from "try again later".
 */
import { EdgeError } from '../client/edge-errors.ts';
import { UsageError } from './usage-error.ts';

export const EXIT = {
  ok: 0,
  /** Anything not covered below (a bug, a file that cannot be written, …). */
  other: 1,
  /** Bad flags, a bad key=value, a document that fails local validation: nothing was sent. */
  usage: 2,
  /** The edge answered and refused (412, 422, 409, 403, 404, 401, 429, …): nothing was changed. */
  rejected: 3,
  /** No usable answer: the edge is unreachable, timed out, failed (5xx) or answered garbage. */
  unavailable: 4,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export const EXIT_CODES_HELP = `Exit codes:
  0  ok
  1  anything else (unexpected failure)
  2  usage error: bad flags, bad key=value, local validation failure (nothing was sent)
  3  rejected by the edge: 412 stale, 422 invalid, 409, 401/403 token, 404 unknown set/version
  4  network: edge unreachable, timed out, or 5xx`;

export function exitCodeFor(error: unknown): ExitCode {
  if (error instanceof UsageError) return EXIT.usage;
  if (error instanceof EdgeError) {
    switch (error.kind) {
      case 'network':
      case 'timeout':
      case 'server':
      case 'bad-response':
        return EXIT.unavailable;
      case 'unauthorized':
      case 'forbidden':
      case 'not-found':
      case 'precondition-failed':
      case 'precondition-required':
      case 'validation':
      case 'rate-limited':
      case 'bad-request':
        return EXIT.rejected;
    }
  }
  return EXIT.other;
}
