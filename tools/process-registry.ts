/**
 * Every process the harness starts is registered here until it exits, so that nothing outlives the
 * run that started it, whichever way the run ends: a normal end (`cleanupAll`), a thrown error, a
 * test that failed before its `afterEach`, Ctrl-C or SIGTERM (`installSignalHandlers`), or a plain
 * `process.exit` (a synchronous SIGKILL of every group on 'exit'). A left-over `wrangler dev` would
 * hold its port and skew the next run's figures; a left-over runner keeps reporting to a dead edge.
 */

/** What the registry needs of a process: its group can be killed by pid. */
export interface Registered {
  readonly name: string;
  readonly pid: number;
  /** SIGKILL to the whole process group, synchronously (safe in an 'exit' handler). */
  killNow(): void;
}

const live = new Set<Registered>();
const cleanups = new Set<() => Promise<unknown> | unknown>();
let exitHookInstalled = false;

/** Called by `startProcess`; `unregister` once the process has exited. */
export function register(process_: Registered): void {
  live.add(process_);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => killAllNow());
  }
}

export function unregister(process_: Registered): void {
  live.delete(process_);
}

/** The processes started and not yet exited (names and pids, for a failure message). */
export function liveProcesses(): readonly Registered[] {
  return [...live];
}

/**
 * An orderly stop to run before the last-resort kill (`edge.stop()`: SIGTERM, wait, remove its
 * temp folder). Returns a function that removes it again.
 */
export function onCleanup(cleanup: () => Promise<unknown> | unknown): () => void {
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

/** SIGKILLs every registered process group still alive; returns what it killed. */
export function killAllNow(): string[] {
  const killed = [...live].map((p) => `${p.name} (${p.pid})`);
  for (const p of live) p.killNow();
  live.clear();
  return killed;
}

/** Runs the registered clean-ups (bounded by `timeoutMs`), then kills whatever is left. */
export async function cleanupAll(timeoutMs = 15_000): Promise<string[]> {
  const pending = [...cleanups];
  cleanups.clear();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const bound = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, timeoutMs);
    timer.unref();
  });
  await Promise.race([Promise.allSettled(pending.map(async (cleanup) => cleanup())), bound]);
  clearTimeout(timer);
  return killAllNow();
}

let signalsInstalled = false;

/**
 * For a command (npm start, the bench), not for a test runner, which handles its own signals:
 * on Ctrl-C or SIGTERM run `onSignal` (default: `cleanupAll`), then exit with `exitCodes` (default
 * 130 / 143). A second signal while that runs exits at once (after the synchronous kill on 'exit').
 */
export function installSignalHandlers({
  onSignal = () => cleanupAll(8_000),
  announce = (signal: NodeJS.Signals) => process.stderr.write(`\n${signal}: stopping every process this run started…\n`),
  exitCodes = { SIGINT: 130, SIGTERM: 143 },
}: {
  onSignal?: (signal: NodeJS.Signals) => Promise<unknown>;
  announce?: (signal: NodeJS.Signals) => void;
  exitCodes?: { SIGINT: number; SIGTERM: number };
} = {}): void {
  if (signalsInstalled) return;
  signalsInstalled = true;
  let stopping = false;
  const handle = (signal: 'SIGINT' | 'SIGTERM') => {
    if (stopping) process.exit(exitCodes[signal]);
    stopping = true;
    announce(signal);
    void onSignal(signal).finally(() => process.exit(exitCodes[signal]));
  };
  process.on('SIGINT', () => handle('SIGINT'));
  process.on('SIGTERM', () => handle('SIGTERM'));
}
