/**
 * The `livetune` command as a real process (bin/livetune.mjs), started through the process harness
 * so a test that fails midway still leaves nothing running: `stopAllClis()` in `afterEach`.
 */
import { fileURLToPath } from 'node:url';
import { startProcess, type ManagedProcess } from '../../../tools/managed-process.ts';

export const BIN = fileURLToPath(new URL('../../../bin/livetune.mjs', import.meta.url));

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliProcess {
  process: ManagedProcess;
  /** Resolves once it exited and its output is read. */
  done: Promise<CliRun>;
}

const started = new Set<ManagedProcess>();

/** Starts `node bin/livetune.mjs …args` with `env` (the whole environment) under `node` (default: this Node). */
export function startCli(
  args: string[],
  { env, node = process.execPath }: { env: NodeJS.ProcessEnv; node?: string },
): CliProcess {
  const child = startProcess('livetune', node, [BIN, ...args], { env });
  started.add(child);
  const done = child.exited.then(({ code }) => {
    started.delete(child);
    return { code, stdout: child.output('stdout'), stderr: child.output('stderr') };
  });
  return { process: child, done };
}

/** Kills every CLI process still running (for `afterEach`). */
export async function stopAllClis(): Promise<void> {
  await Promise.all([...started].map((child) => child.kill()));
  started.clear();
}
