/**
 * `watch`'s second stream: the decisions of the set's rollouts (stage changes, breaches, rollbacks,
 * promotions), printed as they are made. Rollout events are not pushed on the watch socket (it
 * carries versions only), so the newest rollout is polled every `intervalMs` on the injected clock;
 * a rollout in flight when watching starts is printed from its first event, an ended one not at all. An edge without
 * rollouts (404) ends this stream quietly; other failures are retried at the next interval.
 */
import { EdgeError, NotFoundError } from '../client/edge-errors.ts';
import { isActiveRollout } from '../shared/rollout.ts';
import type { CommandContext } from './command-context.ts';
import { formatRolloutEvent } from './format-rollout.ts';

export async function followRolloutEvents(
  ctx: CommandContext,
  set: string,
  signal: AbortSignal,
  { intervalMs = 2000 }: { intervalMs?: number } = {},
): Promise<void> {
  const client = ctx.client();
  /** Events seen per rollout id; a rollout seen for the first time mid-watch prints from its start. */
  const seen = new Map<string, number>();
  let first = true;
  while (!signal.aborted) {
    try {
      const { rollouts } = await client.listRollouts(set, 2, { signal });
      for (const rollout of [...rollouts].reverse()) {
        // At the start, a rollout in flight is told from its beginning; an ended one is history.
        const from = seen.get(rollout.id) ?? (first && !isActiveRollout(rollout.state) ? rollout.events.length : 0);
        for (const event of rollout.events.slice(from)) {
          if (ctx.json) ctx.outJsonLine({ rollout: rollout.id, version: rollout.version, event });
          else ctx.out(`${formatRolloutEvent(rollout, event)}\n`);
        }
        seen.set(rollout.id, rollout.events.length);
      }
      first = false;
    } catch (error) {
      if (signal.aborted) return;
      if (error instanceof NotFoundError) return;
      if (!(error instanceof EdgeError) || !error.retryable) return;
    }
    await ctx.clock.sleep(intervalMs, signal).catch(() => {});
  }
}
