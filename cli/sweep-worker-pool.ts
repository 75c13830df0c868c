/**
 * The sweep executor the CLI uses: N worker threads (default: every core), each running one job at
 * a time, the next job handed to whichever finishes first. Backtests are CPU-bound and share
 * nothing, so a sweep scales with cores. Workers are terminated on `close()` and when a job fails.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { SweepExecutor } from '../engine/sweep/sweep-executor.ts';
import type { SweepJob, SweepJobResult } from '../engine/sweep/sweep-job.ts';

/** The worker's file: next to this module from source; the bundle's own entry when bundled (chunks/ is one level down). */
function workerFile(): string {
  const candidates = [
    new URL('./sweep-worker.ts', import.meta.url),
    new URL('./sweep-worker.mjs', import.meta.url),
    new URL('../sweep-worker.mjs', import.meta.url),
  ];
  for (const url of candidates) if (existsSync(fileURLToPath(url))) return fileURLToPath(url);
  throw new Error('sweep worker not found next to the CLI (rebuild with npm run build)');
}

type Answer = { ok: true; result: SweepJobResult } | { ok: false; error: string };

export function workerPoolExecutor(workers = availableParallelism()): SweepExecutor {
  const threads: Worker[] = [];
  const file = workerFile();
  const size = Math.max(1, Math.floor(workers));
  return {
    run(jobs, onResult) {
      return new Promise((resolve, reject) => {
        const results: SweepJobResult[] = [];
        let next = 0;
        let failed = false;
        while (threads.length < Math.min(size, jobs.length)) threads.push(new Worker(file));
        const feed = (worker: Worker, job: SweepJob | undefined): void => {
          if (job === undefined) return;
          const onAnswer = (answer: Answer) => {
            worker.off('error', onError);
            if (failed) return;
            if (!answer.ok) {
              failed = true;
              reject(new Error(`sweep job (candidate ${job.candidate}, seed ${job.seed}) failed: ${answer.error}`));
              return;
            }
            results.push(answer.result);
            onResult?.(answer.result);
            if (results.length === jobs.length) resolve(results);
            else feed(worker, jobs[next++]);
          };
          const onError = (error: Error) => {
            worker.off('message', onAnswer);
            if (!failed) {
              failed = true;
              reject(error);
            }
          };
          worker.once('message', onAnswer);
          worker.once('error', onError);
          worker.postMessage(job);
        };
        if (jobs.length === 0) resolve(results);
        for (const worker of threads.slice(0, Math.min(size, jobs.length))) feed(worker, jobs[next++]);
      });
    },
    async close() {
      await Promise.all(threads.splice(0).map((t) => t.terminate()));
    },
  };
}
