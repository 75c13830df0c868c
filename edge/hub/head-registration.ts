/**
 * Registering a set's head with the `SetRegistry`, the one global Durable Object behind
 * `GET /v1/sets`. The registry is a fact that lags the head: a writer registers right after its
 * commit, waiting at most `registryTimeoutMs` (so the set is listed, at its current version, once the
 * write is answered); when the registry fails or hangs, the head mirror's alarm retries.
 */
import type { SetSummary, Version } from '../../shared/api.ts';
import { log } from '../log.ts';
import type { HubPorts } from './hub-ports.ts';
import type { HubStore } from './hub-store.ts';
import { withTimeout } from './with-timeout.ts';

/** Longest a writer waits for the `SetRegistry` before answering anyway (the alarm registers later). */
export const REGISTRY_TIMEOUT_MS = 1000;

/** What the hub needs of the registry (a test injects a hung or failing one). */
export interface RegistryClient {
  upsert(summary: SetSummary): Promise<unknown>;
}

export function registryPending(store: HubStore, head: Version): boolean {
  return Number(store.fact('registered_version') ?? 0) < head.version;
}

/**
 * Records `version` with the registry; false when the registry failed or did not answer in time.
 * Registrations of two writes may finish out of order: the fact only moves forward, as the
 * registry's own row does.
 */
export async function registerHead(hub: HubPorts, version: Version): Promise<boolean> {
  try {
    const summary: SetSummary = {
      set: version.set,
      version: version.version,
      updated_at: version.created_at,
      author: version.author,
    };
    await withTimeout(
      // A registry stub that throws synchronously is a failed registration too.
      Promise.resolve().then(() => hub.registry().upsert(summary)),
      { timeoutMs: hub.registryTimeoutMs, what: 'SetRegistry.upsert', clock: hub.clock },
    );
    if (registryPending(hub.store, version)) hub.store.setFact('registered_version', String(version.version));
    return true;
  } catch (error) {
    log.error('registry_failed', { set: version.set, version: version.version, error });
    return false;
  }
}
