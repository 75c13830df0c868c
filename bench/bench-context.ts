/**
 * What every benchmark module gets: the size flag, a logger for progress lines, and lazily started
 * shared resources (one `wrangler dev` of the edge for all the edge benchmarks, so its start-up is
 * paid once per run).
 */
import type { BenchRow } from './bench-row.ts';

export interface BenchContext {
  /** `--quick`: smaller sizes, for a smoke run. */
  quick: boolean;
  /** A progress line on stderr (the table goes to stdout). */
  log(line: string): void;
  /** Shared resources, started on first use and stopped at the end of the run. */
  shared<T>(key: string, start: () => Promise<T>): Promise<T>;
  /**
   * Waits `ms` of wall time in which the caller's processes sit idle (idle-fleet's window), running
   * the benchmarks marked `inIdleWindow` meanwhile: their CPU does not change what an idle runner
   * sends, and the run fits its time cap. Resolves after `ms` and after they finished.
   */
  idle(ms: number): Promise<void>;
}

export interface Bench {
  name: string;
  /** One line for `--help` and the JSON. */
  description: string;
  run(ctx: BenchContext): Promise<BenchRow[]>;
  /**
   * CPU only (no edge, no network): may run inside another benchmark's idle window. Without one in
   * the run, these run first, before anything else starts.
   */
  inIdleWindow?: boolean;
}
