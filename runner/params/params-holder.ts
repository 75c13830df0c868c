/**
 * The params holder: the one place the quoting loop reads its params from. The current params,
 * their version and etag live together in one frozen snapshot; a swap replaces that snapshot with
 * one reference assignment, so a loop that calls `get()` once per event can never see half of one
 * version and half of another. Everything is validated with the shared schema before it gets here.
 */
import { readFile } from 'node:fs/promises';
import { parseParams, ParamsValidationError } from '../../shared/validate-params.ts';
import type { Params } from '../../shared/params-schema.ts';
import { systemClock, type Clock } from '../../shared/clock.ts';

/** Where the params in force came from. */
export type ParamsOrigin = 'edge' | 'cache' | 'defaults' | 'file';

export interface ParamsMeta {
  /** The edge version; undefined for params with no edge version (a file, the defaults). */
  version?: number;
  /** The history `version` belongs to (DESIGN "A version"); numbers compare only within one. */
  lineage?: string;
  etag?: string;
  origin?: ParamsOrigin;
  /**
   * This version is the edge's fresh head (answered by the hub, not the KV mirror). It may replace
   * a higher version that this edge never confirmed (one from the cache, the defaults or a file).
   */
  freshHead?: boolean;
}

export interface ParamsSnapshot {
  readonly params: Readonly<Params>;
  readonly version: number | null;
  readonly lineage: string | null;
  readonly etag: string | null;
  readonly origin: ParamsOrigin;
  /** Clock time of the swap. */
  readonly appliedAt: number;
}

export interface SwapEvent {
  readonly previous: ParamsSnapshot | null;
  readonly current: ParamsSnapshot;
}

export type SwapListener = (event: SwapEvent) => void;

export interface ParamsHolderOptions {
  /** Stamps each swap (`appliedAt`). */
  clock?: Pick<Clock, 'now'>;
  /** Told when a listener throws; a bad listener must not stop the swap or the other listeners. */
  onListenerError?: (error: unknown) => void;
}

export class ParamsHolder {
  #snapshot: ParamsSnapshot | null = null;
  #listeners = new Set<SwapListener>();
  readonly #clock: Pick<Clock, 'now'>;
  readonly #onListenerError: (error: unknown) => void;

  constructor({ clock = systemClock, onListenerError = () => {} }: ParamsHolderOptions = {}) {
    this.#clock = clock;
    this.#onListenerError = onListenerError;
  }

  /** The params in force: one reference read. Throws before anything was loaded. */
  get(): Readonly<Params> {
    const snapshot = this.#snapshot;
    if (!snapshot) throw new Error('no params loaded yet: the runner must load params before quoting');
    return snapshot.params;
  }

  /** Params, version and etag of one swap, read together. */
  snapshot(): ParamsSnapshot | null {
    return this.#snapshot;
  }

  get version(): number | null {
    return this.#snapshot?.version ?? null;
  }

  get lineage(): string | null {
    return this.#snapshot?.lineage ?? null;
  }

  get etag(): string | null {
    return this.#snapshot?.etag ?? null;
  }

  get loaded(): boolean {
    return this.#snapshot !== null;
  }

  /**
   * Validates `input` and swaps it in. Throws `ParamsValidationError` (naming each field and its
   * range) and keeps the current params when it is invalid. Returns false, changing nothing, when
   * `meta.version` is not newer than the version held: edge versions only move forward, so a late
   * answer to an old request cannot undo a newer one. Numbers compare only within one lineage: a
   * version of another lineage is never "older" or "equal", it is another history, taken only as
   * `replacement` allows. That rule protects versions this process received from the edge; a
   * `freshHead` version lower than params the edge never confirmed is applied too.
   */
  update(input: unknown, meta: ParamsMeta = {}): boolean {
    const params = parseParams(
      input,
      meta.version === undefined ? 'invalid params' : `invalid params in version ${meta.version}`,
    );
    const held = this.#snapshot;
    if (meta.version !== undefined && held !== null && held.version !== null && this.replacement(meta) === null) {
      if (this.#otherLineage(meta) || meta.version <= held.version) return false;
    }
    this.#swap({
      // The document is flat (numbers and one string), so freezing the top level freezes it deeply.
      params: Object.freeze({ ...params }),
      version: meta.version ?? null,
      lineage: meta.lineage ?? null,
      etag: meta.etag ?? null,
      origin: meta.origin ?? (meta.version === undefined ? 'file' : 'edge'),
      appliedAt: this.#clock.now(),
    });
    return true;
  }

  /**
   * True when `meta` replaces the held params although its number is not higher (`replacement`).
   * A last-known-good cache written against another edge history (a staging edge, an edge whose
   * state was wiped) can hold v12, or v3 with other params, while this edge's head is v3: "only
   * forward" would pin the runner to it forever and hide the edge's params (a kill switch, say).
   * The edge is the source of truth; the cache is only a fallback.
   */
  supersedesUnconfirmed(meta: ParamsMeta): boolean {
    return this.replacement(meta) !== null;
  }

  /**
   * Why `meta` replaces the held version although "only forward" would refuse it, or null:
   * - `other-lineage`: it is of another history than the held params, and either the edge's fresh
   *   head or held params the edge never confirmed (cache, defaults, file). A cache from a staging
   *   edge with the same number as this edge's head would otherwise answer 304 for ever.
   * - `unconfirmed-higher`: the edge's fresh head is lower than unconfirmed held params of the
   *   same lineage.
   */
  replacement(meta: ParamsMeta): 'other-lineage' | 'unconfirmed-higher' | null {
    const held = this.#snapshot;
    if (meta.version === undefined || held === null || held.version === null) return null;
    if (this.#otherLineage(meta)) return meta.freshHead === true || held.origin !== 'edge' ? 'other-lineage' : null;
    return meta.freshHead === true && held.origin !== 'edge' && meta.version < held.version ? 'unconfirmed-higher' : null;
  }

  #otherLineage(meta: ParamsMeta): boolean {
    const held = this.#snapshot?.lineage ?? null;
    return meta.lineage !== undefined && held !== null && meta.lineage !== held;
  }

  /**
   * The seed bot's reload: false when `path` does not exist; throws (naming the path) on bad JSON
   * or invalid values, keeping the current params; true when applied. File params carry no edge
   * version, so they always apply.
   */
  async reloadFromFile(path: string, readText: (path: string) => Promise<string> = (p) => readFile(p, 'utf8')): Promise<boolean> {
    let text: string;
    try {
      text = await readText(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw new Error(`cannot read params file ${path}: ${(error as Error).message}`, { cause: error });
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new Error(`params file ${path} is not valid JSON: ${(error as Error).message}`, { cause: error });
    }
    try {
      return this.update(json, { origin: 'file' });
    } catch (error) {
      if (error instanceof ParamsValidationError) throw new ParamsValidationError(error.issues, `params file ${path} rejected`);
      throw error;
    }
  }

  /** Called after each swap with the previous and the new snapshot. Returns the unsubscribe. */
  onSwap(listener: SwapListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #swap(next: ParamsSnapshot): void {
    const previous = this.#snapshot;
    this.#snapshot = Object.freeze(next);
    for (const listener of this.#listeners) {
      try {
        listener({ previous, current: next });
      } catch (error) {
        this.#onListenerError(error);
      }
    }
  }
}
