/**
 * Timing helpers for in-process benchmarks. The loop lives inside the measured function (a call
 * per iteration would measure the call), the result of every loop is kept in a sink (so the JIT
 * cannot delete the work), and each figure is the median of a few repeats after a warm-up.
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

/**
 * Runs `loop(iterations)` (which performs `iterations` operations and returns a checksum) `warmup`
 * times untimed, then `repeats` times timed; returns the median ns per operation and every repeat.
 */
export function nsPerOp(loop: (iterations: number) => number, iterations: number, { repeats = 5, warmup = 2 } = {}): { nsPerOp: number; runs: number[] } {
  for (let i = 0; i < warmup; i++) consume(loop(iterations));
  const runs: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = nowNs();
    consume(loop(iterations));
    runs.push((nowNs() - start) / iterations);
  }
  return { nsPerOp: median(runs), runs };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
