/**
 * `record --coin HYPE --out FILE [--duration 10m | --events N]`: writes the paper venue's
 * Hyperliquid feed (books and trades of one coin, with the local receive time) to a recording that
 * `backtest --data FILE` replays (docs/SIMULATOR.md). The feed is the paper venue's own connection
 * (runner/venues/paper/record-feed.ts, the one runner file this command may import); Ctrl-C or
 * SIGTERM stop it cleanly, like the duration and the event count, and the file is then complete.
 */
import type { Command } from 'commander';
import { commandContext, type CliDeps } from '../command-context.ts';
import { parseDuration } from '../parse-duration.ts';
import { UsageError } from '../usage-error.ts';

interface RecordOptions {
  coin: string;
  out: string;
  duration?: string;
  events?: string;
  network: string;
  wsUrl?: string;
  tick?: string;
  lot?: string;
  force?: boolean;
}

function positiveNumber(flag: string, text: string | undefined): number {
  if (text === undefined)
    throw new UsageError(
      `${flag} is required: the recording's header needs the coin's price step and size step (HYPE: --tick 0.001 --lot 0.01)`,
    );
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0)
    throw new UsageError(`${flag} ${JSON.stringify(text)}: expected a positive number`);
  return value;
}

function feedUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--ws-url ${JSON.stringify(text)} is not a URL: expected ws(s)://host[:port]/path`);
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:')
    throw new UsageError(`--ws-url ${JSON.stringify(text)}: expected a ws:// or wss:// URL`);
  return text;
}

export function addRecordCommand(program: Command, deps: CliDeps): void {
  program
    .command('record')
    .description("write Hyperliquid's book and trades of a coin to a file that backtest --data replays")
    .requiredOption('--out <file>', 'the recording (JSON Lines; written as FILE.partial until it stops)')
    .option('--coin <coin>', 'the coin whose l2Book and trades are recorded', 'HYPE')
    .option('--tick <px>', "the coin's price step, written in the header (HYPE: 0.001)")
    .option('--lot <sz>', "the coin's size step, written in the header (HYPE: 0.01)")
    .option('--duration <d>', 'stop after this long, e.g. 10m, 2h (default: until Ctrl-C)')
    .option('--events <n>', 'stop after this many books and trades')
    .option('--network <network>', "whose feed: mainnet | testnet (the paper venue's is mainnet)", 'mainnet')
    .option('--ws-url <url>', "the feed's WebSocket instead of the network's")
    .option('--force', 'overwrite --out if it exists')
    .action(async (options: RecordOptions, command: Command) => {
      const ctx = commandContext(command, deps);
      if (!/^\S{1,32}$/.test(options.coin))
        throw new UsageError(
          `--coin ${JSON.stringify(options.coin)}: expected a coin name as Hyperliquid spells it (1 to 32 characters, no spaces)`,
        );
      const tick = positiveNumber('--tick', options.tick);
      const lot = positiveNumber('--lot', options.lot);
      const durationMs = options.duration === undefined ? undefined : parseDuration(options.duration);
      let maxEvents: number | undefined;
      if (options.events !== undefined) {
        maxEvents = Number(options.events);
        if (!Number.isSafeInteger(maxEvents) || maxEvents <= 0)
          throw new UsageError(`--events ${JSON.stringify(options.events)}: expected a positive whole number`);
      }
      // Loaded on demand: the feed and its socket are only this command's.
      const { HYPERLIQUID_ENDPOINTS, RecordingExistsError, recordFeed } = await import(
        '../../runner/venues/paper/record-feed.ts'
      );
      const networks = Object.keys(HYPERLIQUID_ENDPOINTS) as (keyof typeof HYPERLIQUID_ENDPOINTS)[];
      const network = networks.find((n) => n === options.network);
      if (network === undefined)
        throw new UsageError(`--network ${JSON.stringify(options.network)}: expected one of ${networks.join(', ')}`);
      const url = options.wsUrl === undefined ? HYPERLIQUID_ENDPOINTS[network].ws : feedUrl(options.wsUrl);
      let summary;
      try {
        summary = await recordFeed({
          url,
          coin: options.coin,
          tick,
          lot,
          out: options.out,
          force: options.force === true,
          durationMs,
          maxEvents,
          signal: ctx.io.signal,
          clock: ctx.clock,
          WebSocketCtor: ctx.io.WebSocket,
          note: (text) => ctx.note(`record: ${text}`),
        });
      } catch (error) {
        if (error instanceof RecordingExistsError) throw new UsageError(`--out ${error.message}`);
        throw error;
      }
      if (ctx.json) return ctx.outJson(summary);
      ctx.out(
        `recorded ${summary.books} books and ${summary.trades} trades of ${options.coin} in ${summary.seconds.toFixed(1)} s: ${summary.bytes} bytes to ${summary.path} (stopped by ${summary.stoppedBy})`,
      );
    });
}
