/**
 * A recorded market-data feed (`livetune backtest --data FILE`): JSON Lines, one object per line.
 * The first line is the header, then books and trades in the order they were received, each with
 * the local receive time in ms:
 *
 *   {"format":"livetune-recording/1","coin":"HYPE","tick":0.001,"lot":0.01}
 *   {"t":1732900000123,"k":"book","bids":[[29.981,12.5],…],"asks":[[29.984,3.1],…]}
 *   {"t":1732900000150,"k":"trade","side":"buy","px":29.984,"sz":0.5}
 *
 * (`side` is the taker's.) Books are full L2 snapshots, best level first, as Hyperliquid's `l2Book`
 * sends them. Parsing is strict and bounded: a bad line is an error naming the line and the field.
 */

export interface RecordedLevel {
  px: number;
  sz: number;
}

export type RecordedEvent =
  | { t: number; k: 'book'; bids: RecordedLevel[]; asks: RecordedLevel[] }
  | { t: number; k: 'trade'; side: 'buy' | 'sell'; px: number; sz: number };

export interface Recording {
  coin: string;
  tick: number;
  lot: number;
  events: RecordedEvent[];
}

export const RECORDING_FORMAT = 'livetune-recording/1';
/** Levels kept per side of a recorded book (more are ignored). */
const MAX_LEVELS = 64;

function positive(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new Error(`${where}: ${JSON.stringify(value)} is not a positive finite number`);
  }
  return value;
}

function levels(value: unknown, where: string): RecordedLevel[] {
  if (!Array.isArray(value)) throw new Error(`${where}: expected an array of [price, size]`);
  return value.slice(0, MAX_LEVELS).map((level, i) => {
    if (!Array.isArray(level) || level.length !== 2) throw new Error(`${where}[${i}]: expected [price, size]`);
    return { px: positive(level[0], `${where}[${i}] price`), sz: positive(level[1], `${where}[${i}] size`) };
  });
}

/** Parses a recording; throws naming the line, the field and what is accepted. */
export function parseRecording(text: string): Recording {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  if (lines.length === 0) throw new Error('recording is empty: expected a header line');
  const parse = (line: string, n: number): Record<string, unknown> => {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new Error(`recording line ${n}: not JSON (${(error as Error).message})`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw new Error(`recording line ${n}: expected an object`);
    return value as Record<string, unknown>;
  };
  const header = parse(lines[0]!, 1);
  if (header.format !== RECORDING_FORMAT) {
    throw new Error(`recording line 1: format ${JSON.stringify(header.format)}: expected ${JSON.stringify(RECORDING_FORMAT)}`);
  }
  if (typeof header.coin !== 'string' || header.coin === '')
    throw new Error('recording line 1: coin: expected a non-empty string');
  const recording: Recording = {
    coin: header.coin,
    tick: positive(header.tick, 'recording line 1: tick'),
    lot: positive(header.lot, 'recording line 1: lot'),
    events: [],
  };
  let last = Number.NEGATIVE_INFINITY;
  for (let i = 1; i < lines.length; i++) {
    const n = i + 1;
    const o = parse(lines[i]!, n);
    const t = o.t;
    if (typeof t !== 'number' || !Number.isFinite(t) || t < last) {
      throw new Error(`recording line ${n}: t ${JSON.stringify(t)}: expected a finite time in ms, not before the line above`);
    }
    last = t;
    if (o.k === 'book') {
      recording.events.push({
        t,
        k: 'book',
        bids: levels(o.bids, `recording line ${n}: bids`),
        asks: levels(o.asks, `recording line ${n}: asks`),
      });
    } else if (o.k === 'trade') {
      if (o.side !== 'buy' && o.side !== 'sell')
        throw new Error(`recording line ${n}: side ${JSON.stringify(o.side)}: expected "buy" or "sell"`);
      recording.events.push({
        t,
        k: 'trade',
        side: o.side,
        px: positive(o.px, `recording line ${n}: px`),
        sz: positive(o.sz, `recording line ${n}: sz`),
      });
    } else {
      throw new Error(`recording line ${n}: k ${JSON.stringify(o.k)}: expected "book" or "trade"`);
    }
  }
  return recording;
}
