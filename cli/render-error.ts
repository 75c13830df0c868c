/**
 * Turns any failure into text that says what happened and what to do next. The one place where the
 * CLI's error wording lives; the exit code comes from `exit-codes.ts`.
 */
import { formatValue, type FieldIssue } from '../shared/api-error.ts';
import {
  EdgeError,
  ForbiddenError,
  NetworkError,
  NotFoundError,
  PreconditionFailedError,
  PreconditionRequiredError,
  RateLimitedError,
  ServerError,
  TimeoutError,
  UnauthorizedError,
  ValidationError,
} from '../client/edge-errors.ts';
import type { ErrorScope } from './error-scope.ts';
import { formatTime } from './format-table.ts';
import { terminalSafe } from './terminal-safe.ts';
import { UsageError } from './usage-error.ts';

/** One line per field: `  skew_adjustment_factor = 5: expected a finite number in [0, 2]`. */
export function renderIssues(issues: readonly FieldIssue[]): string {
  return issues
    .map((i) =>
      terminalSafe(`  ${i.field} = ${Object.hasOwn(i, 'value') ? formatValue(i.value) : '(missing)'}: expected ${i.expected}`),
    )
    .join('\n');
}

interface CurrentHead {
  version?: number;
  author?: string;
  created_at?: string;
  message?: string;
}

function currentHead(error: EdgeError): CurrentHead | undefined {
  const current = error.body?.error.details?.current;
  return typeof current === 'object' && current !== null ? (current as CurrentHead) : undefined;
}

function setFlag(scope: ErrorScope): string {
  return scope.set ? ` --set ${scope.set}` : '';
}

function renderStale(error: EdgeError, scope: ErrorScope): string {
  const head = currentHead(error);
  const set = scope.set ?? 'the set';
  if (scope.creating) {
    const at = head?.version
      ? ` at v${head.version}${head.author ? ` (last written by ${terminalSafe(String(head.author))})` : ''}`
      : '';
    return `${set} already exists${at}; nothing was changed.\nTo replace its document, run apply again without --create.`;
  }
  if (scope.reapply) {
    return `${set} changed since you opened it (412); nothing was changed.\nTo re-apply just your changes on the current version:\n  ${scope.reapply}`;
  }
  if (!head?.version) {
    return `${set} changed since you read it (412); nothing was changed.\nSee the latest versions: livetune history${setFlag(scope)}`;
  }
  const who = head.author ? ` by ${terminalSafe(String(head.author))}` : '';
  const when = head.created_at ? ` at ${terminalSafe(formatTime(String(head.created_at)))}` : '';
  const why = head.message ? ` ("${terminalSafe(String(head.message))}")` : '';
  const read = scope.readVersion ? `You read v${scope.readVersion}; ` : '';
  const from = scope.readVersion ?? head.version - 1;
  return [
    `${set} changed since you read it: it is now at v${head.version}, written${who}${when}${why}.`,
    `${read}nothing was changed.`,
    `See what changed: livetune diff ${from} ${head.version}${setFlag(scope)}`,
    `Then make your change again on top of v${head.version}.`,
  ].join('\n');
}

function renderEdgeError(error: EdgeError, scope: ErrorScope): string {
  // What the edge said is its words, not ours: one line, escapes shown.
  const said = terminalSafe(error.body?.error.message ?? error.message);
  if (error instanceof PreconditionFailedError) return renderStale(error, scope);
  if (error instanceof ValidationError) {
    const fields = error.fields;
    // Only the set policy's step limit refused it: the same write with --force passes.
    const forceable = error.body?.error.details?.forceable === true;
    const hint = forceable ? '\nTo make so large a step on purpose, add --force "why" (kept in the version).' : '';
    return fields.length > 0
      ? `the edge rejected the ${scope.admin ? 'policy' : 'document'} (422); nothing was changed:\n${renderIssues(fields)}${hint}`
      : `the edge rejected the ${scope.admin ? 'policy' : 'document'} (422): ${said}${hint}`;
  }
  if (error instanceof UnauthorizedError) return `the edge refused the token (401): check --token or LIVETUNE_TOKEN. (${said})`;
  if (error instanceof ForbiddenError) {
    if (scope.admin) return `the token lacks admin scope (403): a set's policy is changed with an admin token. (${said})`;
    return scope.write
      ? `the token lacks write scope (403): writes need a token with the write scope. (${said})`
      : `the token is not allowed to do this (403). (${said})`;
  }
  if (error instanceof NotFoundError) {
    if (/\bversion\b/i.test(said)) return `not found (404): ${said}\nSee the versions: livetune history${setFlag(scope)}`;
    return `not found (404): ${said}\nList the sets: livetune sets; create one: livetune apply -f params.json --create -m "why"${setFlag(scope)}`;
  }
  if (error instanceof PreconditionRequiredError) return `the edge requires If-Match on this write (428): ${said}`;
  if (error instanceof RateLimitedError) {
    const after = error.retryAfterMs === undefined ? '' : ` in ${Math.ceil(error.retryAfterMs / 1000)}s`;
    return `rate limited (429): try again${after}. (${said})`;
  }
  if (error instanceof NetworkError) return `${error.message}\nIs the edge running at that URL? Check --url or LIVETUNE_URL.`;
  if (error instanceof TimeoutError)
    return `${error.message}\nThe edge at that URL did not answer in time; try again or raise --timeout.`;
  if (error instanceof ServerError) return `the edge failed: ${error.message}\nTry again later.`;
  return error.message;
}

export function renderError(error: unknown, scope: ErrorScope): string {
  if (error instanceof UsageError)
    return error.issues.length > 0 ? `${error.message}:\n${renderIssues(error.issues)}` : error.message;
  if (error instanceof EdgeError) return renderEdgeError(error, scope);
  if (error instanceof Error) return error.message;
  return String(error);
}

/** The machine-readable form for `--json` (on stderr): the edge's code and fields when it sent them. */
export function errorJson(error: unknown, scope: ErrorScope, exitCode: number): Record<string, unknown> {
  const message = renderError(error, scope);
  if (error instanceof EdgeError) {
    return {
      error: {
        code: error.body?.error.code ?? error.kind,
        status: error.status,
        message,
        fields: error.body?.error.fields,
        details: error.body?.error.details,
        exit_code: exitCode,
      },
    };
  }
  if (error instanceof UsageError) return { error: { code: 'usage', message, fields: error.issues, exit_code: exitCode } };
  return { error: { code: 'error', message, exit_code: exitCode } };
}
