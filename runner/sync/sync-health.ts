/**
 * Health of the params path, as the quoting loop needs it. `starting` until the first answer;
 * `ready` while the edge answers; `stale` when it stops answering (keep quoting on the held
 * params: they were valid when applied, and an edge outage is not a market event); `error` once
 * staleness outlasts the grace period, or at once when the edge refuses the token (syncing stops:
 * waiting will not fix a wrong token). The policy on `error` is the operator's choice.
 */
import type { SyncState } from '../../shared/api.ts';
import { systemClock, type Clock } from '../../shared/clock.ts';
import type { RiskPolicy } from '../../engine/trading-loop-contract.ts';

export type OnErrorPolicy = 'keep' | 'widen' | 'reduce-only' | 'halt';

export interface HealthView {
  state: SyncState;
  policy: RiskPolicy;
  /** Why the state is not `ready`, in words; null when ready. */
  reason: string | null;
  /** Clock time of the last answer from the edge; null before any. */
  lastSuccessAt: number | null;
  staleSince: number | null;
}

export interface SyncHealthOptions {
  graceMs: number;
  onError: OnErrorPolicy;
  clock?: Clock;
  /** Told on each state change (for logs and metrics). */
  onChange?: (from: SyncState, to: SyncState, reason: string | null) => void;
}

export function riskPolicyFor(state: SyncState, onError: OnErrorPolicy): RiskPolicy {
  switch (state) {
    case 'starting':
    case 'ready':
    case 'stale':
      return 'normal';
    case 'error':
      return policyOnError(onError);
  }
}

function policyOnError(onError: OnErrorPolicy): RiskPolicy {
  switch (onError) {
    case 'keep':
      return 'normal';
    case 'widen':
      return 'widen';
    case 'reduce-only':
      return 'reduce_only';
    case 'halt':
      return 'halt';
  }
}

export class SyncHealth {
  #state: SyncState = 'starting';
  #reason: string | null = null;
  #lastSuccessAt: number | null = null;
  #staleSince: number | null = null;
  #refused = false;
  readonly #graceMs: number;
  readonly #onError: OnErrorPolicy;
  readonly #clock: Clock;
  readonly #onChange: NonNullable<SyncHealthOptions['onChange']>;

  constructor({ graceMs, onError, clock = systemClock, onChange = () => {} }: SyncHealthOptions) {
    this.#graceMs = graceMs;
    this.#onError = onError;
    this.#clock = clock;
    this.#onChange = onChange;
  }

  /** The state now; staleness past the grace period turns into `error` here, lazily. */
  state(): SyncState {
    if (this.#state === 'stale' && this.#staleSince !== null && this.#clock.now() - this.#staleSince >= this.#graceMs) {
      this.#set('error', `edge unreachable for more than ${Math.round(this.#graceMs / 1000)} s: ${this.#reason ?? 'unknown'}`);
    }
    return this.#state;
  }

  /** What the quoting loop must do now. Cheap: called once per event. */
  policy(): RiskPolicy {
    return riskPolicyFor(this.state(), this.#onError);
  }

  view(): HealthView {
    const state = this.state();
    return {
      state,
      policy: riskPolicyFor(state, this.#onError),
      reason: this.#reason,
      lastSuccessAt: this.#lastSuccessAt,
      staleSince: this.#staleSince,
    };
  }

  /** True once the edge refused the token: syncing has stopped for good. */
  get refused(): boolean {
    return this.#refused;
  }

  /** The edge answered (200, 304, an open socket). */
  markSuccess(): void {
    if (this.#refused) return;
    this.#lastSuccessAt = this.#clock.now();
    this.#staleSince = null;
    this.#set('ready', null);
  }

  /** The edge could not be reached or answered with a failure worth retrying. */
  markFailure(reason: string): void {
    if (this.#refused) return;
    if (this.#staleSince === null) this.#staleSince = this.#clock.now();
    if (this.#state === 'error') {
      this.#reason = reason;
      return;
    }
    this.#set('stale', reason);
    this.state();
  }

  /** Params loaded without the edge (cache at start-up): quoting is possible, the edge is not confirmed. */
  markStartedOffline(reason: string): void {
    this.markFailure(reason);
  }

  /** 401/403: the token was refused. Not an outage; syncing stops until someone fixes the token. */
  markRefused(reason: string): void {
    this.#refused = true;
    this.#set('error', reason);
  }

  #set(state: SyncState, reason: string | null): void {
    const from = this.#state;
    this.#state = state;
    this.#reason = reason;
    if (from !== state) this.#onChange(from, state, reason);
  }
}
