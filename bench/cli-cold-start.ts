/**
 * How long an operator waits for `livetune get`: the wall time of a whole new process, from spawn
 * to exit, reading the current version of a set from the run's real `wrangler dev` (the shared edge,
 * so the figure includes one loopback round trip to workerd). Hyperfine-like: the commands are run
 * in turns (so a noisy neighbour hits them alike), after one warm-up each, and the median is the
 * figure; the baseline is `node -e 0` on the same Node, the floor no Node CLI can go under.
 *
 * "Cold" is a new process every time, as every command an operator types is: the operating system's
 * file cache and V8's compile cache (which bin/livetune.mjs turns on) are warm after the warm-up, as
 * they are from an operator's second command on. Rows: the bin as shipped (the esbuild bundle of
 * tools/cli-bundle.ts), the same without the compile cache, and `node cli/main.ts` from source.
 */
import { join } from 'node:path';
import { buildCliBundle, ROOT } from '../tools/cli-bundle.ts';
import { startProcess } from '../tools/managed-process.ts';
import type { Bench } from './bench-context.ts';
import { makeRow } from './bench-row.ts';
import { sharedEdge } from './edge-instance.ts';
import { ensureSet } from './edge-ops.ts';
import { median, summarize } from './stats.ts';

const SET = 'bench-cli';

interface Command {
  label: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
}

/** Wall time of one run of `node …args`, in ms; throws when it fails (a broken CLI is not fast). */
async function wallMs(command: Command, env: NodeJS.ProcessEnv): Promise<number> {
  const started = performance.now();
  const child = startProcess(`cli-cold-start ${command.label}`, process.execPath, command.args, {
    cwd: ROOT,
    env: { ...env, ...command.env },
  });
  const exit = await child.exited;
  const ms = performance.now() - started;
  if (exit.code !== 0) throw new Error(`${command.label} exited ${exit.code ?? exit.signal}: ${child.tail(5)}`);
  return ms;
}

export const cliColdStartBench: Bench = {
  name: 'cli-cold-start',
  description: 'livetune get: wall time of a new process (bundle, no compile cache, from source) vs node -e 0',
  async run(ctx) {
    const runs = ctx.quick ? 4 : 7;
    const edge = await sharedEdge(ctx);
    await ensureSet(edge.url, edge.tokens.write, SET);
    await buildCliBundle();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      LIVETUNE_URL: edge.url,
      LIVETUNE_TOKEN: edge.tokens.read,
      LIVETUNE_SET: SET,
    };
    const bin = join(ROOT, 'bin', 'livetune.mjs');
    const commands: Command[] = [
      { label: 'node -e 0', args: ['-e', '0'] },
      { label: 'livetune get', args: [bin, 'get'] },
      { label: 'livetune get, no compile cache', args: [bin, 'get'], env: { NODE_DISABLE_COMPILE_CACHE: '1' } },
      { label: 'node cli/main.ts get', args: [join(ROOT, 'cli', 'main.ts'), 'get'] },
    ];
    const samples = new Map<string, number[]>(commands.map((c) => [c.label, []]));
    for (const command of commands) await wallMs(command, env); // warm-up: file cache, compile cache
    for (let i = 0; i < runs; i++) {
      for (const command of commands) samples.get(command.label)!.push(await wallMs(command, env));
    }
    const p50 = (label: string) => median(samples.get(label)!);
    const note = (label: string) => {
      const s = summarize(samples.get(label)!);
      return `${s.count} runs in turns with the others after one warm-up; min ${s.min.toFixed(0)} ms, p95 ${s.p95.toFixed(0)} ms, max ${s.max.toFixed(0)} ms; against wrangler dev on loopback`;
    };
    const floor = p50('node -e 0');
    ctx.log(`cli-cold-start: ${commands.map((c) => `${c.label} ${p50(c.label).toFixed(0)} ms`).join(', ')} (medians of ${runs})`);
    const row = (figure: string, label: string, target: boolean) =>
      makeRow('cli-cold-start', {
        figure,
        value: p50(label),
        unit: 'ms',
        baseline: floor,
        baselineLabel: 'node -e 0',
        target: target ? { op: '<', value: 500 } : null,
        note: note(label),
      });
    return [
      row('livetune get cold wall p50 (bin: bundle + compile cache)', 'livetune get', true),
      row('livetune get cold wall p50, no compile cache', 'livetune get, no compile cache', false),
      row('livetune get cold wall p50, from source (cli/main.ts)', 'node cli/main.ts get', false),
      makeRow('cli-cold-start', { figure: 'node -e 0 wall p50', value: floor, unit: 'ms', note: note('node -e 0') }),
    ];
  },
};
