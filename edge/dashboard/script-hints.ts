/**
 * Browser code (as text): the derived figures operators see next to the raw values. A line-by-line
 * port of `paramsHints` in shared/hints.ts (the page has no build step to import it); the browser
 * test compares what the page shows with `paramsHints` so the two cannot drift apart unnoticed.
 */
export const SCRIPT_HINTS = String.raw`
function paramsHints(p) {
  // u = r^3: the threshold applies to the cube of |Q|/Qmax, so liquidation starts at its cube root.
  const ratio = Math.cbrt(p.inventory_urgency_threshold);
  return {
    liquidation_start_ratio: ratio,
    liquidation_start_inventory: ratio * p.max_position,
    min_offset_bps: p.base_half_spread_bps * p.min_spread_base_ratio,
    max_inventory_offset_bps: p.base_half_spread_bps * 2,
    max_liquidation_rate: Math.max(0, 1 - p.inventory_urgency_threshold) * p.liquidation_rate_multiplier,
  };
}

/** The hint cards: [label, value, explanation] for a document. */
function hintCards(p) {
  const x = paramsHints(p);
  return [
    ['Liquidation starts at', '|Q| > ' + fmtNum(x.liquidation_start_inventory, 3),
      '|Q|/Qmax > ' + fmtNum(x.liquidation_start_ratio, 3) + ' (u = r³ > ' + fmtNum(p.inventory_urgency_threshold) + ')', 'liquidation'],
    ['Narrowest offset', fmtNum(x.min_offset_bps, 3) + ' bps',
      fmtNum(p.base_half_spread_bps) + ' bps × floor ' + fmtNum(p.min_spread_base_ratio), 'min-offset'],
    ['Widest inventory offset', fmtNum(x.max_inventory_offset_bps, 3) + ' bps', 'at |Q| = Qmax, before skew', 'max-offset'],
    ['Taker rate at Qmax', fmtNum(x.max_liquidation_rate, 3) + ' /s',
      '(1 − ' + fmtNum(p.inventory_urgency_threshold) + ') × ' + fmtNum(p.liquidation_rate_multiplier), 'max-rate'],
  ];
}
`;
