/** `schema`: the JSON Schema of the params document (for editors and other tools). */
import type { Command } from 'commander';
import { paramsJsonSchema } from '../../shared/json-schema.ts';
import { commandContext, type CliDeps } from '../command-context.ts';

export function addSchemaCommand(program: Command, deps: CliDeps): void {
  program
    .command('schema')
    .description('print the JSON Schema of the params document (always JSON)')
    .option('--local', 'the schema this CLI was built with, without asking the edge')
    .action(async (options: { local?: boolean }, command: Command) => {
      const ctx = commandContext(command, deps);
      ctx.outJson(options.local ? paramsJsonSchema() : await ctx.client().schema());
    });
}
