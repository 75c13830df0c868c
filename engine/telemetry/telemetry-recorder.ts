/**
 * Live trading telemetry, measured from the quoting engine's events (it is the engine's
 * `EngineObserver`): per params version, fills and volume, orders, cancels and rejects, time in
 * force and time quoted on both sides, markouts at 1/5/30/60 s, realized spread, and the P&L split
 * into spread capture, inventory, fees and taker cost. `takeDelta` hands out what happened since the
 * previous call in the additive shape of `shared/telemetry.ts`.
 *
 * Attribution: an order's fills, cancels and rejects count for the version in force when the order
 * was placed (the engine keeps it on the tracked order); time, quoting and the inventory's
 * mark-to-market count for the version in force when they happen.
 *
 * Only information available at each instant is used: a fill's markout at horizon h is taken when
 * the engine's time has passed fill time + h, against the mid in force at that instant — the engine
 * hands the mids before and after the book that reaches the horizon (`onDue`), and a timer or a
 * fill takes what fell due since against the mid in force. Realized spread and spread capture use
 * the mid just before the fill.
 *
 * P&L identity: `spread + inventory + fees + taker = cash + position × mark − opening`, where cash
 * and position are the engine ledger's, `mark` is the mid in force (the last one the engine had, a
 * fill's price before any) and `opening` is the value of the position the engine found at start
 * (holding it is not a profit). The engine's own `ledger.pnl(mid)` is therefore `pnl total +
 * opening` whenever `mid` is `mark`.
 *
 * Cheap on the hot path: the recorder is not called per book. It reads the engine's mid and quoted
 * time when it needs them (`ObservedEngine`); time, quoting and mark-to-market are credited lazily
 * when something changes or is read; an order of the version in force is counted with one
 * increment. Nothing allocates except per fill.
 */
import { type Clock, systemClock } from '../../shared/clock.ts';
import {
  MARKOUT_HORIZONS_S,
  MARKOUT_KEYS,
  type MarkoutKey,
  MAX_VERSIONS_PER_DELTA,
  type PnlParts,
  type TelemetryDelta,
} from '../../shared/telemetry.ts';
import type { Fill } from '../venue/venue.ts';
import type { EngineObserver, ObservedEngine, ParamsVersion } from './engine-observer.ts';
import { MarkoutQueue } from './markout-queue.ts';
import {
  CANCELS,
  ELAPSED_MS,
  MAKER_FILLS,
  MARKOUT,
  ORDERS,
  PNL_FEES,
  PNL_INVENTORY,
  PNL_SPREAD,
  PNL_TAKER,
  QUOTED_MS,
  REALIZED_SPREAD,
  REJECTS,
  TAKER_FILLS,
  VersionStats,
  VOLUME,
} from './version-stats.ts';

/** Versions kept by default: the current one and a few whose orders may still fill. */
export const DEFAULT_RETAINED_VERSIONS = 6;
/** Fills waiting per markout horizon before the oldest is dropped (a minute of very busy trading). */
export const DEFAULT_MARKOUT_CAPACITY = 20_000;

export interface TelemetryRecorderOptions {
  /** The params version in force now (read once per event; null for params with no edge version). */
  version: () => ParamsVersion;
  /** The lineage of that version (read when a version is first seen). */
  lineage: () => string | null;
  /** Wall time for the `from`/`to` of deltas (event times are the engine's, simulated in a backtest). */
  clock?: Pick<Clock, 'now'>;
  /** At most this many versions are kept; the least recently active other than the current is dropped. */
  retainedVersions?: number;
  markoutCapacity?: number;
  /** Each markout as it is taken (for histograms). */
  onMarkout?: (version: ParamsVersion, horizon: MarkoutKey, bps: number) => void;
}

const PNL_SLOTS = [PNL_SPREAD, PNL_INVENTORY, PNL_FEES, PNL_TAKER] as const;

const isPrice = (x: number) => x > 0 && x < Number.POSITIVE_INFINITY;

export class TelemetryRecorder implements EngineObserver {
  readonly #version: () => ParamsVersion;
  readonly #lineage: () => string | null;
  readonly #clock: Pick<Clock, 'now'>;
  readonly #retained: number;
  readonly #onMarkout: TelemetryRecorderOptions['onMarkout'];
  readonly #pending: MarkoutQueue;
  /** Takes one markout that fell due (made once: no closure per settle). */
  readonly #take: (stats: VersionStats, h: number, bps: number) => void;
  readonly #stats = new Map<number, VersionStats>();
  /** P&L parts of every version ever seen, evicted ones included (the identity's left side). */
  readonly #pnl = new Float64Array(4);
  #current: VersionStats;
  #currentVersion: ParamsVersion;
  #seq = 0;
  /** Engine time of the last event; NaN before the first. */
  #now = Number.NaN;
  #mark = Number.NaN;
  #position = 0;
  #adopted = false;
  #opening = 0;
  /** Position found before any price was seen: valued at the first price. */
  #openingQty = 0;
  /** The engine observed (null until it attaches): its mid and quoted time are read, not pushed. */
  #engine: ObservedEngine | null = null;
  /** The engine's quoted time at the last flush. */
  #quotedSeen = 0;
  /** Engine time up to which time and quoting were credited (#flush). */
  #segmentStart = Number.NaN;
  /** The mark at which the position's mark-to-market was last credited. */
  #anchor = Number.NaN;
  /** Earliest time a waiting markout falls due: most books skip the queues with one comparison. */
  #nextDue = Number.POSITIVE_INFINITY;
  #invMin = 0;
  #invMax = 0;
  #lastTakenAt: number;

  constructor(options: TelemetryRecorderOptions) {
    this.#version = options.version;
    this.#lineage = options.lineage;
    this.#clock = options.clock ?? systemClock;
    this.#retained = Math.min(MAX_VERSIONS_PER_DELTA, Math.max(1, options.retainedVersions ?? DEFAULT_RETAINED_VERSIONS));
    this.#onMarkout = options.onMarkout;
    const capacity = options.markoutCapacity ?? DEFAULT_MARKOUT_CAPACITY;
    this.#pending = new MarkoutQueue(
      MARKOUT_HORIZONS_S.map((h) => h * 1000),
      capacity,
    );
    this.#take = (stats, h, bps) => {
      stats.sample(MARKOUT + 3 * h, bps);
      this.#onMarkout?.(stats.version, MARKOUT_KEYS[h]!, bps);
    };
    this.#currentVersion = this.#version();
    this.#current = this.#statsFor(this.#currentVersion);
    this.#lastTakenAt = this.#clock.now();
  }

  // ---- what the engine tells ----------------------------------------------------------------

  attach(engine: ObservedEngine): void {
    this.#engine = engine;
  }

  get nextDue(): number {
    return this.#nextDue;
  }

  onDue(now: number, midBefore: number, midAfter: number): void {
    if (!(now <= this.#now)) this.#moveTo(now);
    // Fills whose horizon ended before this book are marked against the mid in force until it.
    const before = isPrice(midBefore) ? midBefore : this.#mark;
    if (isPrice(midAfter)) this.#setMark(midAfter);
    this.#nextDue = this.#pending.takeDue(now, before, this.#mark, this.#take);
  }

  onParams(now: number): void {
    this.#advance(now);
  }

  onTime(now: number): void {
    this.#advance(now);
  }

  // A count needs no time: an order of the version in force is counted there directly (most are);
  // any other takes the full path, which also notices a swap.
  onOrderPlaced(version: ParamsVersion, now: number): void {
    if (version === this.#currentVersion) this.#countCurrent(ORDERS);
    else this.#count(version, ORDERS, now);
  }

  onCancelSent(version: ParamsVersion, now: number): void {
    if (version === this.#currentVersion) this.#countCurrent(CANCELS);
    else this.#count(version, CANCELS, now);
  }

  onOrderRejected(version: ParamsVersion, now: number): void {
    this.#count(version, REJECTS, now);
  }

  onFill(fill: Fill, version: ParamsVersion | undefined, position: number, now: number): void {
    const { price, size, fee } = fill;
    if (!(price > 0) || !Number.isFinite(price) || !Number.isFinite(size) || !Number.isFinite(fee)) return;
    // Not #advance: a swap is told by onParams before the engine decides with the new params, and
    // this fill comes before that decision; time in force waits for the next flush.
    if (!(now <= this.#now)) this.#moveTo(now);
    this.#readMark(); // the mid in force before the fill
    this.#settle(now);
    this.#creditMark(); // the position is about to change
    // An order we no longer know (ended before its late fill): the version in force is the best guess.
    const stats = version === this.#currentVersion || version === undefined ? this.#current : this.#statsFor(version);
    stats.lastTouched = ++this.#seq;
    if (Number.isNaN(this.#mark)) this.#setMark(price);
    const ref = this.#mark;
    const sign = fill.side === 'buy' ? 1 : -1;
    const edge = sign * size * (ref - price);
    const t = stats.total;
    t[VOLUME]! += size;
    if (fill.liquidity === 'maker') {
      t[MAKER_FILLS]! += 1;
      this.#addPnl(stats, PNL_SPREAD, edge);
      this.#addPnl(stats, PNL_FEES, -fee);
      stats.sample(REALIZED_SPREAD, ((sign * (ref - price)) / ref) * 1e4);
      this.#pending.push(now, price, sign, stats);
      this.#nextDue = this.#pending.nextDue();
    } else {
      t[TAKER_FILLS]! += 1;
      this.#addPnl(stats, PNL_TAKER, edge - fee);
    }
    // A fill a reconcile already held leaves the position alone: the difference is a jump.
    const expected = this.#position + sign * size;
    this.#setPosition(expected);
    if (Number.isFinite(position)) this.#jump(position - expected);
  }

  onPosition(position: number, now: number): void {
    if (!Number.isFinite(position)) return;
    this.#advance(now);
    this.#flush();
    this.#jump(position - this.#position);
    this.#adopted = true;
  }

  // ---- what it reports ------------------------------------------------------------------------

  /**
   * What happened since the previous call (or since the recorder was made), per version with an
   * edge number and lineage; unversioned activity (file or default params) is only on /metrics.
   */
  takeDelta(now: number = this.#clock.now()): TelemetryDelta {
    this.#flush();
    const versions: TelemetryDelta['versions'] = [];
    for (const stats of this.#stats.values()) {
      if (stats.idleSinceReport()) continue;
      const delta = stats.takeDelta();
      if (stats.version !== null && stats.lineage !== null) versions.push(delta);
    }
    versions.sort((a, b) => a.params_version - b.params_version);
    const from = new Date(Math.min(this.#lastTakenAt, now)).toISOString();
    this.#lastTakenAt = now;
    const inventory = { last: this.#position, min: this.#invMin, max: this.#invMax };
    this.#invMin = this.#invMax = this.#position;
    return { from, to: new Date(now).toISOString(), versions, inventory };
  }

  /** The versions kept, each with totals since start. */
  versions(): readonly VersionStats[] {
    this.#flush();
    return [...this.#stats.values()];
  }

  /** The P&L parts since start, over every version. */
  pnl(): PnlParts {
    this.#flush();
    const p = this.#pnl;
    return { spread: p[0]!, inventory: p[1]!, fees: p[2]!, taker: p[3]! };
  }

  /** Sum of the parts. */
  pnlTotal(): number {
    this.#flush();
    const p = this.#pnl;
    return p[0]! + p[1]! + p[2]! + p[3]!;
  }

  /** The price positions are marked at: the last mid seen (NaN before any price). */
  get mark(): number {
    this.#readMark();
    return this.#mark;
  }

  /** Value of the position found at start, at the first price seen (not P&L). */
  get opening(): number {
    this.#readMark();
    return this.#opening;
  }

  get position(): number {
    return this.#position;
  }

  /** Mean 5 s markout in bps over the kept versions' maker fills, or null before any. */
  markout5s(): number | null {
    let n = 0;
    let sum = 0;
    const slot = MARKOUT + 3 * MARKOUT_KEYS.indexOf('5s');
    for (const s of this.#stats.values()) {
      n += s.total[slot]!;
      sum += s.total[slot + 1]!;
    }
    return n > 0 ? sum / n : null;
  }

  /** Markouts dropped because a horizon's queue was full. */
  get droppedMarkouts(): number {
    return this.#pending.dropped;
  }

  // ---- internals ------------------------------------------------------------------------------

  /**
   * Moves the recorder's time to `now`, takes the markouts due, and notices a params swap: what
   * accrued so far (#flush) belongs to the version in force until now.
   */
  #advance(now: number): void {
    if (!(now <= this.#now)) this.#moveTo(now);
    this.#readMark();
    this.#settle(now);
    const version = this.#version();
    if (version !== this.#currentVersion) this.#swapTo(version);
  }

  /** Time moved on; the first event's time opens the first segment (time in force counts from it). */
  #moveTo(now: number): void {
    if (Number.isNaN(this.#now)) this.#segmentStart = now;
    this.#now = now;
  }

  /** A swap was noticed: what accrued so far belongs to the version in force until now. */
  #swapTo(version: ParamsVersion): void {
    this.#flush();
    this.#currentVersion = version;
    this.#current = this.#statsFor(version);
  }

  /**
   * Credits to the current version what accrued since the last flush: time in force, time quoted
   * on both sides, and the position's mark-to-market (position × mark move). Called before anything
   * that changes one of them (swap, quoting, position) and before every read, so per book the
   * recorder only stores the mark.
   */
  #flush(): void {
    const now = this.#now;
    const t = this.#current.total;
    if (now > this.#segmentStart) t[ELAPSED_MS]! += now - this.#segmentStart;
    if (!(now <= this.#segmentStart)) this.#segmentStart = now;
    const quoted = this.#engine === null || Number.isNaN(now) ? this.#quotedSeen : this.#engine.quotedMs(now);
    if (quoted > this.#quotedSeen) t[QUOTED_MS]! += quoted - this.#quotedSeen;
    this.#quotedSeen = quoted;
    this.#readMark();
    this.#creditMark();
  }

  /** Credits the position's mark-to-market since the last credit to the current version. */
  #creditMark(): void {
    const move = this.#mark - this.#anchor;
    if (move !== 0 && this.#position !== 0 && Number.isFinite(move))
      this.#addPnl(this.#current, PNL_INVENTORY, this.#position * move);
    this.#anchor = this.#mark;
  }

  /** Takes the engine's mid in force as the mark (when it has one: a disconnect keeps the last). */
  #readMark(): void {
    const mid = this.#engine === null ? Number.NaN : this.#engine.mid();
    if (isPrice(mid)) this.#setMark(mid);
  }

  #setMark(price: number): void {
    if (Number.isNaN(this.#mark)) this.#firstMark(price);
    else this.#mark = price;
  }

  /** Takes the markouts due by `now` against the mark. */
  #settle(now: number): void {
    if (now < this.#nextDue) return;
    this.#nextDue = this.#pending.takeDue(now, this.#mark, this.#mark, this.#take);
  }

  /** The first price seen: the position found before it (the opening position) is valued at it. */
  #firstMark(price: number): void {
    this.#opening += this.#openingQty * price;
    this.#openingQty = 0;
    this.#mark = price;
    this.#anchor = price;
  }

  /** The position moved without a fill of ours (adopted from the venue): marked at the current price. */
  #jump(quantity: number): void {
    if (quantity === 0) return;
    this.#setPosition(this.#position + quantity);
    if (!Number.isFinite(this.#mark)) this.#openingQty += quantity;
    else if (!this.#adopted) this.#opening += quantity * this.#mark;
    else this.#addPnl(this.#current, PNL_INVENTORY, quantity * this.#mark);
  }

  #setPosition(position: number): void {
    this.#position = position;
    if (position < this.#invMin) this.#invMin = position;
    if (position > this.#invMax) this.#invMax = position;
  }

  #addPnl(stats: VersionStats, slot: (typeof PNL_SLOTS)[number], amount: number): void {
    stats.total[slot]! += amount;
    this.#pnl[slot - PNL_SPREAD]! += amount;
  }

  #count(version: ParamsVersion, slot: number, now: number): void {
    this.#advance(now);
    const stats = this.#statsFor(version);
    stats.total[slot]! += 1;
    stats.lastTouched = ++this.#seq;
  }

  #countCurrent(slot: number): void {
    const stats = this.#current;
    stats.total[slot]! += 1;
    stats.lastTouched = ++this.#seq;
  }

  #statsFor(version: ParamsVersion): VersionStats {
    const key = version ?? 0;
    const found = this.#stats.get(key);
    if (found !== undefined) return found;
    const stats = new VersionStats(version, this.#lineage());
    stats.lastTouched = ++this.#seq;
    this.#stats.set(key, stats);
    if (this.#stats.size > this.#retained) this.#evict();
    return stats;
  }

  /** Drops the least recently active version other than the current one. */
  #evict(): void {
    let oldest: number | null = null;
    let oldestSeq = Number.POSITIVE_INFINITY;
    for (const [key, stats] of this.#stats) {
      if (stats === this.#current || (this.#currentVersion ?? 0) === key) continue;
      if (stats.lastTouched < oldestSeq) {
        oldestSeq = stats.lastTouched;
        oldest = key;
      }
    }
    if (oldest !== null) this.#stats.delete(oldest);
  }
}
