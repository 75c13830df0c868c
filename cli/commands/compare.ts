/**
 * `compare <a> <b>`: two versions side by side. For each metric its value under each version, the
 * difference b − a with a 95 % confidence interval (Welch's t on per-runner-minute figures), the
 * sample sizes, and a plain verdict — "too little data" when there is not enough to tell.
 */
import type { Command } from 'commander';
import type { CompareAnswer, CompareMetricResult } from '../../shared/perf.ts';
import { commandContext, type CliDeps } from '../command-context.ts';
import { formatNumber, formatTable } from '../format-table.ts';
import { parseVersionArg } from '../parse-version-arg.ts';
import { terminalSafe } from '../terminal-safe.ts';
import { UsageError } from '../usage-error.ts';

const figure = (value: number | null) => (value === null ? '-' : formatNumber(value, 4));

function verdictCell(m: CompareMetricResult): string {
  switch (m.verdict) {
    case 'too_little_data':
      return 'too little data';
    case 'no_clear_difference':
      return 'no clear difference';
    case 'higher':
    case 'lower': {
      const good = m.better === null ? '' : m.better === m.verdict ? ' (better)' : ' (worse)';
      return `${m.verdict}${good}`;
    }
  }
}

function side(v: CompareAnswer['a']): string {
  const who = v.author === null ? '' : ` by ${v.author}: ${v.message ?? ''}`;
  return terminalSafe(`v${v.version}${who} — ${v.runner_minutes} runner-minutes on ${v.runners} runners`, 'line');
}

export function formatCompare(answer: CompareAnswer): string {
  const { a, b } = answer;
  const rows = answer.metrics.map((m) => [
    m.label,
    m.unit,
    figure(m.a.value),
    figure(m.b.value),
    m.difference === null ? '-' : formatNumber(m.difference.estimate, 3),
    m.difference === null ? '-' : `${formatNumber(m.difference.ci95.low, 3)} … ${formatNumber(m.difference.ci95.high, 3)}`,
    `${m.a.n}/${m.b.n}`,
    verdictCell(m),
  ]);
  const tooLittle = answer.metrics.every((m) => m.verdict === 'too_little_data');
  return [
    `${answer.set}: v${b.version} against v${a.version}`,
    `  a: ${side(a)}`,
    `  b: ${side(b)}`,
    '',
    formatTable(['METRIC', 'UNIT', `v${a.version}`, `v${b.version}`, 'B − A', '95% CI', 'N A/B', 'VERDICT'], rows),
    `test: ${answer.test.name}; one observation = ${answer.test.observation}; at least ${answer.test.min_samples} per version.`,
    ...(tooLittle ? ['There is too little data to tell these versions apart yet: let both run longer.'] : []),
  ].join('\n');
}

export function addCompareCommand(program: Command, deps: CliDeps): void {
  program
    .command('compare')
    .description('compare the trading figures of two versions, with 95% confidence intervals')
    .argument('<a>', 'the baseline version, e.g. 7')
    .argument('<b>', 'the version to judge against it, e.g. 8')
    .action(async (aArg: string, bArg: string, _options: object, command: Command) => {
      const ctx = commandContext(command, deps);
      const a = parseVersionArg(aArg, 'a');
      const b = parseVersionArg(bArg, 'b');
      if (a === b) throw new UsageError(`a and b are both v${a}: compare two different versions`);
      const answer = await ctx.client().compare(ctx.set(), a, b);
      if (ctx.json) return ctx.outJson(answer);
      ctx.out(formatCompare(answer));
    });
}
