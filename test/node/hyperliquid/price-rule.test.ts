import { describe, expect, it } from 'vitest';
import {
  hyperliquidLot,
  hyperliquidTick,
  isValidHyperliquidPrice,
  roundPassive,
} from '../../../engine/venue/hyperliquid/price-rule.ts';
import { orderWire } from '../../../engine/venue/hyperliquid/order-wire.ts';
import { toWireDecimal } from '../../../engine/venue/hyperliquid/wire-decimal.ts';

describe('Hyperliquid price rule', () => {
  it('takes the tick from five significant figures at the price', () => {
    expect(hyperliquidTick(30.12, 2)).toBe(0.001);
    expect(hyperliquidTick(9.5, 2)).toBe(0.0001);
    expect(hyperliquidTick(1670.1, 4)).toBe(0.1);
    expect(hyperliquidTick(65_000, 5)).toBe(1);
  });

  it('caps decimals at 6 - szDecimals for perps and 8 - szDecimals for spot', () => {
    expect(hyperliquidTick(0.012345, 2)).toBe(0.0001); // 5 sig figs would be 1e-7
    expect(hyperliquidTick(0.012345, 2, 'spot')).toBe(0.000001);
    expect(hyperliquidTick(0.5, 0)).toBe(0.00001);
  });

  it('never asks for a coarser step than 1 (integer prices are always valid)', () => {
    expect(hyperliquidTick(123_456, 5)).toBe(1);
    expect(isValidHyperliquidPrice(123_456, 5)).toBe(true);
  });

  it('accepts and refuses prices as the exchange does', () => {
    expect(isValidHyperliquidPrice(1234.5, 1)).toBe(true);
    expect(isValidHyperliquidPrice(1234.56, 1)).toBe(false); // 6 significant figures
    expect(isValidHyperliquidPrice(0.001234, 1)).toBe(false); // 6 decimals > 6 - 1
    expect(isValidHyperliquidPrice(0.01234, 1)).toBe(true);
  });

  it('rounds away from the book so a quote never becomes more aggressive', () => {
    expect(roundPassive(30.12345, 'buy', 2)).toBe(30.123);
    expect(roundPassive(30.12345, 'sell', 2)).toBe(30.124);
    expect(roundPassive(30.123, 'sell', 2)).toBe(30.123);
  });

  it('derives the lot from szDecimals and refuses nonsense', () => {
    expect(hyperliquidLot(2)).toBe(0.01);
    expect(hyperliquidLot(0)).toBe(1);
    expect(() => hyperliquidLot(-1)).toThrow(/szDecimals -1/);
  });
});

describe('wire decimals', () => {
  it('spells numbers as the signed action carries them', () => {
    expect(toWireDecimal(100)).toBe('100');
    expect(toWireDecimal(1670.1)).toBe('1670.1');
    expect(toWireDecimal(0.0147)).toBe('0.0147');
    expect(toWireDecimal(-0)).toBe('0');
  });

  it('refuses a number that 8 decimals would round, naming it', () => {
    expect(() => toWireDecimal(0.000012312312, 'price')).toThrow(/price 0\.000012312312/);
  });

  it('builds the order wire in the signed key order, without a null cloid', () => {
    const wire = orderWire({ asset: 3, isBuy: false, price: 30.1, size: 0.3, reduceOnly: true, tif: 'Ioc' });
    expect(Object.keys(wire)).toEqual(['a', 'b', 'p', 's', 'r', 't']);
    expect(wire).toEqual({ a: 3, b: false, p: '30.1', s: '0.3', r: true, t: { limit: { tif: 'Ioc' } } });
    expect(() =>
      orderWire({ asset: 3, isBuy: false, price: 30.1, size: 0.3, reduceOnly: true, tif: 'Ioc', cloid: '0x1' }),
    ).toThrow(/cloid "0x1"/);
  });
});
