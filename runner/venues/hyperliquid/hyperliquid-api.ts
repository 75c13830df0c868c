/**
 * Livetune's requests to Hyperliquid over HTTP: `POST /info` (read) and `POST /exchange` (a signed
 * L1 action). One request at a time to `/exchange`, in nonce order: the exchange keeps the highest
 * nonces per signer and refuses one far below them, and a cancel must never overtake the order it
 * cancels. Every action carries `expiresAfter` (a request stuck in a queue somewhere is refused by
 * the exchange instead of executing late). Answers are read with a byte cap and parsed before use.
 * In dry-run mode everything happens but the sending: the signed body is logged and a made-up
 * acceptance returned, so the engine runs its course and the log is the audit trail.
 */
import type { z } from 'zod';
import { type Clock, systemClock } from '../../../shared/clock.ts';
import { readCappedBytes } from '../../../shared/read-capped-bytes.ts';
import type { L1Action } from '../../../engine/venue/hyperliquid/order-wire.ts';
import type { EngineLogger } from '../../../engine/strategy/quoting-engine.ts';
import { actionWeight, type RateBudget, type RequestKind } from './rate-budget.ts';
import { type ExchangeResponse, ExchangeResponseSchema } from './hyperliquid-shapes.ts';
import type { HyperliquidSigner, Network } from './hyperliquid-signer.ts';

const MAX_ANSWER_BYTES = 2 * 1024 * 1024;
/** How long after signing an action the exchange may still execute it. */
export const DEFAULT_EXPIRES_AFTER_MS = 10_000;
/** Nothing but cancels for this long after a 429 without Retry-After. */
const THROTTLE_COOL_MS = 10_000;

export type HyperliquidErrorKind = 'network' | 'throttled' | 'http' | 'bad-response' | 'deferred';

/** A request that did not get a usable answer. The message names the path and what went wrong, never the key. */
export class HyperliquidRequestError extends Error {
  readonly kind: HyperliquidErrorKind;
  constructor(kind: HyperliquidErrorKind, message: string) {
    super(message);
    this.name = 'HyperliquidRequestError';
    this.kind = kind;
  }
}

export type FetchFn = (
  url: string,
  init: { method: string; headers: Record<string, string>; body: string; signal?: AbortSignal },
) => Promise<Response>;

export interface HyperliquidApiOptions {
  apiUrl: string;
  network: Network;
  signer: HyperliquidSigner;
  budget: RateBudget;
  /** Log each signed body instead of sending it. */
  dryRun?: boolean;
  vaultAddress?: `0x${string}` | undefined;
  expiresAfterMs?: number;
  fetch?: FetchFn;
  clock?: Clock;
  logger: EngineLogger;
  timeoutMs?: number;
}

export interface SignedBody {
  action: L1Action;
  nonce: number;
  signature: { r: string; s: string; v: number };
  vaultAddress?: string;
  expiresAfter: number;
}

export class HyperliquidApi {
  readonly dryRun: boolean;
  #o: HyperliquidApiOptions;
  #fetch: FetchFn;
  #clock: Clock;
  #lastNonce = 0;
  #exchangeChain: Promise<unknown> = Promise.resolve();
  #dryOid = 1_000_000_000;

  constructor(options: HyperliquidApiOptions) {
    this.#o = options;
    this.dryRun = options.dryRun === true;
    this.#fetch = options.fetch ?? (globalThis.fetch as unknown as FetchFn);
    this.#clock = options.clock ?? systemClock;
  }

  /** Milliseconds since the epoch, strictly increasing even within one millisecond. */
  nonce(): number {
    this.#lastNonce = Math.max(this.#clock.now(), this.#lastNonce + 1);
    return this.#lastNonce;
  }

  async info<S extends z.ZodType>(body: Record<string, unknown>, schema: S, weight: number): Promise<z.output<S>> {
    if (!this.#o.budget.allows('info', weight))
      throw new HyperliquidRequestError('deferred', `info ${String(body.type)}: held back, the rate budget is near its end`);
    this.#o.budget.spend('info', weight);
    const raw = await this.#post('/info', JSON.stringify(body));
    const parsed = schema.safeParse(raw);
    if (!parsed.success)
      throw new HyperliquidRequestError(
        'bad-response',
        `/info ${String(body.type)}: unexpected answer (${parsed.error.issues[0]?.message ?? 'bad shape'})`,
      );
    return parsed.data;
  }

  /** Signs and sends one action; answers arrive in the order the actions were given. */
  exchange(action: L1Action, kind: RequestKind, batchLength = 1): Promise<ExchangeResponse> {
    const run = this.#exchangeChain.then(() => this.#exchangeNow(action, kind, batchLength));
    this.#exchangeChain = run.catch(() => undefined);
    return run;
  }

  async #exchangeNow(action: L1Action, kind: RequestKind, batchLength: number): Promise<ExchangeResponse> {
    const weight = actionWeight(batchLength);
    if (!this.#o.budget.allows(kind, weight))
      throw new HyperliquidRequestError('deferred', `${action.type}: held back, the rate budget is near its end`);
    const nonce = this.nonce();
    const expiresAfter = nonce + (this.#o.expiresAfterMs ?? DEFAULT_EXPIRES_AFTER_MS);
    const signature = await this.#o.signer.sign({
      action: action as unknown as Record<string, unknown>,
      nonce,
      network: this.#o.network,
      vaultAddress: this.#o.vaultAddress,
      expiresAfter,
    });
    const body: SignedBody = {
      action,
      nonce,
      signature,
      ...(this.#o.vaultAddress ? { vaultAddress: this.#o.vaultAddress } : {}),
      expiresAfter,
    };
    if (this.dryRun) {
      this.#o.logger.info({ body }, 'dry run: signed request not sent');
      return this.#dryAnswer(action);
    }
    this.#o.budget.spend(kind, weight);
    const raw = await this.#post('/exchange', JSON.stringify(body));
    const parsed = ExchangeResponseSchema.safeParse(raw);
    if (!parsed.success)
      throw new HyperliquidRequestError(
        'bad-response',
        `/exchange ${action.type}: unexpected answer (${parsed.error.issues[0]?.message ?? 'bad shape'})`,
      );
    return parsed.data;
  }

  #dryAnswer(action: L1Action): ExchangeResponse {
    switch (action.type) {
      case 'order':
        return {
          status: 'ok',
          response: {
            type: 'order',
            data: { statuses: action.orders.map((o) => ({ resting: { oid: this.#dryOid++, cloid: o.c } })) },
          },
        };
      case 'cancel':
      case 'cancelByCloid':
        return { status: 'ok', response: { type: 'cancel', data: { statuses: action.cancels.map(() => 'success' as const) } } };
      case 'scheduleCancel':
        return { status: 'ok', response: { type: 'default' } };
    }
  }

  async #post(path: string, body: string): Promise<unknown> {
    const url = `${this.#o.apiUrl}${path}`;
    let response: Response;
    try {
      response = await this.#fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(this.#o.timeoutMs ?? 10_000),
      });
    } catch (error) {
      throw new HyperliquidRequestError('network', `POST ${path}: ${(error as Error).message}`);
    }
    if (response.status === 429) {
      const retryAfter = Number(response.headers.get('retry-after'));
      this.#o.budget.onThrottled(Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : THROTTLE_COOL_MS);
      await response.body?.cancel().catch(() => {});
      throw new HyperliquidRequestError('throttled', `POST ${path}: 429 rate limited by the exchange`);
    }
    const read = await readCappedBytes(response, MAX_ANSWER_BYTES);
    if (read.kind === 'too-large')
      throw new HyperliquidRequestError(
        'bad-response',
        `POST ${path}: answer larger than ${MAX_ANSWER_BYTES} bytes (${read.seen})`,
      );
    const text = new TextDecoder().decode(read.bytes);
    if (response.status !== 200)
      throw new HyperliquidRequestError('http', `POST ${path}: HTTP ${response.status} ${JSON.stringify(text.slice(0, 200))}`);
    try {
      return JSON.parse(text);
    } catch {
      throw new HyperliquidRequestError(
        'bad-response',
        `POST ${path}: answer is not JSON: ${JSON.stringify(text.slice(0, 200))}`,
      );
    }
  }
}
