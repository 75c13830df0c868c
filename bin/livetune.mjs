#!/usr/bin/env node
// The `livetune` command. The CLI is TypeScript run natively (type stripping: Node >= 22.18, 23.6).
// On an older Node (the machine's Node 20) this re-runs itself with the Node 24 that npm installed
// into node_modules/node, forwarding arguments, stdio, signals and the exit code.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
const stripsTypes =
  Boolean(process.features?.typescript) || major > 23 || (major === 23 && minor >= 6) || (major === 22 && minor >= 18);

if (stripsTypes) {
  const { runAsProcess } = await import('../cli/main.ts');
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
