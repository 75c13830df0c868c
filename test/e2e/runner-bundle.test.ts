/**
 * The production runner as a real process: the esbuild bundle of runner/main.ts (esbuild itself runs
 * as a child process) starts and behaves as the runner does from source.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startProcess, type ManagedProcess } from '../../tools/managed-process.ts';
import { buildRunnerBundle, runnerLaunch } from '../../tools/runner-bundle.ts';

const started: ManagedProcess[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((p) => p.kill()));
});

async function run(bundle: string, args: string[]) {
  const launch = runnerLaunch(bundle, args, { PATH: process.env.PATH });
  const runner = startProcess('runner bundle', launch.command, launch.args, { env: launch.env });
  started.push(runner);
  const { code } = await runner.exited;
  return { status: code, stdout: runner.output('stdout'), stderr: runner.output('stderr') };
}

describe('the runner bundle', () => {
  it('is one module that runs the runner: usage on --help, exit 2 naming a bad flag', async () => {
    const bundle = await buildRunnerBundle({ outfile: join(mkdtempSync(join(tmpdir(), 'lt-bundle-')), 'runner.mjs') });
    expect(readFileSync(bundle, 'utf8')).not.toMatch(/from ['"]\.\.?\//); // nothing left to resolve from source

    const help = await run(bundle, ['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('--runner-id');

    const bad = await run(bundle, [
      '--set',
      's',
      '--runner-id',
      'r',
      '--region',
      'x',
      '--url',
      'http://127.0.0.1:9',
      '--sync',
      'carrier-pigeon',
    ]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('carrier-pigeon');
  });
});
