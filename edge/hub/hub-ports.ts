/**
 * What the hub's parts (writes, head mirror, fleet table, watch sockets) read from the hub at each
 * call. The `ParamsHub` instance is the one implementation: tests replace these fields on a live
 * instance (a failing KV, a hung registry, a tighter config, a fixed clock), and every part sees the
 * replacement because no part keeps its own copy.
 */
import type { Clock } from '../../shared/clock.ts';
import type { EdgeConfig } from '../config.ts';
import type { RegistryClient } from './head-registration.ts';
import type { HubStore } from './hub-store.ts';
import type { PolicyStore } from './policy-store.ts';
import type { KeyedBuckets, TokenBucket } from './token-bucket.ts';

export interface HubPorts {
  readonly store: HubStore;
  /** The set's policy history (caps, step limit, signing). */
  readonly policies: PolicyStore;
  readonly config: EdgeConfig;
  readonly clock: Clock;
  /** Immutable version keys and the head mirror. */
  readonly kv: KVNamespace;
  readonly registry: () => RegistryClient;
  /** Longest a writer waits for the registry before answering anyway. */
  readonly registryTimeoutMs: number;
  readonly alarms: Pick<DurableObjectStorage, 'getAlarm' | 'setAlarm'>;
  /** Per set. */
  readonly writeLimiter: TokenBucket;
  /** Per runner id, HTTP and socket reports alike. */
  readonly reportLimiter: KeyedBuckets;
  /** Per runner id, ACKs and NACKs on watch sockets. */
  readonly ackLimiter: KeyedBuckets;
}
