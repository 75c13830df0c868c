/**
 * Where the runner's log lines go: stdout, without ever letting stdout stop the runner. pino's
 * default destination writes synchronously and retries a full pipe in a loop; under
 * `livetune-runner … | tee runner.log` with tee no longer reading, that parked the main thread
 * for good — Ctrl-C, a second SIGINT and SIGTERM were never handled, the orders never cancelled.
 *
 * So a line is handed to `process.stdout` (a pipe there is written without blocking: what does
 * not fit waits in memory while the loop runs on), and
 * - past `maxBufferedBytes` waiting, new lines are dropped and counted: a stuck reader costs at
 *   most that much memory, never the event loop;
 * - a stream that failed (EPIPE: the reader is gone; ENOSPC: the disk is full) is given up: the
 *   lines are dropped and counted, the runner goes on (and shuts down) without its log;
 * - nothing is flushed synchronously at exit, so `process.exit` never waits on a stuck stdout.
 * A terminal stays synchronous (Node makes TTY writes blocking); a terminal is read by a person.
 */
import type { DestinationStream } from 'pino';

/** Most log bytes waiting for a slow stdout before lines are dropped: 1 MiB. */
export const MAX_BUFFERED_LOG_BYTES = 1024 * 1024;

/** The part of a writable stream the sink uses; `process.stdout` fits. */
export interface LogStream {
  write(chunk: string): boolean;
  readonly writableLength: number;
  readonly destroyed: boolean;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

export class LogSink implements DestinationStream {
  readonly #stream: LogStream;
  readonly #maxBufferedBytes: number;
  #failed: Error | null = null;
  /** Lines not written (stdout too slow, or failed). */
  dropped = 0;

  constructor({
    stream = process.stdout,
    maxBufferedBytes = MAX_BUFFERED_LOG_BYTES,
  }: { stream?: LogStream; maxBufferedBytes?: number } = {}) {
    this.#stream = stream;
    this.#maxBufferedBytes = maxBufferedBytes;
    // Without a listener an EPIPE would be an uncaught exception: the runner would die mid-trade.
    stream.on('error', (error) => {
      this.#failed ??= error;
    });
  }

  /** Why the sink gave up on its stream (EPIPE, ENOSPC), if it did. */
  get failure(): Error | null {
    return this.#failed;
  }

  write(line: string): void {
    if (this.#failed !== null || this.#stream.destroyed || this.#stream.writableLength > this.#maxBufferedBytes) {
      this.dropped += 1;
      return;
    }
    try {
      this.#stream.write(line);
    } catch (error) {
      // A file or device (ENOSPC on a full disk) is written synchronously and may throw here.
      this.#failed ??= error instanceof Error ? error : new Error(String(error));
      this.dropped += 1;
    }
  }
}
