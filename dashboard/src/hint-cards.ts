/**
 * The derived figures operators see next to the raw values (shared/hints.ts computes them; this
 * module only words them), and what an edit would change them to.
 */
import { paramsHints } from '../../shared/hints.ts';
import type { Params } from '../../shared/params-schema.ts';
import { formatFigure } from './format.ts';

export type HintId = 'liquidation' | 'min-offset' | 'max-offset' | 'max-rate';

export interface HintCard {
  /** Stable id (the page's `data-hint`). */
  id: HintId;
  label: string;
  /** The figure, with its unit. */
  value: string;
  /** How it follows from the params. */
  detail: string;
  /** The figure after the pending edit, when the edit changes it. */
  next?: string;
}

export function hintCards(p: Params): HintCard[] {
  const x = paramsHints(p);
  return [
    {
      id: 'liquidation',
      label: 'Liquidation starts at',
      value: `|Q| > ${formatFigure(x.liquidation_start_inventory, 3)}`,
      detail: `|Q|/Qmax > ${formatFigure(x.liquidation_start_ratio, 3)} (u = r³ > ${formatFigure(p.inventory_urgency_threshold)})`,
    },
    {
      id: 'min-offset',
      label: 'Narrowest offset',
      value: `${formatFigure(x.min_offset_bps, 3)} bps`,
      detail: `${formatFigure(p.base_half_spread_bps)} bps × floor ${formatFigure(p.min_spread_base_ratio)}`,
    },
    {
      id: 'max-offset',
      label: 'Widest inventory offset',
      value: `${formatFigure(x.max_inventory_offset_bps, 3)} bps`,
      detail: 'at |Q| = Qmax, before skew',
    },
    {
      id: 'max-rate',
      label: 'Taker rate at Qmax',
      value: `${formatFigure(x.max_liquidation_rate, 3)} /s`,
      detail: `(1 − ${formatFigure(p.inventory_urgency_threshold)}) × ${formatFigure(p.liquidation_rate_multiplier)}`,
    },
  ];
}

/** The cards of `current`, each with the value it would take under `next` when that differs. */
export function hintCardsWithPreview(current: Params, next: Params | null): HintCard[] {
  const cards = hintCards(current);
  if (!next) return cards;
  const after = hintCards(next);
  return cards.map((card, i) => {
    const value = after[i]?.value;
    return value !== undefined && value !== card.value ? { ...card, next: value } : card;
  });
}
