/**
 * Where a sweep's jobs run. The engine stays runtime-neutral (no `node:*`): it defines the
 * interface and the in-thread executor; the CLI supplies worker threads (cli/sweep-worker-pool.ts),
 * and the same interface fits a fan-out over Cloudflare Workers (docs/SWEEP.md). An executor may
 * finish jobs in any order; results carry their candidate and seed.
 */
import { runSweepJob, type SweepJob, type SweepJobResult } from './sweep-job.ts';

export interface SweepExecutor {
  /** Runs every job; `onResult` is called as each one finishes (for progress). */
  run(jobs: readonly SweepJob[], onResult?: (result: SweepJobResult) => void): Promise<SweepJobResult[]>;
  /** Releases what the executor holds (threads); idempotent. */
  close(): Promise<void>;
}

/** Runs the jobs one after another in the calling thread (tests, the browser, one core). */
export function inlineExecutor(): SweepExecutor {
  return {
    async run(jobs, onResult) {
      const results: SweepJobResult[] = [];
      for (const job of jobs) {
        const result = runSweepJob(job);
        results.push(result);
        onResult?.(result);
      }
      return results;
    },
    async close() {},
  };
}
