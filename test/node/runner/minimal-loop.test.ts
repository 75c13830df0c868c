import { describe, expect, it } from 'vitest';
import { ParamsHolder } from '../../../runner/params/params-holder.ts';
import { createMinimalLoopFactory } from '../../../runner/trading/minimal-loop.ts';
import type { RiskPolicy } from '../../../runner/trading/trading-loop-contract.ts';
import { FakeClock } from '../helpers/fake-clock.ts';
import { silentLogger } from '../helpers/runner-fixtures.ts';

function setup() {
  const clock = new FakeClock();
  const holder = new ParamsHolder();
  holder.update({ base_half_spread_bps: 10 }, { version: 1 });
  let policy: RiskPolicy = 'normal';
  const loop = createMinimalLoopFactory({ tickMs: 100, clock })({ params: holder, health: { policy: () => policy }, venue: 'sim', seed: 7, logger: silentLogger() });
  return { clock, holder, loop, setPolicy: (p: RiskPolicy) => (policy = p) };
}

describe('minimal loop (temporary stand-in for the engine)', () => {
  it('quotes symmetrically at base_half_spread_bps and follows a swap on the next tick', async () => {
    const { clock, holder, loop } = setup();
    loop.start();
    await clock.advance(100);
    let s = loop.snapshot();
    expect(s.params_version).toBe(1);
    expect((s.ask! - s.bid!) / 2 / s.mid!).toBeCloseTo(10 / 10_000, 10);
    holder.update({ base_half_spread_bps: 20 }, { version: 2 });
    await clock.advance(100);
    s = loop.snapshot();
    expect(s.params_version).toBe(2);
    expect((s.ask! - s.bid!) / 2 / s.mid!).toBeCloseTo(20 / 10_000, 10);
    await loop.stop('test');
  });

  it('pulls its quotes on halt and on the trading_mode kill switch, and on stop', async () => {
    const { clock, holder, loop, setPolicy } = setup();
    loop.start();
    setPolicy('halt');
    await clock.advance(100);
    expect(loop.snapshot()).toMatchObject({ bid: null, ask: null, mode: 'halted' });
    setPolicy('normal');
    holder.update({ trading_mode: 'halted' }, { version: 2 });
    await clock.advance(100);
    expect(loop.snapshot()).toMatchObject({ bid: null, ask: null });
    holder.update({ trading_mode: 'active' }, { version: 3 });
    await clock.advance(100);
    expect(loop.snapshot().bid).not.toBeNull();
    await loop.stop('shutdown');
    expect(loop.snapshot()).toMatchObject({ bid: null, ask: null, mode: 'stopped' });
  });
});
