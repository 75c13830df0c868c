/**
 * The adaptive tuner's decision, as a pure function: given its state and one volatility reading,
 * stay or switch regime. Three guards keep it from flapping on noise around a threshold:
 * - hysteresis: enter `volatile` above `enterVolatileBps`, leave it only below the lower
 *   `exitVolatileBps`;
 * - confirmation: the reading must be past the threshold `confirmations` times in a row;
 * - dwell: no switch sooner than `minHoldMs` after the previous one.
 */

export type Regime = 'calm' | 'volatile';

export interface RegimeConfig {
  enterVolatileBps: number;
  exitVolatileBps: number;
  confirmations: number;
  minHoldMs: number;
}

export const DEFAULT_REGIME_CONFIG: RegimeConfig = {
  // The simulator's calm scenario runs at 1 bps/√s and its volatile one at 3 (plus jumps).
  enterVolatileBps: 2,
  exitVolatileBps: 1.4,
  confirmations: 3,
  minHoldMs: 60_000,
};

export interface TunerState {
  regime: Regime;
  /** When the current regime was entered (ms). */
  since: number;
  /** Consecutive readings past the threshold that would leave the current regime. */
  streak: number;
}

export type Decision =
  | { kind: 'stay'; state: TunerState; reason: string }
  | { kind: 'switch'; state: TunerState; from: Regime; to: Regime; reason: string };

function fmt(bps: number): string {
  return bps.toFixed(2);
}

/** One step of the tuner. `volBps` undefined (not enough samples yet) never switches. */
export function decideRegime(
  state: TunerState,
  volBps: number | undefined,
  now: number,
  config: RegimeConfig = DEFAULT_REGIME_CONFIG,
): Decision {
  if (volBps === undefined) return { kind: 'stay', state: { ...state, streak: 0 }, reason: 'not enough mid samples yet' };
  const leaving = state.regime === 'calm' ? volBps > config.enterVolatileBps : volBps < config.exitVolatileBps;
  const threshold = state.regime === 'calm' ? `> ${config.enterVolatileBps}` : `< ${config.exitVolatileBps}`;
  if (!leaving) {
    return {
      kind: 'stay',
      state: { ...state, streak: 0 },
      reason: `realized vol ${fmt(volBps)} bps/√s is within the ${state.regime} band`,
    };
  }
  const streak = state.streak + 1;
  if (streak < config.confirmations) {
    return {
      kind: 'stay',
      state: { ...state, streak },
      reason: `realized vol ${fmt(volBps)} bps/√s ${threshold}: ${streak}/${config.confirmations} confirmations`,
    };
  }
  if (now - state.since < config.minHoldMs) {
    return {
      kind: 'stay',
      state: { ...state, streak },
      reason: `realized vol ${fmt(volBps)} bps/√s ${threshold}, but the ${state.regime} regime is younger than ${config.minHoldMs / 1000} s`,
    };
  }
  const to: Regime = state.regime === 'calm' ? 'volatile' : 'calm';
  return {
    kind: 'switch',
    from: state.regime,
    to,
    state: { regime: to, since: now, streak: 0 },
    reason: `realized vol ${fmt(volBps)} bps/√s ${threshold} for ${streak} checks: ${to} regime`,
  };
}
