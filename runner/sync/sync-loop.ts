/**
 * What every sync transport shares: its life cycle and the collaborators it reports to. The
 * transports (HTTP long-poll/poll, WebSocket push) differ only in how versions arrive.
 */
import type { Logger } from 'pino';
import type { BackoffOptions } from '../../client/backoff.ts';
import type { Clock } from '../../shared/clock.ts';
import type { ParamsHolder } from '../params/params-holder.ts';
import type { SyncHealth } from './sync-health.ts';
import type { VersionApplier } from './version-applier.ts';

export type SyncMode = 'longpoll' | 'ws' | 'poll' | 'file';

export interface SyncLoop {
  readonly mode: SyncMode;
  start(): void;
  /** Stops syncing; resolves once no request or socket is left open. */
  stop(): Promise<void>;
}

/** The collaborators of every transport. */
export interface SyncDeps {
  holder: ParamsHolder;
  applier: VersionApplier;
  health: SyncHealth;
  logger: Logger;
  clock: Clock;
  random: () => number;
  backoff: BackoffOptions;
  /** Counts a failure by reason (metrics). */
  onFailure?: (reason: string) => void;
}
