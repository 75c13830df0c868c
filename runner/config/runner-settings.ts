/**
 * The runner's settings as zod sees them: what makes each value valid, and its default. Flags and
 * variables arrive as strings (a bare boolean flag as `true`); `../config.ts` adds the rules between
 * settings and turns the result into the configuration.
 */
import { z } from 'zod';
import { parseKnobList } from '../../engine/sim/parse-knobs.ts';
import { SCENARIO_NAMES } from '../../engine/sim/scenarios.ts';
import { MAX_WAIT_S, RunnerIdSchema } from '../../shared/api.ts';
import { LOG_LEVELS, ON_ERROR_POLICIES, SYNC_MODES, VENUES } from '../../shared/enums.ts';
import { SetNameSchema } from '../../shared/set-name.ts';
import { DEFAULT_PAPER_URL } from '../venues/paper/paper-venue.ts';

/** Marks an issue whose message is already ours (else the message is built from `RUNNER_FLAGS`). */
export const OWN_WORDS = { ownWords: true } as const;

const finiteIn = (min: number, max = Number.POSITIVE_INFINITY) =>
  z.coerce.number().refine((v) => Number.isFinite(v) && v >= min && v <= max);
const positive = z.coerce.number().refine((v) => Number.isFinite(v) && v > 0);
const flagBoolean = z
  .union([z.boolean(), z.enum(['1', 'true', 'yes', '0', 'false', 'no'])])
  .transform((v) => v === true || v === '1' || v === 'true' || v === 'yes');

/**
 * The settings as given (strings from flags and variables, `true` for a bare boolean flag). Only
 * validity lives here; what each accepts, in words, is in `RUNNER_FLAGS`.
 */
export const RunnerSettingsSchema = z.object({
  url: z.url({ protocol: /^https?$/ }).optional(),
  token: z.string().min(1).optional(),
  set: SetNameSchema,
  runnerId: RunnerIdSchema,
  region: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/),
  sync: z.enum(SYNC_MODES).default('longpoll'),
  interval: finiteIn(0.05, 3600).default(5),
  // Idle budget (DESIGN.md: ≤ 150 edge requests per runner-hour): a 50 s long-poll is 72 requests
  // an hour and a 60 s heartbeat 60 more. Applies and rejections are reported at once regardless.
  wait: z.coerce.number().int().min(1).max(MAX_WAIT_S).default(50),
  paramsFile: z.string().min(1).default('tuning_params.json'),
  cacheDir: z.string().min(1).default('.livetune/cache'),
  trustedKeys: z.string().min(1).optional(),
  allowDefaults: flagBoolean.default(false),
  grace: finiteIn(0).default(30),
  onError: z.enum(ON_ERROR_POLICIES).default('reduce-only'),
  statusPort: z.coerce.number().int().min(0).max(65535).default(0),
  statusHost: z.string().min(1).default('127.0.0.1'),
  heartbeat: finiteIn(0.05, 3600).default(60),
  venue: z.enum(VENUES).default('sim'),
  seed: z.coerce.number().int().default(1),
  scenario: z.enum(SCENARIO_NAMES).default('calm'),
  simKnobs: z
    .string()
    .default('')
    .transform((list, ctx) => {
      try {
        return parseKnobList(list);
      } catch (error) {
        // parseKnobList names the assignment at fault and the accepted knobs.
        ctx.addIssue({ code: 'custom', message: (error as Error).message, params: OWN_WORDS });
        return z.NEVER;
      }
    }),
  paperUrl: z.url({ protocol: /^wss?$/ }).default(DEFAULT_PAPER_URL),
  paperCoin: z
    .string()
    .regex(/^\S{1,32}$/)
    .default('HYPE'),
  paperTick: positive.optional(),
  paperLot: positive.optional(),
  paperSzDecimals: z.coerce.number().int().min(0).max(8).default(2),
  network: z.enum(['testnet', 'mainnet']).default('testnet'),
  live: flagBoolean.default(false),
  dryRun: flagBoolean.default(false),
  keyFile: z.string().min(1).optional(),
  hlCoin: z
    .string()
    .regex(/^\S{1,32}$/)
    .default('HYPE'),
  hlAccount: z
    .string()
    .regex(/^0x[0-9a-fA-F]{40}$/)
    .optional(),
  hlDeadMan: finiteIn(6, 86_400).default(30),
  hlApiUrl: z.url({ protocol: /^https?$/ }).optional(),
  hlWsUrl: z.url({ protocol: /^wss?$/ }).optional(),
  logLevel: z.enum(LOG_LEVELS).default('info'),
});

export type RunnerSettingKey = keyof z.input<typeof RunnerSettingsSchema>;
