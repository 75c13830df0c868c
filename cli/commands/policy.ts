/**
 * `policy`: what any write to the set may do — hard caps on the sizes, the step limit, signing —
 * `policy set key=value… -m why` to change it (admin token; compare-and-swap on the policy read
 * just before), `policy history` for who changed it, when and why.
 */
import type { Command } from 'commander';
import { formatValue, type FieldIssue } from '../../shared/api-error.ts';
import { POLICY_KEYS, type PolicyVersion, type SetPolicy, SetPolicySchema } from '../../shared/policy-schema.ts';
import { commandContext, type CliDeps, type CommandContext } from '../command-context.ts';
import { formatTable, formatTime } from '../format-table.ts';
import { parseValue } from '../parse-assignments.ts';
import { approvalsFor } from '../policy-approvals.ts';
import { UsageError } from '../usage-error.ts';
import { parseMessage } from '../write-options.ts';

const MEANING: Record<keyof SetPolicy, string> = {
  max_order_size: 'hard cap on order_size: no write passes it, forced or not',
  max_max_position: 'hard cap on max_position: no write passes it, forced or not',
  max_step_ratio: 'largest change of a size in one write (×); a larger one needs --force "why"',
  signatures: 'whether every write must be signed by a trusted key (the edge refuses unsigned ones)',
  keys: 'trusted public keys (name, public_key)',
  threshold: 'approvals by current keys needed to change keys, threshold or signatures',
};

function summary(p: PolicyVersion): string {
  if (p.version === 0) return `${p.set} policy v0 · the default (no admin has written one)`;
  return `${p.set} policy v${p.version} · by ${p.author} at ${formatTime(p.created_at)}: "${p.message}"`;
}

function formatPolicy(p: PolicyVersion): string {
  const rows = POLICY_KEYS.map((key) => {
    const value = p.policy[key];
    const shown =
      key === 'keys' ? (p.policy.keys.length === 0 ? '(none)' : p.policy.keys.map((k) => k.name).join(', ')) : formatValue(value);
    return [key, shown, MEANING[key]];
  });
  return `${summary(p)}\n\n${formatTable(['KEY', 'VALUE', 'MEANING'], rows)}`;
}

/** `key=value …` over the current policy; every key and the result checked before anything is sent. */
function assignPolicy(current: SetPolicy, args: readonly string[]): SetPolicy {
  if (args.length === 0)
    throw new UsageError('nothing to set: give one or more key=value, e.g. livetune policy set max_order_size=2 -m "why"');
  const next: Record<string, unknown> = { ...current };
  const issues: FieldIssue[] = [];
  for (const arg of args) {
    const eq = arg.indexOf('=');
    const key = eq > 0 ? arg.slice(0, eq).trim() : '';
    if (!key) throw new UsageError(`"${arg}" is not key=value (e.g. max_order_size=2)`);
    if (!(POLICY_KEYS as string[]).includes(key)) {
      const expected = `one of ${POLICY_KEYS.join(', ')}`;
      issues.push({
        field: key,
        value: arg.slice(eq + 1),
        expected,
        message: `unknown policy key "${key}": expected ${expected}`,
      });
      continue;
    }
    next[key] = parseValue(arg.slice(eq + 1));
  }
  if (issues.length > 0) throw new UsageError('invalid policy (nothing was sent)', issues);
  const parsed = SetPolicySchema.safeParse(next);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => {
      const field = issue.path.map(String).join('.') || '(policy)';
      const value = issue.path.length > 0 ? next[String(issue.path[0])] : next;
      return { field, value, expected: issue.message, message: `${field}: ${issue.message}` };
    });
    throw new UsageError('invalid policy (nothing was sent)', fields);
  }
  return parsed.data;
}

async function showPolicy(ctx: CommandContext): Promise<void> {
  const { policy, etag } = await ctx.client().getPolicy(ctx.set());
  if (ctx.json) return ctx.outJson({ ...policy, etag });
  ctx.out(formatPolicy(policy));
}

export function addPolicyCommand(program: Command, deps: CliDeps): void {
  const policy = program
    .command('policy')
    .description("show the set's policy: caps on order_size and max_position, the step limit, signing")
    .action(async (_options: object, command: Command) => showPolicy(commandContext(command, deps)));

  policy
    .command('set')
    .description('change some policy keys (admin token); values are JSON or bare words')
    .argument('<key=value...>', 'e.g. max_order_size=2 max_step_ratio=3 signatures=optional')
    .requiredOption('-m, --message <why>', 'why this change (required: it is the audit trail)')
    .option(
      '--key <file>',
      'approve a change of keys, threshold or signatures with this current key (repeat once per approver)',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .action(async (assignments: string[], options: { message: string; key?: string[] }, command: Command) => {
      const ctx = commandContext(command, deps);
      const message = parseMessage(options.message);
      const set = ctx.set();
      const client = ctx.client();
      ctx.scope.write = true;
      ctx.scope.admin = true;
      const current = await client.getPolicy(set);
      const next = assignPolicy(current.policy.policy, assignments);
      const approvals = await approvalsFor(ctx, current.policy, next, options.key ?? []);
      const written = await client.putPolicy(set, { ...next, message, ...(approvals ? { approvals } : {}) }, current.etag);
      if (ctx.json)
        return ctx.outJson({ ...written.policy, etag: written.etag, ...(written.unchanged ? { unchanged: true } : {}) });
      if (written.unchanged) return ctx.out(`${set} policy is already so (v${written.policy.version}); no version was made`);
      ctx.out(`${formatPolicy(written.policy)}(was v${current.policy.version})`);
    });

  policy
    .command('history')
    .description("who changed the set's policy, when and why (newest first)")
    .action(async (_options: object, command: Command) => {
      const ctx = commandContext(command, deps);
      const history = await ctx.client().policyHistory(ctx.set());
      if (ctx.json) return ctx.outJson(history);
      const rows = history.versions.map((p) => [
        `v${p.version}`,
        p.author ?? '-',
        formatTime(p.created_at),
        `order≤${p.policy.max_order_size} pos≤${p.policy.max_max_position} step≤${p.policy.max_step_ratio}×`,
        p.message ?? '(the default)',
      ]);
      ctx.out(formatTable(['VERSION', 'AUTHOR', 'TIME', 'CAPS', 'MESSAGE'], rows));
    });
}
