/**
 * `rollout`: give a change to part of the fleet first (docs/ROLLOUTS.md).
 *   rollout start key=value… -m why --stage region=eu-west-1:10m --stage 50%:30m --guard 'drawdown<=20'
 *   rollout status [id]        (default: the newest rollout)
 *   rollout promote <id> [-m]  (the next stage now; after the last one the candidate is the head)
 *   rollout abort <id> [-m]    (a rollback version at once, for every runner)
 *   rollout list
 */
import type { Command } from 'commander';
import { applyMergePatch } from '../../shared/merge-patch.ts';
import type { RolloutRequestInput } from '../../shared/rollout.ts';
import { signRollout } from '../../shared/signing/sign-rollout.ts';
import { validateParams } from '../../shared/validate-params.ts';
import { commandContext, type CliDeps, type CommandContext } from '../command-context.ts';
import { formatTable, formatTime } from '../format-table.ts';
import { describeRunners, formatRollout } from '../format-rollout.ts';
import { parseAssignments } from '../parse-assignments.ts';
import { parseGuard, parseStage } from '../parse-rollout-flags.ts';
import { UsageError } from '../usage-error.ts';
import { SIGNING_KEY_ENV, signingKeyFrom } from '../signing-key.ts';
import { parseMessage } from '../write-options.ts';

interface StartOptions {
  message: string;
  stage: string[];
  guard: string[];
  onBreach: string;
  /** `--key FILE`: sign the candidate and its rollback (else `LIVETUNE_SIGNING_KEY`, else unsigned). */
  key?: string;
}

/**
 * The signatures of a rollout of `patch` started on the set's current version, and the If-Match that
 * pins it there; nothing when no key is given. The rollback is signed too: the hub makes it on its
 * own after a breach or an abort, and runners that require signatures must be able to apply it.
 */
async function signedStart(
  ctx: CommandContext,
  set: string,
  patch: Record<string, unknown>,
  message: string,
  key: string | undefined,
): Promise<{ body: Pick<RolloutRequestInput, 'signature' | 'rollback_signature'>; ifMatch?: string }> {
  const signer = await signingKeyFrom(key, ctx.io.env);
  if (signer === undefined) return { body: {} };
  const current = await ctx.client().current(set);
  ctx.scope.readVersion = current.version.version;
  const validation = validateParams(applyMergePatch(current.version.params, patch));
  if (!validation.ok)
    throw new UsageError('a signed rollout needs a document this CLI can validate (nothing was sent)', validation.issues);
  const body = await signRollout({ set, head: current.version, params: validation.params, message }, signer);
  return { body, ifMatch: current.etag };
}

const collect = (value: string, previous: string[]) => [...previous, value];

function show(ctx: CommandContext, rollout: Parameters<typeof formatRollout>[0]): void {
  if (ctx.json) ctx.outJson({ rollout });
  else ctx.out(formatRollout(rollout, ctx.now()));
}

const ROLLOUT_ID = /^r[0-9]{1,12}$/;
function rolloutId(text: string): string {
  if (!ROLLOUT_ID.test(text))
    throw new UsageError(`rollout id ${JSON.stringify(text)}: expected r and a version number, e.g. r7`);
  return text;
}

export function addRolloutCommand(program: Command, deps: CliDeps): void {
  const rollout = program.command('rollout').description('give a change to part of the fleet first, guarded by trading figures');

  rollout
    .command('start')
    .description('start a staged rollout of key=value changes (a candidate version only the stages get)')
    .argument('<key=value...>', 'the change, as for `livetune set`')
    .requiredOption('-m, --message <why>', 'why this change (required: it is the audit trail)')
    .option('--stage <runners:bake>', 'a stage: region=R[,R]:10m, ids=A[,B]:5m or 25%:30m (repeat, in order)', collect, [])
    .option(
      '--guard <rule>',
      "a guardrail: 'drawdown<=20', 'inventory<=0.8', 'markout_5s>=control-0.5', 'nacks<=0', 'errors<=0'; @N: after N fills",
      collect,
      [],
    )
    .option('--on-breach <what>', 'rollback (default) or pause', 'rollback')
    .option(
      '--key <file>',
      `sign the candidate and its rollback with this private key file (default: $${SIGNING_KEY_ENV}; docs/SIGNING.md)`,
    )
    .action(async (assignments: string[], options: StartOptions, command: Command) => {
      const ctx = commandContext(command, deps);
      const params = parseAssignments(assignments);
      const message = parseMessage(options.message);
      if (options.stage.length === 0)
        throw new UsageError('a rollout needs at least one --stage, e.g. --stage region=eu-west-1:10m --stage 100%:30m');
      if (options.onBreach !== 'rollback' && options.onBreach !== 'pause')
        throw new UsageError(`--on-breach ${JSON.stringify(options.onBreach)}: expected rollback or pause`);
      const stages = options.stage.map(parseStage);
      const guardrails = options.guard.map(parseGuard);
      const set = ctx.set();
      ctx.scope.write = true;
      const signed = await signedStart(ctx, set, params, message, options.key);
      const body: RolloutRequestInput = { params, message, stages, guardrails, on_breach: options.onBreach, ...signed.body };
      const started = await ctx.client().startRollout(set, body, signed.ifMatch !== undefined ? { ifMatch: signed.ifMatch } : {});
      if (!ctx.json)
        ctx.note(
          `started rollout ${started.id}: v${started.version} goes to ${describeRunners(started.stages[0]!.runners)} first; every other runner stays on v${started.base}`,
        );
      show(ctx, started);
    });

  rollout
    .command('status')
    .description("a rollout's state, who has the candidate, each guardrail against its threshold, and its decisions")
    .argument('[id]', 'the rollout, e.g. r7 (default: the newest)')
    .action(async (id: string | undefined, _options: unknown, command: Command) => {
      const ctx = commandContext(command, deps);
      const set = ctx.set();
      const client = ctx.client();
      if (id !== undefined) return show(ctx, await client.getRollout(set, rolloutId(id)));
      const newest = (await client.listRollouts(set, 1)).rollouts[0];
      if (newest === undefined) {
        if (ctx.json) ctx.outJson({ rollout: null });
        else ctx.out(`set ${set} has had no rollout\n`);
        return;
      }
      show(ctx, newest);
    });

  rollout
    .command('list')
    .description("the set's rollouts, newest first")
    .action(async (_options: unknown, command: Command) => {
      const ctx = commandContext(command, deps);
      const list = await ctx.client().listRollouts(ctx.set(), 20);
      if (ctx.json) return ctx.outJson(list);
      ctx.out(
        formatTable(
          ['ID', 'VERSION', 'STATE', 'STAGE', 'STARTED', 'BY', 'MESSAGE'],
          list.rollouts.map((r) => [
            r.id,
            `v${r.version}`,
            r.state,
            `${r.stage + 1}/${r.stages.length}`,
            formatTime(r.created_at),
            r.author,
            r.message,
          ]),
        ),
      );
    });

  for (const action of ['promote', 'abort'] as const) {
    rollout
      .command(action)
      .description(
        action === 'promote'
          ? 'move a rollout to its next stage now (after the last stage, the candidate becomes the head)'
          : 'end a rollout now: a rollback version reaches every runner at once',
      )
      .argument('<id>', 'the rollout, e.g. r7')
      .option('-m, --message <why>', 'why (kept in the rollout events)')
      .action(async (id: string, options: { message?: string }, command: Command) => {
        const ctx = commandContext(command, deps);
        const body = options.message === undefined ? {} : { message: parseMessage(options.message) };
        show(ctx, await ctx.client().decideRollout(ctx.set(), rolloutId(id), action, body));
      });
  }
}
