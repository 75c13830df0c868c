/**
 * The watch relays of a set (one per token with sockets), kept by its hub: every commit is pushed to
 * each of them, which pushes it to its sockets. The names are stored (a fact), so a hub evicted from
 * memory still pushes to relays whose sockets hibernate. A push is not awaited: a slow or flooded
 * relay never holds a write.
 */
import { log } from '../log.ts';
import type { HubStore } from './hub-store.ts';
import type { AssignedVersions } from './rollouts/hub-rollouts.ts';

const FACT = 'watch_relays';

export interface RelayClient {
  /** The head, and a rollout's candidate with who gets it: each socket is sent its own version. */
  push(assigned: AssignedVersions): Promise<void>;
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

  push(assigned: AssignedVersions): void {
    const { head } = assigned;
    for (const name of this.#all())
      void Promise.resolve()
        .then(() => this.#relay(name).push(assigned))
        .catch((error: unknown) =>
          log.warn('relay_push_failed', { set: head.set, version: head.version, relay: name, error: String(error) }),
        );
  }

  #all(): Set<string> {
    this.#names ??= new Set(JSON.parse(this.#store().fact(FACT) ?? '[]') as string[]);
    return this.#names;
  }
}
