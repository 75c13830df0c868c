/**
 * The seed bot's edge-less workflow: edit `tuning_params.json` while the bot runs and the change is
 * applied. The file is watched with chokidar, which follows editors that save by writing a temp
 * file and renaming it over the original (a plain `fs.watch` on the old inode would go deaf) and
 * smooths over the platforms' watch quirks. Changes are debounced (one save is several events),
 * and a file that fails to parse right after a change is read again once after a short delay,
 * because the editor may still be writing it; only then is it reported as rejected. Invalid content
 * never reaches the holder (it validates).
 *
 * Events: `applied` (snapshot), `rejected` (error), `missing` (file removed; params kept).
 */
import { watch as chokidarWatch } from 'chokidar';
import { EventEmitter } from 'node:events';
import { basename } from 'node:path';
import type { Logger } from 'pino';
import { systemClock, type Clock } from '../../shared/clock.ts';
import type { ParamsHolder, ParamsSnapshot } from './params-holder.ts';

export interface ParamsFileWatcherOptions {
  path: string;
  holder: ParamsHolder;
  logger: Logger;
  debounceMs?: number;
  /** Delay before the second read of a file that failed right after a change. */
  retryDelayMs?: number;
  clock?: Clock;
  /** Starts watching `path`; `listener` hears of each change with the changed file's name. */
  watch?: (path: string, listener: (event: string, filename: string | Buffer | null) => void) => FileWatch;
}

/** What the watcher needs of a file watch (chokidar's, or a test's). */
export interface FileWatch {
  on(event: 'error', listener: (error: Error) => void): unknown;
  close(): unknown;
}

/** chokidar on the file itself: no event for the file already there; a rename over it is a change. */
function watchFile(path: string, listener: (event: string, filename: string) => void): FileWatch {
  return chokidarWatch(path, { ignoreInitial: true, atomic: true }).on('all', (event, changed) =>
    listener(event, basename(changed)),
  );
}

export interface ParamsFileWatcherEvents {
  applied: [ParamsSnapshot];
  rejected: [Error];
  missing: [];
}

export class ParamsFileWatcher extends EventEmitter<ParamsFileWatcherEvents> {
  readonly path: string;
  readonly #o: Required<Omit<ParamsFileWatcherOptions, 'path'>>;
  #watcher: FileWatch | null = null;
  #abort = new AbortController();
  #generation = 0;
  #queue: Promise<void> = Promise.resolve();

  constructor({
    path,
    holder,
    logger,
    debounceMs = 100,
    retryDelayMs = 200,
    clock = systemClock,
    watch = watchFile,
  }: ParamsFileWatcherOptions) {
    super();
    this.path = path;
    this.#o = { holder, logger, debounceMs, retryDelayMs, clock, watch };
  }

  start(): void {
    if (this.#watcher) return;
    const name = basename(this.path);
    this.#watcher = this.#o.watch(this.path, (_event, filename) => {
      // A watch that cannot name the file (null) may be telling about ours.
      if (filename === null || String(filename) === name) this.#schedule();
    });
    this.#watcher.on('error', (error) => this.#o.logger.error({ err: error, path: this.path }, 'params file watcher failed'));
  }

  stop(): void {
    this.#abort.abort();
    // chokidar closes asynchronously; nothing is delivered after the abort anyway.
    void this.#watcher?.close();
    this.#watcher = null;
  }

  /** Resolves when every reload scheduled so far has finished (tests, shutdown). */
  idle(): Promise<void> {
    return this.#queue;
  }

  #schedule(): void {
    const generation = ++this.#generation;
    this.#o.clock
      .sleep(this.#o.debounceMs, this.#abort.signal)
      .then(() => {
        // A later event restarted the debounce; that one will do the reload.
        if (generation === this.#generation) this.#queue = this.#queue.then(() => this.#reload(generation));
      })
      .catch(() => {});
  }

  async #reload(generation: number): Promise<void> {
    const { holder, logger, clock, retryDelayMs } = this.#o;
    for (let attempt = 0; ; attempt++) {
      try {
        const applied = await holder.reloadFromFile(this.path);
        if (!applied) {
          logger.warn({ path: this.path }, 'params file removed: keeping the params in force');
          this.emit('missing');
          return;
        }
        logger.info({ path: this.path }, 'applied params from file');
        this.emit('applied', holder.snapshot()!);
        return;
      } catch (error) {
        // Maybe half-written: read once more after a pause, unless a newer change will anyway.
        if (attempt === 0 && !this.#abort.signal.aborted) {
          try {
            await clock.sleep(retryDelayMs, this.#abort.signal);
          } catch {
            return;
          }
          if (generation !== this.#generation) return;
          continue;
        }
        logger.error({ path: this.path, reason: (error as Error).message }, 'params file rejected: keeping the params in force');
        this.emit('rejected', error as Error);
        return;
      }
    }
  }
}
