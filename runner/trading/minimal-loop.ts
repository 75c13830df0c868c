/**
 * TEMPORARY stand-in for the Market Maker V2 engine (runner/trading + runner/strategy + runner/sim,
 * being built separately). It exists only so the params path can be proven end to end: a timer
 * moves a synthetic mid, and each tick reads `params.get()` once and quotes symmetrically at
 * `base_half_spread_bps` with `order_size`, honouring `trading_mode` and the health policy. Delete
 * it once the real engine's factory is wired into runner/main.ts.
 */
import type { Params } from '../../shared/params-schema.ts';
import type { Clock } from '../clock.ts';
import { systemClock } from '../clock.ts';
import type { RiskPolicy, TradingLoop, TradingLoopFactory, TradingLoopOptions, TradingSnapshot } from './trading-loop-contract.ts';

/** mulberry32: a tiny seeded PRNG, enough for a synthetic walk. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface MinimalLoopOptions {
  tickMs?: number;
  clock?: Clock;
}

function quoteFor(mid: number, params: Readonly<Params>, policy: RiskPolicy): { bid: number | null; ask: number | null } {
  if (policy === 'halt' || params.trading_mode === 'halted') return { bid: null, ask: null };
  const widen = policy === 'widen' ? 2 : 1;
  const half = (mid * params.base_half_spread_bps * widen) / 10_000;
  return { bid: mid - half, ask: mid + half };
}

export function createMinimalLoopFactory({ tickMs = 250, clock = systemClock }: MinimalLoopOptions = {}): TradingLoopFactory {
  return function createMinimalLoop({ params, health, seed, logger }: TradingLoopOptions): TradingLoop {
    const random = seededRandom(seed);
    const stopping = new AbortController();
    let running: Promise<void> | null = null;
    const state: TradingSnapshot = { mid: null, bid: null, ask: null, inventory: 0, pnl: 0, fills: 0, mode: 'idle', params_version: null };

    function onTick(): void {
      const p = params.get(); // once per event: the whole tick uses one version
      const policy = health.policy();
      const mid = (state.mid ?? 100) * (1 + (random() - 0.5) * 0.0004);
      const { bid, ask } = quoteFor(mid, p, policy);
      const reduceOnly = policy === 'reduce_only' || p.trading_mode === 'reduce_only';
      // A synthetic fill now and then, never past max_position and never growing |Q| when reducing.
      if (bid !== null && ask !== null && random() < 0.1) {
        const side = random() < 0.5 ? 1 : -1;
        const next = state.inventory + side * p.order_size;
        const allowed = Math.abs(next) <= p.max_position && (!reduceOnly || Math.abs(next) < Math.abs(state.inventory));
        if (allowed) {
          state.inventory = next;
          state.pnl += (ask - bid) / 2 * p.order_size;
          state.fills += 1;
        }
      }
      Object.assign(state, { mid, bid, ask, mode: bid === null ? 'halted' : reduceOnly ? 'reduce_only' : policy === 'widen' ? 'widen' : 'active', params_version: params.version ?? null });
    }

    async function run(signal: AbortSignal): Promise<void> {
      while (!signal.aborted) {
        try {
          onTick();
        } catch (error) {
          logger.error({ err: error }, 'minimal loop tick failed');
        }
        await clock.sleep(tickMs, signal).catch(() => {});
      }
    }

    return {
      start() {
        running ??= run(stopping.signal);
      },
      async stop(reason) {
        stopping.abort();
        await running;
        // No real orders rest anywhere; "cancelling" is clearing the quotes.
        Object.assign(state, { bid: null, ask: null, mode: 'stopped' });
        logger.info({ reason }, 'minimal loop stopped, quotes cancelled');
      },
      snapshot: () => ({ ...state }),
    };
  };
}
