/**
 * The file a recording streams into. Lines go to `FILE.partial` as they come (a write stream: the
 * recording is never held in memory) and the file takes its name only on a clean `close`: a path
 * that exists is a whole recording, and a crash leaves a `.partial` that says what it is.
 *
 * The feed cannot be paused (the exchange sends at its pace), so the stream's backpressure is
 * bounded instead of obeyed forever: past `maxBufferedBytes` waiting for the disk, the recording
 * fails rather than growing without limit (a disk that slow would lose data anyway).
 */
import { once } from 'node:events';
import { createWriteStream, existsSync, type WriteStream } from 'node:fs';
import { rename } from 'node:fs/promises';
import type { RecordingSink } from './feed-recorder.ts';

/** How much may wait for the disk: minutes of a busy Hyperliquid book. */
export const MAX_BUFFERED_BYTES = 32 * 1024 * 1024;

/** The target exists and `force` was not given. */
export class RecordingExistsError extends Error {
  readonly path: string;
  constructor(path: string) {
    super(`${path} exists: choose another --out, or pass --force to overwrite it`);
    this.name = 'RecordingExistsError';
    this.path = path;
  }
}

export interface RecordingFileOptions {
  /** Overwrite an existing file at `path`. */
  force?: boolean;
  maxBufferedBytes?: number;
}

export class RecordingFile implements RecordingSink {
  readonly path: string;
  readonly partialPath: string;
  /** Bytes handed to the stream so far. */
  bytes = 0;
  #stream: WriteStream;
  #maxBuffered: number;
  #failure: Error | null = null;

  /** Use `RecordingFile.create`, which opens the stream and checks the target. */
  constructor(path: string, stream: WriteStream, maxBuffered: number) {
    this.path = path;
    this.partialPath = `${path}.partial`;
    this.#stream = stream;
    this.#maxBuffered = maxBuffered;
    stream.on('error', (error) => {
      this.#failure ??= error;
    });
  }

  /** Opens `path.partial` for writing; refuses when `path` exists unless `force`. */
  static async create(path: string, { force = false, maxBufferedBytes = MAX_BUFFERED_BYTES }: RecordingFileOptions = {}) {
    if (!force && existsSync(path)) throw new RecordingExistsError(path);
    // `flush`: the data is on disk before the file is closed (and renamed).
    const stream = createWriteStream(`${path}.partial`, { flags: 'w', flush: true });
    await Promise.race([
      once(stream, 'open'),
      once(stream, 'error').then(([error]) => {
        throw new Error(`cannot write ${path}.partial: ${(error as Error).message}`);
      }),
    ]);
    return new RecordingFile(path, stream, maxBufferedBytes);
  }

  /** The error that ended the file (a write failed, or the disk fell too far behind); null while fine. */
  get failure(): Error | null {
    return this.#failure;
  }

  write(line: string): void {
    if (this.#failure !== null) return;
    if (this.#stream.writableLength > this.#maxBuffered) {
      this.#failure = new Error(
        `${this.partialPath}: more than ${this.#maxBuffered} bytes waiting for the disk; the recording stops here`,
      );
      return;
    }
    this.bytes += Buffer.byteLength(line);
    this.#stream.write(line);
  }

  /**
   * Flushes, closes and (when nothing failed) renames the file to its name. A failure leaves the
   * `.partial` in place and throws it.
   */
  async close(): Promise<void> {
    await this.#end();
    if (this.#failure !== null) throw this.#failure;
    await rename(this.partialPath, this.path);
  }

  /** Flushes and closes, leaving what was written in the `.partial` (a recording that failed). */
  async abandon(): Promise<void> {
    await this.#end();
  }

  async #end(): Promise<void> {
    if (this.#stream.closed) return;
    const closed = once(this.#stream, 'close');
    this.#stream.end();
    await closed;
  }
}
