/**
 * Timing helpers for in-process benchmarks. The loop lives inside the measured function (a call
 * per iteration would measure the call), the result of every loop is kept in a sink (so the JIT
 * cannot delete the work), and each figure is the median of a few repeats after a warm-up.
 *
 * In-process CPU figures are timed in CPU time of the main thread (`process.threadCpuUsage()`), not
 * wall time: on a shared 2-core machine the wall clock also counts the time the loop was not
 * running at all (another process had the core), which is noise, while the thread's CPU time is
 * what "events per second on one core" means. Wall time is kept next to it where it matters. The
 * thread's CPU time is counted in scheduler ticks here (a few ms), so it only suits runs of
 * ~100 ms and more; the engine's storm comparison uses short wall-time blocks instead.
 */
import { median } from './stats.ts';

/** Written to by every measured loop so its work is observable and cannot be optimised away. */
export let sink = 0;

export function consume(value: number): void {
  sink = (sink + value) % 1_000_003;
}

/** Nanoseconds since an arbitrary origin, as a number (precise to well under a microsecond). */
export function nowNs(): number {
  return Number(process.hrtime.bigint());
}

/** CPU time (user + system) of the calling thread, in ms. */
export function threadCpuMs(): number {
  const u = process.threadCpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * Runs `loop(iterations)` (which performs `iterations` operations and returns a checksum) `warmup`
 * times untimed, then `repeats` times timed (thread CPU time); returns the median ns per operation
 * and every repeat.
 */
export function nsPerOp(
  loop: (iterations: number) => number,
  iterations: number,
  { repeats = 5, warmup = 2 } = {},
): { nsPerOp: number; runs: number[] } {
  for (let i = 0; i < warmup; i++) consume(loop(iterations));
  const runs: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = threadCpuMs();
    consume(loop(iterations));
    runs.push(((threadCpuMs() - start) * 1e6) / iterations);
  }
  return { nsPerOp: median(runs), runs };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
