/**
 * Adaptive tuning through the API: watch the realized volatility of the mid and move the set
 * between a calm and a volatile regime (wider spread and smaller clips when the market moves).
 *
 *   LIVETUNE_URL=http://127.0.0.1:8787 LIVETUNE_SET=hype-perp LIVETUNE_TUNER_TOKEN=… \
 *     node examples/adaptive-tuner.ts [--source fleet|status] [--status-url http://127.0.0.1:9464]
 *       [--interval-ms 1000] [--window-s 60] [--enter-bps 2] [--exit-bps 1.4] [--confirmations 3]
 *       [--min-hold-s 60] [--dry-run]
 *
 * The mid comes from the fleet table (median of the runners' `trading.mid`) or from one runner's
 * `/status`. The decision is the pure `decideRegime` (hysteresis, confirmations, dwell time); this
 * file is only the shell around it. Each write is a PATCH of the keys the tuner owns, with If-Match
 * on the version it just read, retried on 412 (someone else wrote first) and an audit message that
 * says why. Use a write token of its own, so the history shows `author: tuner` (or whatever the
 * token is named) and operators can tell its changes from theirs. Every call goes through the one
 * edge client (`client/`): parsed answers, typed errors, deadlines on the clock.
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { createEdgeClient } from '../client/edge-client.ts';
import { PreconditionFailedError, RateLimitedError, ValidationError } from '../client/edge-errors.ts';
import { createEdgeRequest, type FetchLike } from '../client/edge-request.ts';
import { parseAnswer } from '../client/parse-answer.ts';
import { systemClock, type Clock } from '../shared/clock.ts';
import type { ParamsInput } from '../shared/index.ts';
import { DEFAULT_REGIME_CONFIG, decideRegime, type RegimeConfig, type TunerState } from './adaptive-tuner/decide-regime.ts';
import { realizedVolBpsPerSqrtS, withinWindow, type MidSample } from './adaptive-tuner/realized-vol.ts';
import { DEFAULT_REGIME_PARAMS, describePatch, patchToward, regimeOfParams } from './adaptive-tuner/regime-params.ts';

interface TunerOptions {
  url: string;
  set: string;
  token: string;
  source: 'fleet' | 'status';
  statusUrl?: string;
  intervalMs: number;
  windowMs: number;
  regime: RegimeConfig;
  dryRun: boolean;
}

interface Deps {
  fetch: FetchLike;
  clock: Clock;
  log: (event: string, fields: Record<string, unknown>) => void;
}

const defaultDeps: Deps = {
  fetch: globalThis.fetch,
  clock: systemClock,
  // One JSON line per event; never the token.
  log: (event, fields) => console.log(JSON.stringify({ time: new Date().toISOString(), event, ...fields })),
};

/** The part of a runner's `/status` the tuner reads. */
const RunnerStatusSchema = z.object({ trading: z.object({ mid: z.number().nullable().optional() }).nullable().optional() });

const MAX_WRITE_ATTEMPTS = 5;
/** A heartbeat line with the current reading, so a quiet tuner is visibly alive. */
const READING_LOG_EVERY_MS = 10_000;

function fail(message: string): never {
  console.error(`adaptive-tuner: ${message}`);
  process.exit(2);
}

function positive(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) fail(`--${name} = ${JSON.stringify(text)}: expected a number > 0`);
  return value;
}

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv): TunerOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      url: { type: 'string' },
      set: { type: 'string' },
      source: { type: 'string', default: 'fleet' },
      'status-url': { type: 'string' },
      'interval-ms': { type: 'string', default: '1000' },
      'window-s': { type: 'string', default: '60' },
      'enter-bps': { type: 'string', default: String(DEFAULT_REGIME_CONFIG.enterVolatileBps) },
      'exit-bps': { type: 'string', default: String(DEFAULT_REGIME_CONFIG.exitVolatileBps) },
      confirmations: { type: 'string', default: String(DEFAULT_REGIME_CONFIG.confirmations) },
      'min-hold-s': { type: 'string', default: String(DEFAULT_REGIME_CONFIG.minHoldMs / 1000) },
      'dry-run': { type: 'boolean', default: false },
    },
  });
  const url = values.url ?? env.LIVETUNE_URL ?? fail('no edge URL: pass --url or set LIVETUNE_URL');
  const set = values.set ?? env.LIVETUNE_SET ?? fail('no param set: pass --set or set LIVETUNE_SET');
  const token =
    env.LIVETUNE_TUNER_TOKEN ??
    env.LIVETUNE_TOKEN ??
    fail('no token: set LIVETUNE_TUNER_TOKEN (a write token of its own) or LIVETUNE_TOKEN');
  if (values.source !== 'fleet' && values.source !== 'status')
    fail(`--source = ${JSON.stringify(values.source)}: expected fleet | status`);
  if (values.source === 'status' && !values['status-url']) fail("--source status needs --status-url (a runner's status server)");
  const regime: RegimeConfig = {
    enterVolatileBps: positive('enter-bps', values['enter-bps']),
    exitVolatileBps: positive('exit-bps', values['exit-bps']),
    confirmations: Math.round(positive('confirmations', values.confirmations)),
    minHoldMs: positive('min-hold-s', values['min-hold-s']) * 1000,
  };
  if (regime.exitVolatileBps >= regime.enterVolatileBps)
    fail('--exit-bps must be below --enter-bps (that gap is the hysteresis)');
  return {
    url: url.replace(/\/+$/, ''),
    set,
    token,
    source: values.source,
    statusUrl: values['status-url'],
    intervalMs: positive('interval-ms', values['interval-ms']),
    windowMs: positive('window-s', values['window-s']) * 1000,
    regime,
    dryRun: values['dry-run'],
  };
}

function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function createTuner(options: TunerOptions, deps: Deps) {
  const { clock } = deps;
  const edge = createEdgeClient({ baseUrl: options.url, token: options.token, fetch: deps.fetch, clock });
  // A runner's status server is plain HTTP JSON, like the edge: the same request layer, without a token.
  const statusServer =
    options.source === 'status' && options.statusUrl
      ? createEdgeRequest({ baseUrl: options.statusUrl, fetch: deps.fetch, clock })
      : undefined;

  async function readMid(): Promise<number | undefined> {
    if (statusServer) {
      const status = parseAnswer(RunnerStatusSchema, await statusServer('GET', '/status', { timeoutMs: 5000 }));
      return status.trading?.mid ?? undefined;
    }
    const fleet = await edge.fleet(options.set, { timeoutMs: 5000 });
    return median(fleet.runners.map((r) => r.trading?.mid).filter((m): m is number => typeof m === 'number' && m > 0));
  }

  const readHead = () => edge.current(options.set);

  /** PATCHes the set toward `target` with If-Match on a fresh read; re-reads and retries on 412. */
  async function moveTo(target: ParamsInput, reason: string, signal: AbortSignal): Promise<void> {
    for (let attempt = 1; attempt <= MAX_WRITE_ATTEMPTS && !signal.aborted; attempt++) {
      const head = await readHead();
      const patch = patchToward(head.version.params, target);
      if (Object.keys(patch).length === 0) {
        deps.log('already-there', { set: options.set, version: head.version.version, reason });
        return;
      }
      const message = `adaptive-tuner: ${reason} (${describePatch(head.version.params, patch)})`;
      if (options.dryRun) {
        deps.log('dry-run', { set: options.set, version: head.version.version, patch, message });
        return;
      }
      try {
        const written = await edge.patchParams(options.set, { params: patch, message }, { ifMatch: head.etag }, { signal });
        deps.log('written', { set: options.set, version: written.version.version, patch, message });
        return;
      } catch (error) {
        if (error instanceof PreconditionFailedError) {
          // Someone wrote between our read and our write: read again and recompute the patch, so
          // their change is kept and ours is applied on top of it (or dropped if they did it already).
          deps.log('conflict', { set: options.set, attempt, current: error.body?.error.details?.current });
          continue;
        }
        if (error instanceof RateLimitedError) {
          await clock.sleep(error.retryAfterMs ?? 1000, signal).catch(() => {});
          continue;
        }
        if (error instanceof ValidationError && error.fields.length > 0)
          throw new Error(`${error.message} (${error.fields.map((f) => f.message).join('; ')})`, { cause: error });
        throw error;
      }
    }
    deps.log('gave-up', { set: options.set, reason, attempts: MAX_WRITE_ATTEMPTS });
  }

  async function run(signal: AbortSignal): Promise<void> {
    const head = await readHead();
    let state: TunerState = { regime: regimeOfParams(head.version.params), since: clock.now(), streak: 0 };
    deps.log('start', {
      set: options.set,
      version: head.version.version,
      regime: state.regime,
      source: options.source,
      config: options.regime,
    });
    let samples: MidSample[] = [];
    let lastReadingLog = -Infinity;
    while (!signal.aborted) {
      try {
        const mid = await readMid();
        const now = clock.now();
        if (mid !== undefined) samples = withinWindow([...samples, { at: now, mid }], now, options.windowMs);
        // Only judge a full window: the first seconds of data say little about the regime.
        const full = samples.length > 1 && samples[samples.length - 1]!.at - samples[0]!.at >= options.windowMs * 0.8;
        const vol = full ? realizedVolBpsPerSqrtS(samples) : undefined;
        const decision = decideRegime(state, vol, now, options.regime);
        state = decision.state;
        if (now - lastReadingLog >= READING_LOG_EVERY_MS || (decision.kind === 'stay' && decision.state.streak > 0)) {
          lastReadingLog = now;
          deps.log('reading', {
            set: options.set,
            regime: state.regime,
            vol_bps_per_sqrt_s: vol,
            samples: samples.length,
            reason: decision.reason,
          });
        }
        if (decision.kind === 'switch') {
          deps.log('regime', {
            set: options.set,
            from: decision.from,
            to: decision.to,
            vol_bps_per_sqrt_s: vol,
            reason: decision.reason,
          });
          await moveTo(DEFAULT_REGIME_PARAMS[decision.to], decision.reason, signal);
        }
      } catch (error) {
        deps.log('error', { set: options.set, message: error instanceof Error ? error.message : String(error) });
      }
      await clock.sleep(options.intervalMs, signal).catch(() => {});
    }
  }

  return { run };
}

export async function main(argv = process.argv.slice(2), env = process.env, deps: Deps = defaultDeps): Promise<void> {
  const options = parseOptions(argv, env);
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());
  process.once('SIGTERM', () => stop.abort());
  await createTuner(options, deps).run(stop.signal);
}

if (import.meta.main) await main();
