/**
 * `--stage` and `--guard` of `livetune rollout start`, parsed and checked with the shared schemas
 * before anything is sent; a bad one is a usage error (exit 2) naming the flag, the text and the
 * accepted forms.
 *
 *   --stage region=eu-west-1:10m        --stage region=eu-west-1,us-east-1:1h
 *   --stage ids=fra-1,fra-2:5m          --stage 50%:30m
 *   --guard 'drawdown<=20'              --guard 'inventory<=0.8'     (|Q| / max_position)
 *   --guard 'markout_5s>=-1'            --guard 'markout_5s>=control-0.5'
 *   --guard 'nacks<=0'                  --guard 'errors<=0'
 *   … and `@N` after any guard: judge it only after N fills (e.g. 'markout_5s>=control-0.5@50').
 */
import { GuardrailSchema, RolloutStageSchema, type Guardrail, type GuardMetric, type RolloutStage } from '../shared/rollout.ts';
import { parseDuration } from './parse-duration.ts';
import { UsageError } from './usage-error.ts';

const STAGE_FORMS = 'region=R[,R…]:BAKE, ids=ID[,ID…]:BAKE or P%:BAKE, with BAKE like 10m, 30s, 2h or 0';
const GUARD_FORMS =
  "METRIC<=N or METRIC>=N (METRIC: drawdown, inventory, markout_5s, nacks, errors), markout_5s>=control-X, optionally @FILLS; e.g. 'drawdown<=20'";

/** Short names people type → the metric the edge judges. */
const METRICS: Record<string, GuardMetric> = {
  drawdown: 'drawdown',
  inventory: 'abs_inventory_ratio',
  abs_inventory_ratio: 'abs_inventory_ratio',
  markout_5s: 'markout_5s_bps',
  markout_5s_bps: 'markout_5s_bps',
  nacks: 'nacks',
  errors: 'error_runners',
  error_runners: 'error_runners',
};

function bakeSeconds(text: string, flag: string): number {
  if (/^0+(ms|s|m|h|d)?$/.test(text.trim())) return 0;
  return Math.round(parseDuration(text, flag) / 1000);
}

export function parseStage(text: string): RolloutStage {
  const colon = text.lastIndexOf(':');
  if (colon <= 0) throw new UsageError(`--stage ${JSON.stringify(text)} has no bake time: expected ${STAGE_FORMS}`);
  const who = text.slice(0, colon).trim();
  const bake_s = bakeSeconds(text.slice(colon + 1), `--stage ${JSON.stringify(text)}: the bake time`);
  let runners: unknown;
  const percent = /^(\d+(?:\.\d+)?)%$/.exec(who);
  if (percent) runners = { percent: Number(percent[1]) };
  else if (who.startsWith('region='))
    runners = {
      regions: who
        .slice(7)
        .split(',')
        .map((r) => r.trim()),
    };
  else if (who.startsWith('ids='))
    runners = {
      ids: who
        .slice(4)
        .split(',')
        .map((r) => r.trim()),
    };
  else throw new UsageError(`--stage ${JSON.stringify(text)}: unknown runners ${JSON.stringify(who)}: expected ${STAGE_FORMS}`);
  const parsed = RolloutStageSchema.safeParse({ runners, bake_s });
  if (!parsed.success)
    throw new UsageError(
      `--stage ${JSON.stringify(text)} is not accepted: ${parsed.error.issues[0]?.message} (expected ${STAGE_FORMS})`,
    );
  return parsed.data;
}

export function parseGuard(text: string): Guardrail {
  const match = /^\s*([a-z_0-9]+)\s*(<=|>=)\s*(control\s*)?([-+]?\s*[0-9.]+(?:e[-+]?\d+)?)\s*(?:@\s*(\d+))?\s*$/i.exec(text);
  if (!match) throw new UsageError(`--guard ${JSON.stringify(text)} is not a guardrail: expected ${GUARD_FORMS}`);
  const [, name, op, control, number, fills] = match;
  const metric = METRICS[name!.toLowerCase()];
  if (metric === undefined)
    throw new UsageError(
      `--guard ${JSON.stringify(text)}: unknown metric ${JSON.stringify(name)}: expected one of ${Object.keys(METRICS).join(', ')}`,
    );
  const threshold = Number(number!.replace(/\s+/g, ''));
  const guard = {
    metric,
    ...(op === '<=' ? { max: threshold } : { min: threshold }),
    ...(control ? { vs_control: true } : {}),
    ...(fills !== undefined ? { min_fills: Number(fills) } : {}),
  };
  const parsed = GuardrailSchema.safeParse(guard);
  if (!parsed.success || !Number.isFinite(threshold))
    throw new UsageError(
      `--guard ${JSON.stringify(text)} is not accepted: ${parsed.success ? 'the threshold is not a finite number' : parsed.error.issues[0]?.message} (expected ${GUARD_FORMS})`,
    );
  return parsed.data;
}
