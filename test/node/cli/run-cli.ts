/** Runs the CLI in-process with captured output, as `livetune <argv…>` would run. */
import type { CliIo } from '../../../cli/cli-io.ts';
import { main } from '../../../cli/main.ts';
import { systemClock } from '../../../shared/clock.ts';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(argv: string[], env: Record<string, string | undefined>, io: Partial<CliIo> = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env,
    // A fixed "now" for the "5s ago" columns; waits are real (the fake edge answers on loopback).
    clock: { now: () => Date.UTC(2026, 10, 24, 15, 1, 0), sleep: systemClock.sleep },
    confirm: async () => false,
    ...io,
  });
  return { code, stdout, stderr };
}
