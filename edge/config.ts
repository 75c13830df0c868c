/**
 * Numeric settings of the edge, read once from the environment with defaults. A value that is not a
 * positive finite number falls back to its default (a typo in a var must not disable a limit).
 */
import type { EdgeEnv } from './env.ts';

export interface EdgeConfig {
  writeRatePerS: number;
  writeBurst: number;
  reportRatePerS: number;
  reportBurst: number;
  headMirrorIntervalMs: number;
}

export const DEFAULT_CONFIG: Readonly<EdgeConfig> = Object.freeze({
  writeRatePerS: 50,
  writeBurst: 100,
  reportRatePerS: 2,
  reportBurst: 10,
  headMirrorIntervalMs: 1000,
});

function positive(raw: string | undefined, fallback: number): number {
  const value = raw === undefined ? NaN : Number(raw);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

export function readConfig(env: Partial<EdgeEnv>): EdgeConfig {
  return {
    writeRatePerS: positive(env.WRITE_RATE_PER_S, DEFAULT_CONFIG.writeRatePerS),
    writeBurst: positive(env.WRITE_BURST, DEFAULT_CONFIG.writeBurst),
    reportRatePerS: positive(env.REPORT_RATE_PER_S, DEFAULT_CONFIG.reportRatePerS),
    reportBurst: positive(env.REPORT_BURST, DEFAULT_CONFIG.reportBurst),
    headMirrorIntervalMs: positive(env.HEAD_MIRROR_INTERVAL_MS, DEFAULT_CONFIG.headMirrorIntervalMs),
  };
}
