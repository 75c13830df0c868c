/**
 * Numbers as Hyperliquid's signed actions carry them: decimal strings with at most 8 decimals and no
 * trailing zeros ("100", "0.0147", "1670.1"). The string is part of the signed msgpack bytes, so
 * "100.0" and "100" are different actions with different signatures: every SDK normalises the same
 * way, and so must we, or the exchange recovers a different signer and refuses the request.
 */

const WIRE_DECIMALS = 8;

/** `x` as a wire decimal; throws (naming the value) when 8 decimals cannot hold it exactly. */
export function toWireDecimal(x: number, field = 'value'): string {
  if (!Number.isFinite(x)) throw new RangeError(`${field} ${x}: expected a finite number`);
  const fixed = x.toFixed(WIRE_DECIMALS);
  if (Math.abs(Number(fixed) - x) >= 1e-12)
    throw new RangeError(`${field} ${x}: expected at most ${WIRE_DECIMALS} decimals (it would be rounded to ${fixed})`);
  const trimmed = fixed.includes('.') ? fixed.replace(/0+$/, '').replace(/\.$/, '') : fixed;
  return trimmed === '-0' ? '0' : trimmed;
}
