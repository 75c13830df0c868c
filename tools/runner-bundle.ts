/**
 * The runner as it runs in production: one esbuild bundle of `runner/main.ts` (`dist/runner.mjs`,
 * plain JavaScript, one module) started with a small young generation and a frugal malloc. From
 * source (`node runner/main.ts`) a runner holds ~120–130 MB resident: Node's type stripping (an swc
 * WebAssembly module) and the loading of ~150 separate modules stay in memory for the life of the
 * process. The bundle drops both; `--max-semi-space-size=1` keeps V8's nursery at 1 MB instead of
 * growing it to 16 MB for the simulator's short-lived objects; one malloc arena that is trimmed
 * returns what V8's compilers freed. Together they keep a runner under DESIGN's 100 MB
 * (`npm run bench` measures it next to the same runner from source). None of it costs quoting
 * speed: the engine and simulator benchmarks are within noise with these settings.
 *
 * `npm start`, `bin/livetune-runner` and the bench launch runners this way; the tests run
 * `runner/main.ts` from source (same code, one module per file) and `npm start`'s test runs the bundle.
 *
 * Run directly (`node tools/runner-bundle.ts`, or `npm run build`) to (re)build the bundle.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { build } from 'esbuild';

export const ROOT = resolve(import.meta.dirname, '..');

/** Where the bundle is written, relative to the repository root. */
export const RUNNER_BUNDLE = join('dist', 'runner.mjs');

/** Node options a production runner starts with (also in bin/livetune-runner; a test keeps them equal). */
export const RUNNER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=1'];

/**
 * glibc malloc settings read at process start: one arena, trimmed on every free. V8's compiler
 * threads otherwise leave ~10 MB of freed-but-kept memory in arenas of their own.
 */
export const RUNNER_MALLOC_ENV: Readonly<Record<string, string>> = {
  MALLOC_ARENA_MAX: '1',
  MALLOC_TOP_PAD_: '0',
  MALLOC_TRIM_THRESHOLD_: '0',
};

/**
 * Bundles `runner/main.ts` into `outfile` (default `dist/runner.mjs`) and returns its path. Written
 * to a temporary file and renamed, so a runner starting meanwhile never reads half a file.
 */
export async function buildRunnerBundle({
  root = ROOT,
  outfile = join(root, RUNNER_BUNDLE),
}: {
  root?: string;
  outfile?: string;
} = {}): Promise<string> {
  const result = await build({
    entryPoints: [join(root, 'runner', 'main.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    outfile,
    write: false,
    logLevel: 'error',
    // CommonJS dependencies (pino, prom-client, undici, ws) call require(): give the ES module one.
    banner: {
      js: "import { createRequire as __livetuneCreateRequire } from 'node:module'; const require = __livetuneCreateRequire(import.meta.url);",
    },
  });
  const [output] = result.outputFiles;
  if (output === undefined) throw new Error('esbuild produced no output for runner/main.ts');
  mkdirSync(dirname(outfile), { recursive: true });
  const temp = `${outfile}.${process.pid}.tmp`;
  writeFileSync(temp, output.contents);
  renameSync(temp, outfile);
  return outfile;
}

export interface RunnerLaunch {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
}

/** How to start a production runner from `bundle` with `args`: this Node, the flags, malloc env. */
export function runnerLaunch(bundle: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): RunnerLaunch {
  return { command: process.execPath, args: [...RUNNER_NODE_FLAGS, bundle, ...args], env: { ...RUNNER_MALLOC_ENV, ...env } };
}

if (import.meta.main) {
  const started = performance.now();
  const outfile = await buildRunnerBundle();
  process.stdout.write(`built ${outfile} in ${Math.round(performance.now() - started)} ms\n`);
}
