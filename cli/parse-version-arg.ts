/** A version argument: `7` or `v7`. Anything else is a usage error naming the argument. */
import { UsageError } from './usage-error.ts';

export function parseVersionArg(text: string, name = 'version'): number {
  const match = /^v?([1-9][0-9]{0,14})$/.exec(text.trim());
  if (!match)
    throw new UsageError(`${name} ${JSON.stringify(text)} is not a version: expected a positive whole number like 7 (or v7)`);
  return Number(match[1]);
}

/** A positive integer option such as `--limit`. */
export function parsePositiveInt(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0)
    throw new UsageError(`${flag} ${JSON.stringify(text)}: expected a positive whole number`);
  return value;
}
