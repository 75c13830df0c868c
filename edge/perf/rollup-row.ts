/** One rollup row: its key (resolution, bucket, version, runner, region) and what it holds. */
import type { InventoryFigures, RollupSums } from './rollup-sums.ts';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;

export interface RollupKey {
  /** Bucket length in ms: `MINUTE_MS` or `HOUR_MS`. */
  res: number;
  /** Bucket start, ms since the epoch. */
  bucket: number;
  version: number;
  runner: string;
  region: string;
}

export interface RollupRow extends RollupKey {
  sums: RollupSums;
  inventory: InventoryFigures | null;
}
