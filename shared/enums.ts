/**
 * The enumerations more than one part spells, each written once. Schemas (`z.enum(SYNC_MODES)`),
 * flag parsers and help texts take their values from here, so a new mode cannot be accepted in one
 * place and refused in another.
 *
 * Spellings: values inside documents and API bodies use underscores (`reduce_only`); values typed on
 * a command line use dashes (`--on-error reduce-only`). `ON_ERROR_POLICIES` is a flag value, so it
 * has the dash; the one mapping from it to the engine's `RiskPolicy` lives in the runner's sync
 * health (`policyOnError`).
 */

/** `trading_mode` of the params document: how the quoting engine trades. */
export const TRADING_MODES = ['active', 'reduce_only', 'halted'] as const;
export type TradingMode = (typeof TRADING_MODES)[number];

/** What a runner does once its params are stale beyond the grace period (`--on-error`). */
export const ON_ERROR_POLICIES = ['keep', 'widen', 'reduce-only', 'halt'] as const;
export type OnErrorPolicy = (typeof ON_ERROR_POLICIES)[number];

/** How a runner gets its params (`--sync`): long-poll, WebSocket push, plain polling, or a local file. */
export const SYNC_MODES = ['longpoll', 'ws', 'poll', 'file'] as const;
export type SyncMode = (typeof SYNC_MODES)[number];

/**
 * Where a runner trades (`--venue`): the simulated exchange, Hyperliquid's public feed on paper, or
 * Hyperliquid itself (real orders; testnet unless `--network mainnet --live`).
 */
export const VENUES = ['sim', 'paper', 'hyperliquid'] as const;
export type VenueName = (typeof VENUES)[number];

/** Levels of the runner's log (`--log-level`), pino's names. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];
