/**
 * Entry of the `livetune` CLI. `main(argv, io)` runs one invocation against injected I/O and returns
 * the exit code (tests call it in-process); `runAsProcess` wires it to the real process.
 */
import { CommanderError } from 'commander';
import { processIo, spawnEditor, type CliIo } from './cli-io.ts';
import type { ErrorScope } from './error-scope.ts';
import { EXIT, exitCodeFor } from './exit-codes.ts';
import { buildProgram } from './program.ts';
import { errorJson, renderError } from './render-error.ts';
import { terminalSafe } from './terminal-safe.ts';

/** Global options that take a value (so their value is not mistaken for the subcommand). */
const VALUE_OPTIONS = new Set(['--url', '--token', '--set', '--timeout']);

/** Where the subcommand is: the first word that is neither an option nor an option's value; -1 if none. */
export function subcommandIndex(argv: readonly string[]): number {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (VALUE_OPTIONS.has(arg)) i++;
    else if (!arg.startsWith('-')) return i;
  }
  return -1;
}

/** Runs `livetune <argv…>`; never throws, never exits the process. */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const scope: ErrorScope = {};
  const args = [...argv];
  // `run` hands everything after it to the runner's own parser, untouched by commander.
  const at = subcommandIndex(args);
  const program = buildProgram({ io, scope }, () => (at >= 0 && args[at] === 'run' ? args.slice(at + 1) : []));
  try {
    await program.parseAsync(args, { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    // Commander has already printed its message (or the help) to stderr/stdout.
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    const code = exitCodeFor(error);
    if (args.includes('--json')) io.stderr.write(`${terminalSafe(JSON.stringify(errorJson(error, scope, code)), 'json')}\n`);
    else io.stderr.write(terminalSafe(`error: ${renderError(error, scope)}\n`, 'text'));
    if (code === EXIT.other && error instanceof Error && io.env.LIVETUNE_DEBUG)
      io.stderr.write(terminalSafe(`${error.stack}\n`, 'text'));
    return code;
  }
}

/**
 * The real process. Ctrl-C (and SIGTERM) stops `watch`, `run` and `record` cleanly (a runner cancels
 * its orders and sends a final report first; a recording is closed whole; a second Ctrl-C exits at
 * once) and any other command at once, except while the editor of `livetune edit` is open: the
 * editor owns Ctrl-C then.
 */
export async function runAsProcess(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  const controller = new AbortController();
  const graceful = ['watch', 'run', 'record'].includes(argv[subcommandIndex(argv)] ?? '');
  let editing = false;
  const onSignal = () => {
    if (editing) return;
    if (!graceful || controller.signal.aborted) process.exit(130);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const io: CliIo = {
    ...processIo(controller.signal),
    editFile: async (file, editor) => {
      editing = true;
      try {
        await spawnEditor(file, editor);
      } finally {
        editing = false;
      }
    },
  };
  process.exitCode = await main(argv, io);
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
}

if (import.meta.main) await runAsProcess();
