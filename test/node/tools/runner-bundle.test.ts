/**
 * The production runner's launch: the shell launcher (bin/livetune-runner) starts the bundle with
 * exactly the settings npm start and the bench use. (That the bundle runs, a real process, is
 * test/e2e/runner-bundle.test.ts.)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, RUNNER_MALLOC_ENV, RUNNER_NODE_FLAGS, runnerLaunch } from '../../../tools/runner-bundle.ts';

describe('the runner bundle', () => {
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
