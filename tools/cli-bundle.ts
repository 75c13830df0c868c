/**
 * The `livetune` CLI as it starts in practice: an esbuild bundle of `cli/main.ts` in `dist/cli/`
 * (plain JavaScript). From source, `livetune get` spent most of its time before doing anything:
 * Node's type stripping (an swc WebAssembly module) and ~100 separate modules, then all of zod with
 * its ~40 locales. The bundle is split (esbuild `splitting`) so that what only one command needs —
 * the runner of `run`, the simulator of `backtest`, the engine of `quote`, `ws` of `watch` — is a
 * chunk loaded by that command's `import()`, and `get` parses only the client, the schemas and
 * commander. zod's locales are replaced by English alone: the CLI words its own errors and never
 * switches zod's locale. `bin/livetune.mjs` starts it with V8's compile cache on, rebuilding it first
 * when a source file is newer (the same rule as `bin/livetune-runner`).
 *
 * Run directly (`node tools/cli-bundle.ts`, part of `npm run build`) to (re)build it.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { build, type Plugin } from 'esbuild';

export const ROOT = resolve(import.meta.dirname, '..');

/** The bundle's folder and entry, relative to the repository root (bin/livetune.mjs names them too). */
export const CLI_BUNDLE_DIR = join('dist', 'cli');
export const CLI_BUNDLE_ENTRY = join(CLI_BUNDLE_DIR, 'main.mjs');

/**
 * The repository files the bundle was built from (relative paths, one JSON array), written next to
 * it: the launcher stats just these to know whether the bundle is stale — a recursive walk of the
 * source folders cost more than the rest of its start. A new file only matters once a listed file
 * imports it, and that edit makes the bundle stale.
 */
export const CLI_BUNDLE_SOURCES = join(CLI_BUNDLE_DIR, 'sources.json');

/** zod's `locales` namespace (every language, ~300 kB) reduced to the English it is configured with. */
const englishOnlyZod: Plugin = {
  name: 'zod-english-only',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]v4[\\/]classic[\\/]/.test(args.importer)
        ? { path: join(dirname(args.importer), '..', 'locales', 'en.js'), namespace: 'zod-locales' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(args.path)};`,
      resolveDir: dirname(args.path),
      loader: 'js',
    }));
  },
};

/**
 * Bundles `cli/main.ts` into `outdir` (default `dist/cli`) and returns the entry's path. Built into a
 * temporary folder that then replaces the old one, so a CLI starting meanwhile never reads half a file.
 */
export async function buildCliBundle({ root = ROOT, outdir = join(root, CLI_BUNDLE_DIR) } = {}): Promise<string> {
  const temp = `${outdir}.${process.pid}.tmp`;
  const old = `${outdir}.${process.pid}.old`;
  rmSync(temp, { recursive: true, force: true });
  const result = await build({
    metafile: true,
    // The sweep's worker thread is an entry of its own: a worker starts from a file.
    entryPoints: [join(root, 'cli', 'main.ts'), join(root, 'cli', 'sweep-worker.ts')],
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    outdir: temp,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    // Smaller text to parse; names are kept so a LIVETUNE_DEBUG stack still reads.
    minifyWhitespace: true,
    minifySyntax: true,
    logLevel: 'error',
    plugins: [englishOnlyZod],
    // CommonJS dependencies (commander, ws, pino, …) call require(): give the ES module one.
    banner: {
      js: "import { createRequire as __livetuneCreateRequire } from 'node:module'; const require = __livetuneCreateRequire(import.meta.url);",
    },
  });
  // esbuild names inputs relative to the working directory.
  const sources = Object.keys(result.metafile.inputs)
    .map((input) => relative(root, resolve(input)))
    .filter((path) => !path.startsWith('node_modules') && !path.startsWith('..') && !path.includes(':'));
  // This file too: a change to how the bundle is built makes it stale as well.
  const listed = [...new Set(['package.json', 'tools/cli-bundle.ts', ...sources])];
  writeFileSync(join(temp, 'sources.json'), `${JSON.stringify(listed)}\n`);
  mkdirSync(dirname(outdir), { recursive: true });
  try {
    renameSync(outdir, old);
  } catch {
    // No previous bundle (or another process is swapping it right now).
  }
  try {
    renameSync(temp, outdir);
  } catch {
    // Another CLI started on the same stale bundle and swapped its build in first: same sources,
    // same files (the build is deterministic), so keep that one.
    rmSync(temp, { recursive: true, force: true });
  }
  rmSync(old, { recursive: true, force: true });
  return join(outdir, 'main.mjs');
}

if (import.meta.main) {
  const started = performance.now();
  const entry = await buildCliBundle();
  process.stdout.write(`built ${entry} in ${Math.round(performance.now() - started)} ms\n`);
}
