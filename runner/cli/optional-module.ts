/**
 * Loads a module of another part of livetune only when a subcommand needs it, so a missing or
 * broken part (backtest, runner) never stops the rest of the CLI from working.
 */

/** The module at `path` (relative to runner/), or an error saying the subcommand is not available. */
export async function loadRunnerModule(path: string, feature: string): Promise<Record<string, unknown>> {
  const url = new URL(`../${path}`, import.meta.url).href;
  try {
    return (await import(url)) as Record<string, unknown>;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND') throw new Error(`livetune ${feature} is not available yet: runner/${path} is missing from this build`);
    throw error;
  }
}

/** An export of that module that must be a function. */
export function requireFunction<F>(module: Record<string, unknown>, name: string, feature: string): F {
  const value = module[name];
  if (typeof value !== 'function') throw new Error(`livetune ${feature} is not available yet: ${name}() is not exported`);
  return value as F;
}
