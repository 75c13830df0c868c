/**
 * A sweep worker thread: runs the jobs its pool sends (one at a time) and answers each with its
 * result. Built as its own entry of the CLI bundle (tools/cli-bundle.ts) so it starts without the
 * rest of the CLI.
 */
import { parentPort } from 'node:worker_threads';
import { runSweepJob, type SweepJob } from '../engine/sweep/sweep-job.ts';

parentPort?.on('message', (job: SweepJob) => {
  try {
    parentPort!.postMessage({ ok: true, result: runSweepJob(job) });
  } catch (error) {
    parentPort!.postMessage({ ok: false, error: (error as Error).message });
  }
});
