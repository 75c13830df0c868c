/**
 * The `livetune` command tree (commander): global options, every subcommand, help with the
 * environment variables and exit codes. Output goes to the injected streams; commander never exits
 * the process (exitOverride), so `main` decides the exit code.
 */
import { Command } from 'commander';
import pkg from '../package.json' with { type: 'json' };
import { addApplyCommand } from './commands/apply.ts';
import { addBacktestCommand } from './commands/backtest.ts';
import { addCompareCommand } from './commands/compare.ts';
import { addDiffCommand } from './commands/diff.ts';
import { addEditCommand } from './commands/edit.ts';
import { addFleetCommand } from './commands/fleet.ts';
import { addGetCommands } from './commands/get.ts';
import { addHistoryCommand } from './commands/history.ts';
import { addHyperliquidCommand } from './commands/hyperliquid.ts';
import { addPerfCommand } from './commands/perf.ts';
import { addKeysCommand } from './commands/keys.ts';
import { addPolicyCommand } from './commands/policy.ts';
import { addQuoteCommand } from './commands/quote.ts';
import { addRecordCommand } from './commands/record.ts';
import { addRollbackCommand } from './commands/rollback.ts';
import { addRolloutCommand } from './commands/rollout.ts';
import { addRunCommand } from './commands/run.ts';
import { addSchemaCommand } from './commands/schema.ts';
import { addSetCommand } from './commands/set.ts';
import { addSensitivityCommand } from './commands/sensitivity.ts';
import { addSetsCommand } from './commands/sets.ts';
import { addSweepCommand } from './commands/sweep.ts';
import { addWatchCommand } from './commands/watch.ts';
import type { CliDeps } from './command-context.ts';
import { EXIT_CODES_HELP } from './exit-codes.ts';
import { terminalSafe } from './terminal-safe.ts';

const ENV_HELP = `Environment:
  LIVETUNE_URL    edge base URL (--url)
  LIVETUNE_TOKEN  bearer token (--token); never printed
  LIVETUNE_SET    param set (--set)
  LIVETUNE_SIGNING_KEY  private key file that signs every write (--key)
  VISUAL, EDITOR  the editor of "livetune edit"`;

const EXAMPLES = `Examples:
  livetune get --set hype-perp
  livetune set skew_adjustment_factor=0.8 trading_mode=reduce_only -m "inventory too long" --set hype-perp
  livetune history --set hype-perp
  livetune rollback 3 -m "undo the widening" --set hype-perp
  livetune perf --by region --since 2h --set hype-perp
  livetune compare 7 8 --set hype-perp
  livetune set order_size=3 -m "new lot size" --force "venue lot changed 10x" --set hype-perp
  livetune policy set max_order_size=5 -m "room for the new lot size" --set hype-perp   (admin token)`;

export function buildProgram(deps: CliDeps, runnerArgs: () => string[]): Command {
  const { io } = deps;
  const program = new Command('livetune')
    .description('Operate livetune: read, change, audit and roll back the params of a set; watch the fleet.')
    .version(pkg.version, '-V, --version', 'print the version of livetune')
    .option('--url <url>', 'edge base URL (default: $LIVETUNE_URL)')
    .option('--token <token>', 'bearer token (default: $LIVETUNE_TOKEN, preferred: a flag shows in ps; never printed)')
    .option('--set <name>', 'param set (default: $LIVETUNE_SET)')
    .option('--json', 'machine-readable output on stdout (errors as JSON on stderr)')
    .option('--timeout <ms>', 'deadline of each request in milliseconds (default: 10000)')
    .configureOutput({
      // Commander echoes what was typed ("unknown option …"): through the same gate as everything else.
      writeOut: (s) => void io.stdout.write(terminalSafe(s, 'text')),
      writeErr: (s) => void io.stderr.write(terminalSafe(s, 'text')),
    })
    .exitOverride()
    .showHelpAfterError('(add --help for usage)')
    .addHelpText('after', `\n${ENV_HELP}\n\n${EXIT_CODES_HELP}\n\n${EXAMPLES}\n`);

  addGetCommands(program, deps);
  addSetCommand(program, deps);
  addApplyCommand(program, deps);
  addEditCommand(program, deps);
  addHistoryCommand(program, deps);
  addDiffCommand(program, deps);
  addRollbackCommand(program, deps);
  addSetsCommand(program, deps);
  addFleetCommand(program, deps);
  addPerfCommand(program, deps);
  addCompareCommand(program, deps);
  addWatchCommand(program, deps);
  addPolicyCommand(program, deps);
  addKeysCommand(program, deps);
  addRolloutCommand(program, deps);
  addSchemaCommand(program, deps);
  addQuoteCommand(program, deps);
  addBacktestCommand(program, deps);
  addRecordCommand(program, deps);
  addHyperliquidCommand(program, deps);
  addSweepCommand(program, deps);
  addSensitivityCommand(program, deps);
  addRunCommand(program, deps, runnerArgs);
  return program;
}
