/**
 * `watch`: prints each new version of the set as it lands. WebSocket push first (reconnecting after a
 * session that worked); if the socket cannot be opened, long-poll with If-None-Match. Versions a
 * push skipped (after a reconnect) are fetched, so the output has no gaps.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Command } from 'commander';
import type { Version } from '../../shared/api.ts';
import { diffParams } from '../../shared/merge-patch.ts';
import { EdgeError } from '../../client/edge-errors.ts';
import { commandContext, type CliDeps, type CommandContext } from '../command-context.ts';
import { formatChanges, versionSummary } from '../format-version.ts';
import { parsePositiveInt } from '../parse-version-arg.ts';
import { watchSocket } from '../../client/watch-socket.ts';

/** Long-poll hold, in seconds (the edge allows up to 60). */
const WAIT_S = 30;

interface WatchOptions {
  count?: string;
  poll?: boolean;
}

async function pause(ms: number, signal: AbortSignal): Promise<void> {
  await sleep(ms, undefined, { signal }).catch(() => {});
}

async function watch(ctx: CommandContext, options: WatchOptions): Promise<void> {
  const set = ctx.set();
  const client = ctx.client();
  const limit = options.count === undefined ? Infinity : parsePositiveInt(options.count, '--count');
  const stopper = new AbortController();
  const signal = ctx.io.signal ? AbortSignal.any([stopper.signal, ctx.io.signal]) : stopper.signal;
  const start = await client.current(set, { signal });
  let last: Version = start.version;
  let etag = start.etag;
  let printed = 0;
  ctx.note(`watching ${set} from v${last.version} (Ctrl-C to stop)`);

  const print = (version: Version) => {
    if (ctx.json) ctx.io.stdout.write(`${JSON.stringify(version)}\n`);
    else ctx.out(`${versionSummary(version)}\n${formatChanges(diffParams(last.params, version.params))}`);
    last = version;
    if (++printed >= limit) stopper.abort();
  };
  /** Prints every version after the last printed one up to `version`, fetching any that were skipped. */
  const advanceTo = async (version: Version, tag: string) => {
    if (version.version <= last.version) return;
    for (let n = last.version + 1; n < version.version && !signal.aborted; n++)
      print(await client.getVersion(set, n, { signal }));
    if (!signal.aborted) print(version);
    etag = tag;
  };
  const catchUp = async () => {
    const read = await client.getParams(set, { ifNoneMatch: etag, signal });
    if (read.kind === 'changed') await advanceTo(read.version, read.etag);
  };

  let failures = 0;
  let socketWorks = !options.poll;
  while (!signal.aborted) {
    try {
      if (socketWorks) {
        const end = await watchSocket({ ...client.watchTarget(set), signal, onVersion: advanceTo, WebSocket: ctx.io.WebSocket });
        if (end === 'unavailable') {
          socketWorks = false;
          ctx.note('WebSocket unavailable; long-polling instead');
        } else if (end === 'closed') {
          await pause(1000, signal);
        }
        if (!signal.aborted) await catchUp();
      } else {
        const read = await client.getParams(set, { ifNoneMatch: etag, waitS: WAIT_S, signal });
        if (read.kind === 'changed') await advanceTo(read.version, read.etag);
      }
      failures = 0;
    } catch (error) {
      if (signal.aborted) break;
      if (error instanceof EdgeError && !error.retryable) throw error;
      failures += 1;
      const delayMs = Math.min(30_000, 500 * 2 ** failures);
      ctx.note(`${error instanceof Error ? error.message : String(error)}; retrying in ${Math.round(delayMs / 1000)}s`);
      await pause(delayMs, signal);
    }
  }
}

export function addWatchCommand(program: Command, deps: CliDeps): void {
  program
    .command('watch')
    .description(
      'print each new version of the set as it lands (WebSocket, else long-poll); --json prints one JSON line per version',
    )
    .option('--count <n>', 'stop after n new versions')
    .option('--poll', 'long-poll only (no WebSocket)')
    .action(async (options: WatchOptions, command: Command) => watch(commandContext(command, deps), options));
}
