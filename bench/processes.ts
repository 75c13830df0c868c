/**
 * Every process a benchmark starts (wrangler dev, runners) is registered here by pid, so that the
 * run kills it on every way out: normal end, a thrown error, Ctrl-C or SIGTERM. A benchmark that
 * leaves a `wrangler dev` behind would skew the next run's numbers and hold its port.
 */

interface Tracked {
  pid: number;
  name: string;
  /** Kill the whole process group (the child was spawned detached). */
  group: boolean;
}

const tracked = new Map<number, Tracked>();
const cleanups = new Set<() => Promise<void> | void>();

export function trackPid(pid: number, name: string, group = false): void {
  tracked.set(pid, { pid, name, group });
}

export function untrackPid(pid: number): void {
  tracked.delete(pid);
}

/** Registers an async clean-up (e.g. `edge.stop()`), run before the pids are killed. */
export function onCleanup(cleanup: () => Promise<void> | void): () => void {
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGKILLs every tracked pid still alive; synchronous so it can run in an 'exit' handler. */
export function killTrackedNow(): string[] {
  const killed: string[] = [];
  for (const t of tracked.values()) {
    for (const target of t.group ? [-t.pid, t.pid] : [t.pid]) {
      try {
        process.kill(target, 'SIGKILL');
        killed.push(`${t.name} (${t.pid})`);
        break;
      } catch {
        // Gone already, or not a group leader: try the next form.
      }
    }
  }
  tracked.clear();
  return killed;
}

/** Runs the registered clean-ups (bounded by `timeoutMs`), then kills what is left by pid. */
export async function cleanupAll(timeoutMs = 15_000): Promise<string[]> {
  const pending = [...cleanups];
  cleanups.clear();
  await Promise.race([Promise.allSettled(pending.map(async (c) => c())), new Promise((r) => setTimeout(r, timeoutMs).unref())]);
  return killTrackedNow();
}

let installed = false;

/** Ctrl-C / SIGTERM: clean up, then exit 130 / 143; a plain exit still kills what is left. */
export function installSignalHandlers(): void {
  if (installed) return;
  installed = true;
  const onSignal = (signal: NodeJS.Signals, code: number) => {
    process.stderr.write(`\n${signal}: stopping every process the bench started…\n`);
    void cleanupAll(8_000).finally(() => process.exit(code));
  };
  process.once('SIGINT', () => onSignal('SIGINT', 130));
  process.once('SIGTERM', () => onSignal('SIGTERM', 143));
  process.once('exit', () => killTrackedNow());
}
