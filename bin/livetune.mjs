#!/usr/bin/env node
// The `livetune` command. It runs dist/cli/main.mjs, the esbuild bundle of cli/main.ts that
// tools/cli-bundle.ts builds (rebuilt here first when missing or older than a source file, as
// bin/livetune-runner does for the runner), with V8's compile cache on: a cold `livetune get` then
// costs little more than starting Node. If the bundle cannot be built (no esbuild: a production
// install without devDependencies), it runs cli/main.ts from source, which needs type stripping.
// On an older Node (the machine's Node 20) this re-runs itself with the Node 24 that npm installed
// into node_modules/node, forwarding arguments, stdio, signals and the exit code.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import module from 'node:module';
import { fileURLToPath } from 'node:url';

const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
const stripsTypes =
  Boolean(process.features?.typescript) || major > 23 || (major === 23 && minor >= 6) || (major === 22 && minor >= 18);

const root = fileURLToPath(new URL('..', import.meta.url));
// CLI_BUNDLE_ENTRY and CLI_BUNDLE_SOURCES of tools/cli-bundle.ts.
const bundle = `${root}dist/cli/main.mjs`;
const sources = `${root}dist/cli/sources.json`;

/** Whether a file the bundle was built from (package.json too: a dependency changed) is newer than it, or gone. */
function bundleIsStale() {
  try {
    const built = statSync(bundle).mtimeMs;
    return JSON.parse(readFileSync(sources, 'utf8')).some((file) => statSync(`${root}${file}`).mtimeMs > built);
  } catch {
    return true;
  }
}

async function loadCli() {
  try {
    if (bundleIsStale()) {
      const { buildCliBundle } = await import('../tools/cli-bundle.ts');
      await buildCliBundle();
    }
    return await import(bundle);
  } catch (error) {
    // No esbuild, or another CLI swapping a rebuilt bundle in at this very moment: same code from source.
    if (process.env.LIVETUNE_DEBUG) process.stderr.write(`livetune: running from source: ${error.message}\n`);
    return import('../cli/main.ts');
  }
}

if (stripsTypes) {
  module.enableCompileCache?.();
  const { runAsProcess } = await loadCli();
  await runAsProcess(process.argv.slice(2));
} else {
  const node = fileURLToPath(new URL('../node_modules/node/bin/node', import.meta.url));
  if (process.env.LIVETUNE_REEXEC === '1' || !existsSync(node)) {
    process.stderr.write(`livetune needs Node >= 22.18 (this is ${process.version}) or ${node} (run npm install)\n`);
    process.exit(1);
  }
  const child = spawn(node, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, LIVETUNE_REEXEC: '1' },
  });
  // Forward what would have stopped us; Ctrl-C from a terminal reaches both processes anyway.
  const forward = (signal) => () => child.kill(signal);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, forward(signal));
  child.on('error', (error) => {
    process.stderr.write(`livetune: cannot start ${node}: ${error.message}\n`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    if (signal) {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    } else {
      process.exit(code ?? 1);
    }
  });
}
