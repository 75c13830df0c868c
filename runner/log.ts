/**
 * The runner's pino logger. One JSON event per line with `set`, `runner` and `region` bound once;
 * `version` is added where it applies. The token is redacted wherever it might appear, so a stray
 * `logger.info({ config })` cannot leak it. Lines go to stdout through `LogSink`, which never
 * blocks the runner on a stdout nobody reads (`log-sink.ts`).
 */
import { pino, type Logger, type DestinationStream } from 'pino';
import { LogSink } from './log-sink.ts';

export interface LoggerOptions {
  level?: string;
  set?: string;
  runner?: string;
  region?: string;
  /** Where lines go; stdout through a `LogSink` by default (tests pass a memory stream). */
  destination?: DestinationStream;
}

export function createLogger({ level = 'info', set, runner, region, destination }: LoggerOptions = {}): Logger {
  const options = {
    level,
    base: { set, runner, region },
    redact: {
      paths: ['token', '*.token', 'config.token', 'headers.authorization', '*.headers.authorization'],
      censor: '[redacted]',
    },
  };
  return pino(options, destination ?? new LogSink());
}
