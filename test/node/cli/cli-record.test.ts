import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.ts';

/** `record` checks what was typed before it opens a file or a socket; each mistake exits 2 naming the flag. */
describe('livetune record: flags', () => {
  const base = ['record', '--out', '/nonexistent-dir/never-written.jsonl'];
  const cases: [string, string[], RegExp][] = [
    ['a missing --tick', ['--lot', '0.01'], /--tick is required: .*HYPE: --tick 0\.001 --lot 0\.01/],
    ['a missing --lot', ['--tick', '0.001'], /--lot is required/],
    ['a non-positive --tick', ['--tick', '0', '--lot', '0.01'], /--tick "0": expected a positive number/],
    [
      'a fractional --events',
      ['--tick', '0.001', '--lot', '0.01', '--events', '2.5'],
      /--events "2\.5": expected a positive whole number/,
    ],
    ['a bad --duration', ['--tick', '0.001', '--lot', '0.01', '--duration', '10'], /--duration "10" is not a duration/],
    [
      'an unknown --network',
      ['--tick', '0.001', '--lot', '0.01', '--network', 'devnet'],
      /--network "devnet": expected one of mainnet, testnet/,
    ],
    [
      'an http --ws-url',
      ['--tick', '0.001', '--lot', '0.01', '--ws-url', 'http://127.0.0.1:1/ws'],
      /--ws-url "http:\/\/127\.0\.0\.1:1\/ws": expected a ws:\/\/ or wss:\/\/ URL/,
    ],
    ['a coin with a space', ['--tick', '0.001', '--lot', '0.01', '--coin', 'HY PE'], /--coin "HY PE": expected a coin name/],
  ];
  for (const [what, flags, message] of cases) {
    it(`refuses ${what}`, async () => {
      const run = await runCli([...base, ...flags], {});
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(message);
      expect(run.stdout).toBe('');
    });
  }

  it('needs --out', async () => {
    const run = await runCli(['record', '--tick', '0.001', '--lot', '0.01'], {});
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--out <file>/);
  });
});
