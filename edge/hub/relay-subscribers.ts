/**
 * The watch relays of a set (one per token with sockets), kept by its hub: every commit is pushed to
 * each of them, which pushes it to its sockets. The names are stored (a fact), so a hub evicted from
 * memory still pushes to relays whose sockets hibernate. A push is not awaited: a slow or flooded
 * relay never holds a write.
 */
import type { Version } from '../../shared/api.ts';
import { log } from '../log.ts';
import type { HubStore } from './hub-store.ts';

const FACT = 'watch_relays';

export interface RelayClient {
  push(version: Version): Promise<void>;
}

export class RelaySubscribers {
  readonly #store: () => HubStore;
  readonly #relay: (name: string) => RelayClient;
  #names: Set<string> | undefined;

  constructor(store: () => HubStore, relay: (name: string) => RelayClient) {
    this.#store = store;
    this.#relay = relay;
  }

  add(name: string): void {
    const names = this.#all();
    if (names.has(name)) return;
    names.add(name);
    this.#store().setFact(FACT, JSON.stringify([...names]));
  }

  push(version: Version): void {
    for (const name of this.#all())
      void Promise.resolve()
        .then(() => this.#relay(name).push(version))
        .catch((error: unknown) =>
          log.warn('relay_push_failed', { set: version.set, version: version.version, relay: name, error: String(error) }),
        );
  }

  #all(): Set<string> {
    this.#names ??= new Set(JSON.parse(this.#store().fact(FACT) ?? '[]') as string[]);
    return this.#names;
  }
}
