/**
 * `quote --state '{…}'`: what the engine would quote for a hypothetical market state, using the very
 * function the engine runs (`quoteWhatIf`), with params from a file or the set's current version.
 */
import type { Command } from 'commander';
import { z } from 'zod';
import type { Params } from '../../shared/params-schema.ts';
import { commandContext, type CliDeps, type CommandContext } from '../command-context.ts';
import { loadDocumentFile } from '../load-document.ts';
import { UsageError } from '../usage-error.ts';

const finite = z.number();
const WhatIfStateSchema = z.strictObject({
  mid: finite.positive(),
  inventory: finite,
  adverse_selection: finite.min(-1).max(1),
  spread_bps: finite.nonnegative().optional(),
  imbalance: finite.min(0).max(1).optional(),
});

const MarketSchema = z.strictObject({ tick: finite.positive(), lot: finite.positive() });

function parseJsonFlag<S extends z.ZodType>(schema: S, text: string, flag: string, example: string): z.output<S> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new UsageError(`${flag} is not JSON: expected e.g. ${example}`);
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || flag}: ${i.message}`).join('; ');
    throw new UsageError(`${flag} ${text}: ${problems} (expected e.g. ${example})`);
  }
  return result.data;
}

async function quoteParams(ctx: CommandContext, file: string | undefined): Promise<Params> {
  if (file === undefined) return (await ctx.client().current(ctx.set())).version.params;
  return (await loadDocumentFile(file, '--params')).params;
}

export function addQuoteCommand(program: Command, deps: CliDeps): void {
  program
    .command('quote')
    .description("print the engine's control vector and quotes for a hypothetical state (JSON)")
    .requiredOption(
      '--state <json>',
      'e.g. \'{"mid":25,"inventory":1.2,"adverse_selection":-0.3,"spread_bps":4,"imbalance":0.4}\'',
    )
    .option('--params <file>', "params document to use (default: the set's current version)")
    .option('--market <json>', 'price and size steps', '{"tick":0.001,"lot":0.01}')
    .action(async (options: { state: string; params?: string; market: string }, command: Command) => {
      const ctx = commandContext(command, deps);
      const state = parseJsonFlag(WhatIfStateSchema, options.state, '--state', '{"mid":25,"inventory":0,"adverse_selection":0}');
      const market = parseJsonFlag(MarketSchema, options.market, '--market', '{"tick":0.001,"lot":0.01}');
      const params = await quoteParams(ctx, options.params);
      const { quoteWhatIf } = await import('../../engine/strategy/quote-what-if.ts');
      ctx.outJson(quoteWhatIf(params, state, market));
    });
}
