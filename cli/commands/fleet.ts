/**
 * `fleet`: which runner in which region runs which version, and how it is trading. Each runner's
 * STATUS is the edge's: `live`, `silent` (no report for two heartbeats) or `stopped` (said goodbye);
 * the counts in the header ("N live on vX") count only the live.
 */
import type { Command } from 'commander';
import type { Fleet, FleetEntry } from '../../shared/api.ts';
import { commandContext, type CliDeps } from '../command-context.ts';
import { formatAge, formatNumber, formatTable } from '../format-table.ts';
import { terminalSafe } from '../terminal-safe.ts';

function appliedCell(runner: FleetEntry, head: number): string {
  if (runner.applied_version === null) return 'none';
  return runner.applied_version < head ? `v${runner.applied_version} (behind v${head})` : `v${runner.applied_version}`;
}

function stateCell(runner: FleetEntry): string {
  return runner.rejected ? `${runner.sync_state}, rejected v${runner.rejected.version}` : runner.sync_state;
}

export function formatFleet(fleet: Fleet, now: number): string {
  const rows = fleet.runners.map((r) => [
    r.runner_id,
    r.region,
    appliedCell(r, fleet.version),
    stateCell(r),
    formatAge(r.params_age_s),
    `${formatAge((now - Date.parse(r.last_seen)) / 1000)} ago`,
    formatNumber(r.trading?.inventory),
    formatNumber(r.trading?.pnl),
    r.status ?? 'live',
  ]);
  const live = fleet.runners.filter((r) => (r.status ?? 'live') === 'live');
  const count = (status: string) => fleet.runners.filter((r) => (r.status ?? 'live') === status).length;
  const onHead = live.filter((r) => r.applied_version === fleet.version).length;
  const header =
    `${fleet.set} is at v${fleet.version}; ${fleet.runners.length} runner${fleet.runners.length === 1 ? '' : 's'}: ` +
    `${live.length} live (${onHead} on v${fleet.version}), ${count('silent')} silent, ${count('stopped')} stopped`;
  const table = formatTable(
    ['RUNNER', 'REGION', 'APPLIED', 'STATE', 'PARAMS AGE', 'LAST SEEN', 'INVENTORY', 'P&L', 'STATUS'],
    rows,
  );
  const rejected = fleet.runners
    .filter((r) => r.rejected)
    .map((r) => terminalSafe(`${r.runner_id} rejected v${r.rejected!.version}: ${r.rejected!.reason}`));
  return [header, '', table, ...rejected].join('\n');
}

export function addFleetCommand(program: Command, deps: CliDeps): void {
  program
    .command('fleet')
    .description('list the runners of the set: region, applied version, sync state, inventory, P&L')
    .action(async (_options: object, command: Command) => {
      const ctx = commandContext(command, deps);
      const fleet = await ctx.client().fleet(ctx.set());
      if (ctx.json) return ctx.outJson(fleet);
      ctx.out(
        fleet.runners.length === 0
          ? `${fleet.set} is at v${fleet.version}; no runner has reported yet`
          : formatFleet(fleet, ctx.now()),
      );
    });
}
