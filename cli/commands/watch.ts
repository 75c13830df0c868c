/**
 * `watch`: prints each new version of the set as it lands. WebSocket push first, on the client's
 * reconnecting watch socket (as a viewer: it never ACKs); if the socket cannot be opened, long-poll
 * with If-None-Match. Versions a push skipped (after a reconnect) are fetched, so the output has no
 * gaps. Every retry waits the one backoff (full jitter, Retry-After wins) on the injected clock.
 * Rollout decisions (stage, breach, rollback, promotion) are printed as they are made
 * (`follow-rollout-events.ts`).
 */
import type { Command } from 'commander';
import { DEFAULT_BACKOFF, retryDelay } from '../../client/backoff.ts';
import { EdgeError } from '../../client/edge-errors.ts';
import type { ReceivedVersion } from '../../client/received-version.ts';
import type { WebSocketConstructor } from '../../client/reconnecting-socket.ts';
import { watchSocket } from '../../client/watch-socket.ts';
import type { Version } from '../../shared/api.ts';
import { diffParams } from '../../shared/merge-patch.ts';
import { commandContext, type CliDeps, type CommandContext } from '../command-context.ts';
import { followRolloutEvents } from '../follow-rollout-events.ts';
import { formatChanges, versionSummary } from '../format-version.ts';
import { parsePositiveInt } from '../parse-version-arg.ts';

/** Long-poll hold, in seconds (the edge allows up to 60). */
const WAIT_S = 30;

interface WatchOptions {
  count?: string;
  poll?: boolean;
}

function seconds(ms: number): string {
  return `${Math.round(ms / 1000)}s`;
}

/** Versions as they land, and alongside them the decisions of the set's rollouts. */
async function watch(ctx: CommandContext, options: WatchOptions): Promise<void> {
  const stopFollowing = new AbortController();
  const signal = ctx.io.signal ? AbortSignal.any([stopFollowing.signal, ctx.io.signal]) : stopFollowing.signal;
  const following = followRolloutEvents(ctx, ctx.set(), signal);
  try {
    await watchVersions(ctx, options);
  } finally {
    stopFollowing.abort();
    await following;
  }
}

async function watchVersions(ctx: CommandContext, options: WatchOptions): Promise<void> {
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
    if (ctx.json) ctx.outJsonLine(version);
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
  /** A viewer has no verdict to send back: always undefined. */
  const onPush = async (received: ReceivedVersion, tag: string): Promise<undefined> => {
    if (received.kind === 'valid') await advanceTo(received.version, tag);
    else ctx.note(`ignored a pushed version the edge should not have sent: ${received.reason}`);
    return undefined;
  };

  if (!options.poll) {
    const end = await watchSocket({
      ...client.watchTarget(set),
      set,
      ack: { kind: 'viewer' },
      WebSocket: ctx.io.WebSocket ?? ((await import('ws')).WebSocket as unknown as WebSocketConstructor),
      clock: ctx.clock,
      onVersion: onPush,
      onFailure: ({ error, opened, delayMs }) => {
        // A socket that did not open this time may never open (a proxy without WebSocket): long-poll.
        if (!opened || !error.retryable) return 'stop';
        ctx.note(`${error.message}; reconnecting in ${seconds(delayMs)}`);
        return 'retry';
      },
    }).run(signal);
    if (end.kind === 'stopped') return;
    if (end.opened) throw end.error;
    ctx.note('WebSocket unavailable; long-polling instead');
  }

  let attempt = 0;
  while (!signal.aborted) {
    try {
      const read = await client.getParams(set, { ifNoneMatch: etag, waitS: WAIT_S, signal });
      if (read.kind === 'changed') await advanceTo(read.version, read.etag);
      attempt = 0;
    } catch (error) {
      if (signal.aborted) break;
      if (error instanceof EdgeError && !error.retryable) throw error;
      const retryAfterMs = error instanceof EdgeError ? error.retryAfterMs : undefined;
      const delayMs = retryDelay(retryAfterMs, attempt++, DEFAULT_BACKOFF, Math.random);
      ctx.note(`${error instanceof Error ? error.message : String(error)}; retrying in ${seconds(delayMs)}`);
      await ctx.clock.sleep(delayMs, signal).catch(() => {});
    }
  }
}

export function addWatchCommand(program: Command, deps: CliDeps): void {
  program
    .command('watch')
    .description(
      "print each new version of the set as it lands (WebSocket, else long-poll), and each decision of the set's rollouts; --json prints one JSON line per version or rollout event",
    )
    .option('--count <n>', 'stop after n new versions')
    .option('--poll', 'long-poll only (no WebSocket)')
    .action(async (options: WatchOptions, command: Command) => watch(commandContext(command, deps), options));
}
