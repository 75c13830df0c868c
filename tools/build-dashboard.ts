/**
 * Builds the operator dashboard into `dashboard/dist/`: `app.js` (esbuild bundle of
 * `dashboard/src/main.tsx` with Preact and the parts of `shared/` it imports), `index.html` and
 * `styles.css` copied as they are. The Worker serves that folder as static assets (wrangler.toml
 * `[assets]`).
 *
 * Who runs it: wrangler itself before `wrangler dev` and `wrangler deploy` (wrangler.toml `[build]`,
 * so `npm start` and the e2e edges get a fresh page), and `vitest.edge.config.ts` before the workerd
 * pool starts (the vitest plugin reads wrangler.toml but never runs `[build]`). By hand:
 * `node tools/build-dashboard.ts`.
 *
 * Several edges may start at once (e2e, bench) and each runs this build: a file is written only when
 * its content changed, through a temporary file and a rename, so a running edge never serves half a
 * file and an unchanged build touches nothing (wrangler dev would reload on a touched asset).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { type Plugin, build } from 'esbuild';

const ROOT = resolve(import.meta.dirname, '..');

/** The files the page is made of, besides the bundle: copied from `dashboard/` unchanged. */
const STATIC_FILES = ['index.html', 'styles.css'] as const;
/** Files of dependencies the page loads as they are: uPlot's stylesheet (its legend and cursor). */
const VENDOR_FILES = [{ from: ['node_modules', 'uplot', 'dist', 'uPlot.min.css'], to: 'uplot.css' }] as const;

/**
 * `import { z } from 'zod'` hands esbuild zod's namespace as a value, and esbuild then keeps all of
 * zod, every locale included (~450 kB); `import * as z from 'zod'` lets it keep only what is used
 * (~100 kB). The two are the same module, so shared/'s files are read with the second spelling.
 */
const zodNamespaceImport: Plugin = {
  name: 'zod-namespace-import',
  setup(build) {
    build.onLoad({ filter: /[\\/]shared[\\/][^\\/]+\.ts$/ }, async ({ path }) => {
      const source = await readFile(path, 'utf8');
      return { contents: source.replace(/^import \{ z \} from 'zod';$/m, "import * as z from 'zod';"), loader: 'ts' };
    });
  },
};

export interface DashboardBuild {
  /** The output folder (`dashboard/dist`). */
  outdir: string;
  /** Names of the files this build wrote (empty when everything was up to date). */
  written: string[];
}

function writeIfChanged(path: string, contents: Uint8Array): boolean {
  if (existsSync(path) && Buffer.compare(readFileSync(path), contents) === 0) return false;
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, contents);
  renameSync(temp, path);
  return true;
}

/** Bundles and copies the dashboard into `outdir`; see the module header. */
export async function buildDashboard({
  root = ROOT,
  outdir = join(root, 'dashboard', 'dist'),
}: {
  root?: string;
  outdir?: string;
} = {}): Promise<DashboardBuild> {
  const result = await build({
    entryPoints: [join(root, 'dashboard', 'src', 'main.tsx')],
    outfile: join(outdir, 'app.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    // Evergreen browsers only: the page is an operator's tool, not a public site.
    target: 'es2022',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify: true,
    sourcemap: 'linked',
    legalComments: 'none',
    plugins: [zodNamespaceImport],
    write: false,
    logLevel: 'error',
  });
  mkdirSync(outdir, { recursive: true });
  const written: string[] = [];
  for (const file of result.outputFiles) {
    if (writeIfChanged(file.path, file.contents)) written.push(basename(file.path));
  }
  for (const name of STATIC_FILES) {
    if (writeIfChanged(join(outdir, name), readFileSync(join(root, 'dashboard', name)))) written.push(name);
  }
  for (const { from, to } of VENDOR_FILES) {
    if (writeIfChanged(join(outdir, to), readFileSync(join(root, ...from)))) written.push(to);
  }
  return { outdir, written };
}

if (import.meta.main) {
  const { outdir, written } = await buildDashboard();
  console.log(written.length ? `dashboard: wrote ${written.join(', ')} to ${outdir}` : `dashboard: ${outdir} is up to date`);
}
