/** `6h`, `90m`, `30s`, `1d`, `500ms` → milliseconds (for `backtest --duration`). */
import { UsageError } from './usage-error.ts';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseDuration(text: string, flag = '--duration'): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(text.trim());
  const value = match ? Number(match[1]) * (UNITS[match[2]!] ?? 0) : NaN;
  if (!match || !(value > 0))
    throw new UsageError(
      `${flag} ${JSON.stringify(text)} is not a duration: expected a positive number with a unit (ms, s, m, h, d), e.g. 6h`,
    );
  return value;
}
