/**
 * The production runner: the esbuild bundle runs (a real process), and the shell launcher
 * (bin/livetune-runner) starts it with exactly the settings npm start and the bench use.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildRunnerBundle, ROOT, RUNNER_MALLOC_ENV, RUNNER_NODE_FLAGS, runnerLaunch } from '../../../tools/runner-bundle.ts';

describe('the runner bundle', () => {
  it('is one module that runs the runner: usage on --help, exit 2 naming a bad flag', async () => {
    const bundle = await buildRunnerBundle({ outfile: join(mkdtempSync(join(tmpdir(), 'lt-bundle-')), 'runner.mjs') });
    expect(readFileSync(bundle, 'utf8')).not.toMatch(/from ['"]\.\.?\//); // nothing left to resolve from source

    const run = (args: string[]) => {
      const launch = runnerLaunch(bundle, args, { PATH: process.env.PATH });
      return spawnSync(launch.command, launch.args, { env: launch.env, encoding: 'utf8', timeout: 15_000 });
    };
    const help = run(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('--runner-id');

    const bad = run([
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
  }, 30_000);

  it('is started with the flags and malloc settings, from source and from bin/livetune-runner alike', () => {
    const launch = runnerLaunch('/x/runner.mjs', ['--help'], {});
    expect(launch.args).toEqual([...RUNNER_NODE_FLAGS, '/x/runner.mjs', '--help']);
    expect(launch.env).toMatchObject(RUNNER_MALLOC_ENV);

    const script = readFileSync(join(ROOT, 'bin', 'livetune-runner'), 'utf8');
    const exec = script.split('\n').find((line) => line.startsWith('exec '));
    for (const flag of RUNNER_NODE_FLAGS) expect(exec).toContain(flag);
    for (const [name, value] of Object.entries(RUNNER_MALLOC_ENV))
      expect(script).toContain(`export ${name}="\${${name}:-${value}}"`);
  });

  it("keeps an operator's own malloc setting", () => {
    expect(runnerLaunch('/x/runner.mjs', [], { MALLOC_ARENA_MAX: '4' }).env.MALLOC_ARENA_MAX).toBe('4');
  });
});
