/**
 * The params a backtest or a sweep runs: `--params FILE`, or the live set's version (`--set`, with
 * `--at-version N` or the head), validated by the shared schema either way. Without both, `fallback`
 * (the sweep uses the defaults; the backtest asks for one of them).
 */
import { type Params, ParamsSchema } from '../shared/params-schema.ts';
import type { CommandContext } from './command-context.ts';
import { loadDocumentFile } from './load-document.ts';
import { parseVersionArg } from './parse-version-arg.ts';
import { UsageError } from './usage-error.ts';

export interface ParamsSourceFlags {
  params?: string;
  version?: string;
}

export async function resolveBacktestParams(
  ctx: CommandContext,
  flags: ParamsSourceFlags,
  hasSet: boolean,
  fallback?: Params,
): Promise<{ params: Params; source: string; version?: number }> {
  if (flags.params !== undefined) {
    if (flags.version !== undefined)
      throw new UsageError('--params and --at-version: give one of them (--at-version reads the live set)');
    return { params: (await loadDocumentFile(flags.params, '--params')).params, source: flags.params };
  }
  if (hasSet || flags.version !== undefined) {
    const set = ctx.set();
    const client = ctx.client();
    const version =
      flags.version === undefined
        ? (await client.current(set)).version
        : await client.getVersion(set, parseVersionArg(flags.version));
    const parsed = ParamsSchema.safeParse(version.params);
    if (!parsed.success)
      throw new UsageError(
        `${set} v${version.version}: its params do not pass this CLI's schema (${parsed.error.issues[0]!.message})`,
      );
    return { params: parsed.data, source: `${set} v${version.version}`, version: version.version };
  }
  if (fallback !== undefined) return { params: fallback, source: 'defaults' };
  throw new UsageError('no params: pass --params FILE, or --set NAME (and --at-version N) to backtest a live version');
}
