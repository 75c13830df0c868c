/**
 * The edge's structured log: one JSON line per event, `event` first, then `set` and `version` where
 * they apply. Workers Logs and `wrangler tail` index JSON lines, so every edge file logs through
 * here instead of building its own `console.log(JSON.stringify(…))`. pino does not run in workerd;
 * this is all the edge needs.
 *
 * Never a token: a field whose name says it holds a credential (at any depth) is replaced before
 * the line is written, so a careless `log.info('x', { headers })` cannot leak one.
 */

export type LogLevel = 'info' | 'warn' | 'error';

/** Facts of one event. `set` and `version` are named so that every event spells them the same way. */
export interface LogFields {
  set?: string | undefined;
  version?: number | undefined;
  [field: string]: unknown;
}

export interface EdgeLog {
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
}

/** Where a line goes; the default is the console method of its level (workerd keeps the level). */
export type LogSink = (level: LogLevel, line: string) => void;

const consoleSink: LogSink = (level, line) => console[level === 'info' ? 'log' : level](line);

const SECRET_FIELD = /token|authorization|secret|password/i;

/** JSON replacer: credentials out at any depth, errors as their message. */
function redact(key: string, value: unknown): unknown {
  if (key !== '' && SECRET_FIELD.test(key)) return '[redacted]';
  return value instanceof Error ? String(value) : value;
}

/** A logger writing to `sink`; `createEdgeLog()` writes to the console. */
export function createEdgeLog({ sink = consoleSink }: { sink?: LogSink } = {}): EdgeLog {
  function write(level: LogLevel, event: string, fields: LogFields = {}): void {
    const line: Record<string, unknown> = { level, event };
    for (const [key, value] of Object.entries(fields)) if (value !== undefined) line[key] = value;
    sink(level, JSON.stringify(line, redact));
  }
  return {
    info: (event, fields) => write('info', event, fields),
    warn: (event, fields) => write('warn', event, fields),
    error: (event, fields) => write('error', event, fields),
  };
}

/** The edge's log. */
export const log: EdgeLog = createEdgeLog();
