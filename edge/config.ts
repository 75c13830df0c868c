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
  /** Most runners a set's fleet table holds; a report from a new runner id beyond it gets 429. */
  fleetMaxRunners: number;
  /** A runner unseen for this long leaves the fleet table. */
  fleetRetentionS: number;
}

export const DEFAULT_CONFIG: Readonly<EdgeConfig> = Object.freeze({
  writeRatePerS: 50,
  writeBurst: 100,
  reportRatePerS: 2,
  reportBurst: 10,
  headMirrorIntervalMs: 1000,
  fleetMaxRunners: 1000,
  fleetRetentionS: 86_400,
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
    fleetMaxRunners: positive(env.FLEET_MAX_RUNNERS, DEFAULT_CONFIG.fleetMaxRunners),
    fleetRetentionS: positive(env.FLEET_RETENTION_S, DEFAULT_CONFIG.fleetRetentionS),
  };
}
