/**
 * How a watch relay hands what its sockets said to the set's hub: in batches, one at a time, at
 * most one per `intervalMs`. However fast a token's sockets send, the hub sees a few RPCs a second
 * from it, never one event per message — the hub is single-threaded, and its writes (the kill
 * switch) must not queue behind a flood. What waits is bounded (`maxPending`); beyond it a message
 * is refused like one over a rate limit.
 */
import type { Clock } from '../../shared/clock.ts';
import { log } from '../log.ts';
import type { FleetBatch, FleetBatchItem, FleetBatchVerdict } from './fleet-batch.ts';

export interface FleetForwarderOptions {
  token: () => string;
  send: (batch: FleetBatch) => Promise<FleetBatchVerdict[]>;
  /** Told of the hub's verdict on each item (a refused one counts against its socket). */
  onVerdicts: (items: FleetBatchItem[], verdicts: FleetBatchVerdict[]) => void;
  clock: Clock;
  intervalMs: number;
  maxPending?: number;
}

export class FleetForwarder {
  readonly #o: FleetForwarderOptions;
  #items: FleetBatchItem[] = [];
  #rateLimited = 0;
  #socketsClosed = 0;
  #running = false;

  constructor(options: FleetForwarderOptions) {
    this.#o = options;
  }

  /** Queues an item for the hub; false when too many wait already (count it as rate-limited). */
  add(item: FleetBatchItem): boolean {
    if (this.#items.length >= (this.#o.maxPending ?? 1000)) return false;
    this.#items.push(item);
    this.#kick();
    return true;
  }

  /** Refusals decided here (dropped messages, closed sockets), reported with the next batch. */
  count(counter: 'rate_limited' | 'sockets_closed'): void {
    if (counter === 'rate_limited') this.#rateLimited += 1;
    else this.#socketsClosed += 1;
    this.#kick();
  }

  #kick(): void {
    if (this.#running) return;
    this.#running = true;
    void this.#drain();
  }

  async #drain(): Promise<void> {
    try {
      while (this.#items.length > 0 || this.#rateLimited > 0 || this.#socketsClosed > 0) {
        const items = this.#items;
        const batch: FleetBatch = {
          token: this.#o.token(),
          items,
          refusals: { rate_limited: this.#rateLimited, sockets_closed: this.#socketsClosed },
        };
        this.#items = [];
        this.#rateLimited = 0;
        this.#socketsClosed = 0;
        try {
          this.#o.onVerdicts(items, await this.#o.send(batch));
        } catch (error) {
          // Fleet news is soft state: the runner's next report brings it back.
          log.warn('fleet_forward_failed', { items: items.length, error: String(error) });
        }
        await this.#o.clock.sleep(this.#o.intervalMs);
      }
    } finally {
      this.#running = false;
    }
  }
}
