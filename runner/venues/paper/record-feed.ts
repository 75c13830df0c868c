/**
 * `livetune record`: the paper venue's Hyperliquid feed (its socket, `PaperFeed`, with the same
 * subscriptions, ping, silence deadline and reconnect backoff) written to a recording file until a
 * duration passes, enough events were written, or the caller's signal aborts (Ctrl-C). The file is
 * complete and valid whichever way it stops; what the feed sends is bounded by the socket (1 MiB a
 * message) and by the file (what may wait for the disk).
 *
 * The CLI reaches the runner only through this file (test/helpers/check-architecture.ts).
 */
import { systemClock, type Clock } from '../../../shared/clock.ts';
import type { EngineLogger } from '../../../engine/strategy/quoting-engine.ts';
import { FeedRecorder } from './feed-recorder.ts';
import { subscribeMessages } from './hyperliquid-messages.ts';
import { type FeedConnectionOptions, PaperFeed, feedConnection } from './paper-feed.ts';
import { RecordingFile } from './recording-file.ts';

export { RecordingExistsError } from './recording-file.ts';
/** Where each network's feed is (the paper venue's default is mainnet's). */
export { HYPERLIQUID_ENDPOINTS } from '../hyperliquid/hyperliquid-endpoints.ts';

export interface RecordFeedOptions extends FeedConnectionOptions {
  url: string;
  coin: string;
  tick: number;
  lot: number;
  out: string;
  /** Overwrite an existing `out`. */
  force?: boolean;
  /** Stop after this long, ms (from the start, connected or not). */
  durationMs?: number | undefined;
  /** Stop once this many books and trades were written. */
  maxEvents?: number | undefined;
  /** Aborting it stops the recording cleanly (Ctrl-C, SIGTERM). */
  signal?: AbortSignal | undefined;
  /** Lines for a person (connected, lost, reconnecting), without a newline. */
  note?: (text: string) => void;
}

export type RecordStop = 'duration' | 'events' | 'signal';

export interface RecordSummary {
  path: string;
  books: number;
  trades: number;
  bytes: number;
  seconds: number;
  connections: number;
  stoppedBy: RecordStop;
}

/** Records until a stop condition; resolves once the file is closed and has its name. */
export async function recordFeed(options: RecordFeedOptions): Promise<RecordSummary> {
  const clock: Clock = options.clock ?? systemClock;
  const note = options.note ?? (() => {});
  const file = await RecordingFile.create(options.out, { force: options.force ?? false });
  const recorder = new FeedRecorder({ coin: options.coin, tick: options.tick, lot: options.lot, sink: file, clock });
  const started = clock.now();
  const stopped = new AbortController();
  const end: { why: RecordStop; failure: Error | null } = { why: 'signal', failure: null };
  const stop = (why: RecordStop, failure: Error | null = null) => {
    if (stopped.signal.aborted) return;
    end.why = why;
    end.failure = failure;
    stopped.abort();
  };
  const logger: EngineLogger = {
    info() {},
    warn(fields, msg) {
      const { err, delay_ms: delay } = fields as { err?: string; delay_ms?: number };
      note(`${msg}${err ? ` (${err})` : ''}${delay !== undefined ? `; next attempt in ${(delay / 1000).toFixed(1)} s` : ''}`);
    },
  };
  const feed = new PaperFeed({
    ...feedConnection({ ...options, clock }),
    logger: options.logger ?? logger,
    url: options.url,
    subscriptions: subscribeMessages(options.coin),
    onOpen: () => note(`${feed.connections === 1 ? 'connected' : 'reconnected'} to ${options.url}; recording ${options.coin}`),
    onMessage: (text) => {
      // The socket closes a moment after the stop; what arrives meanwhile is not recorded.
      if (stopped.signal.aborted) return;
      const outcome = recorder.onMessage(text);
      if (outcome.kind === 'refused') {
        // A wrong coin is answered this way and then nothing ever comes: waiting would record nothing.
        stop('signal', new Error(`the feed refused a subscription for ${options.coin}: ${outcome.message}`));
      } else if (outcome.kind === 'invalid') {
        note(`message ignored: ${outcome.reason}`);
      }
      if (file.failure !== null) stop('signal', file.failure);
      else if (options.maxEvents !== undefined && recorder.events >= options.maxEvents) stop('events');
    },
    onClose: () => {},
  });

  const onSignal = () => stop('signal');
  options.signal?.addEventListener('abort', onSignal, { once: true });
  if (options.signal?.aborted) stop('signal');
  if (options.durationMs !== undefined) {
    clock.sleep(options.durationMs, stopped.signal).then(
      () => stop('duration'),
      () => {},
    );
  }
  // The socket's timers are unref'ed (a stopping runner must not wait on them); while the feed is
  // down between attempts nothing else would keep this process alive until the recording stops.
  const keepAlive = setInterval(() => {}, 60_000);
  try {
    feed.start();
    if (!stopped.signal.aborted)
      await new Promise((resolve) => stopped.signal.addEventListener('abort', resolve, { once: true }));
  } finally {
    clearInterval(keepAlive);
    feed.stop();
    options.signal?.removeEventListener('abort', onSignal);
  }
  if (end.failure !== null) {
    await file.abandon();
    throw new Error(`${end.failure.message} (what was recorded is in ${file.partialPath})`);
  }
  await file.close();
  return {
    path: options.out,
    books: recorder.books,
    trades: recorder.trades,
    bytes: file.bytes,
    seconds: (clock.now() - started) / 1000,
    connections: feed.connections,
    stoppedBy: end.why,
  };
}
