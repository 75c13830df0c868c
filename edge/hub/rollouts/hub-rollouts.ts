/**
 * A set's rollouts, run by its hub: start (the candidate version), who is given it (stage
 * assignment), the tally of what it does (fed by the reports the hub accepts), the evaluation on the
 * hub's alarm every `rolloutEvalMs`, and the decisions — next stage, promotion, breach → rollback or
 * pause, operator promote and abort, and the end of a rollout by a kill switch or a plain rollback
 * (the write gate). At most one rollout is in flight per set.
 *
 * Every decision is an event with the numbers behind it, stored with the rollout in SQLite in the
 * same synchronous step as the state change, so a restarted hub resumes exactly where it was (and its
 * constructor schedules the alarm again).
 *
 * A rollback is a new version equal to the head (`kind: rollback`, following the candidate): runners
 * never move backwards, so the candidate's runners need a higher version to leave it, and every
 * other runner, already on those params, is simply told a newer number.
 */
import type { Version } from '../../../shared/api.ts';
import { etagFor } from '../../../shared/etag.ts';
import { isAssigned, type RolloutAssignment, type RunnerIdentity } from '../../../shared/rollout-assignment.ts';
import {
  rolloutRollbackMessage,
  type Rollout,
  type RolloutAction,
  type RolloutEvent,
  type RolloutRequest,
} from '../../../shared/rollout.ts';
import type { WriteSignature } from '../../../shared/signing/version-signature.ts';
import type { ApiErrorInit } from '../../errors/api-error.ts';
import { log } from '../../log.ts';
import type { FleetEvent } from '../fleet-update.ts';
import type { HubPorts } from '../hub-ports.ts';
import { fail, ok, type HubResult } from '../hub-result.ts';
import type { HubWrites, WriteGate } from '../hub-writes.ts';
import type { WriteCommand } from '../write-command.ts';
import type { WritePrecondition } from '../../http/preconditions.ts';
import { evaluateGuardrails } from './evaluate-guardrails.ts';
import { decide, nextStep, readingsDetail, withEvent, type RolloutDecision } from './rollout-machine.ts';
import type { RolloutStore } from './rollout-store.ts';
import { emptyTally, observe, type RolloutTally, type TallyScope } from './rollout-tally.ts';

/** The author of the versions a rollout writes on its own (a rollback on a breach). */
export const ROLLOUT_AUTHOR = 'livetune-rollout';

export interface StartRollout {
  set: string;
  author: string;
  precondition: WritePrecondition;
  request: RolloutRequest;
}

/** The head and, while a rollout is in flight, its candidate and who gets it: what a watch relay needs. */
export interface AssignedVersions {
  head: Version;
  candidate?: { version: Version; assignment: RolloutAssignment };
}

/** The version `who` is given. */
export function versionFor(assigned: AssignedVersions, who: RunnerIdentity): Version {
  return assigned.candidate !== undefined && isAssigned(assigned.candidate.assignment, who)
    ? assigned.candidate.version
    : assigned.head;
}

export interface HubRolloutsOptions {
  hub: HubPorts;
  store: RolloutStore;
  writes: () => HubWrites;
  /** Who is given what changed (a stage started): wake long-polls, push to watch relays. */
  reassigned: () => void;
  /** A version became the head (a rollback, a promotion): the head mirror and registry follow. */
  committed: (version: Version) => Promise<void>;
}

function isKillSwitch(command: WriteCommand): boolean {
  const { change } = command;
  if (change.kind === 'merge') return change.patch.trading_mode === 'halted';
  if (change.kind === 'replace') return (change.params as { trading_mode?: unknown } | null)?.trading_mode === 'halted';
  return false;
}

function conflict(rollout: Rollout, what: string): ApiErrorInit {
  return {
    status: 409,
    code: 'conflict',
    message: `${what}: rollout ${rollout.id} of version ${rollout.version} is ${rollout.state} (stage ${rollout.stage + 1} of ${rollout.stages.length}); promote or abort it first (a kill switch, trading_mode halted, or a rollback aborts it)`,
    details: { rollout: rollout.id, version: rollout.version, state: rollout.state },
  };
}

/**
 * The rollback a rollout's hub commits on its own: back to the head's params, as the version after
 * `candidate`, If-Match on the head (a kill switch or rollback that got there first moved it). Built
 * the same way when a signed rollout starts (to judge its `rollback_signature`) and when it rolls back.
 */
function rollbackCommand(head: Version, candidate: number, author: string, signature?: WriteSignature): WriteCommand {
  return {
    set: head.set,
    author,
    message: rolloutRollbackMessage(candidate, head.version),
    precondition: { kind: 'if-match', any: false, tags: [{ lineage: head.lineage, version: head.version }] },
    change: { kind: 'rollback', to: head.version },
    ...(signature !== undefined ? { signature } : {}),
  };
}

/** The rollout in flight, its tally, and its candidate. */
interface ActiveRollout {
  rollout: Rollout;
  tally: RolloutTally;
  candidate: Version;
}

export class HubRollouts {
  readonly #o: HubRolloutsOptions;
  /** The rollout in flight; undefined when none, null until loaded (lazily, from SQLite). */
  #active: ActiveRollout | undefined | null = null;
  /**
   * The rollbacks this module is committing (a breach and an operator's abort can race), by command:
   * the write gate records the one that lands as the rollout's end, with its own events.
   */
  readonly #ending = new Map<WriteCommand, { state: 'rolled_back' | 'aborted'; events: (version: number) => RolloutEvent[] }>();

  constructor(options: HubRolloutsOptions) {
    this.#o = options;
  }

  #current(): ActiveRollout | undefined {
    if (this.#active === null) {
      const found = this.#o.store.active();
      const candidate = found ? this.#o.hub.store.version(found.rollout.version) : undefined;
      this.#active = found && candidate ? { ...found, tally: found.tally ?? emptyTally(), candidate } : undefined;
    }
    return this.#active;
  }

  #now(): string {
    return new Date(this.#o.hub.clock.now()).toISOString();
  }

  /** The head, and the candidate with its assignment while a rollout is in flight. */
  assigned(head: Version): AssignedVersions {
    const active = this.#current();
    if (active === undefined) return { head };
    const { rollout, candidate } = active;
    return {
      head,
      candidate: { version: candidate, assignment: { id: rollout.id, stages: rollout.stages.slice(0, rollout.stage + 1) } },
    };
  }

  /** Refuses a plain write while a rollout is in flight; a kill switch or a rollback ends it. */
  readonly gate: WriteGate = {
    admit: (command) => {
      const active = this.#current();
      if (active === undefined) return { kind: 'pass' };
      if (this.#ending.has(command) || command.change.kind === 'rollback' || isKillSwitch(command)) return { kind: 'supersede' };
      return { kind: 'refuse', error: conflict(active.rollout, `set "${command.set}" takes no plain write now`) };
    },
    superseded: (version, command) => {
      const active = this.#current();
      if (active === undefined) return;
      const ending = this.#ending.get(command);
      const events = ending?.events(version.version) ?? [
        {
          at: this.#now(),
          kind: 'aborted',
          detail: {
            cause: command.change.kind === 'rollback' ? 'rollback' : 'kill_switch',
            by: command.author,
            message: command.message,
            version: version.version,
          },
        },
      ];
      let rollout: Rollout = {
        ...active.rollout,
        state: ending?.state ?? 'aborted',
        outcome_version: version.version,
        ended_at: this.#now(),
      };
      for (const event of events) rollout = withEvent(rollout, event);
      this.#o.store.save(rollout, active.tally);
      this.#active = undefined;
      log.warn('rollout_ended', { set: rollout.set, rollout: rollout.id, state: rollout.state, version: version.version });
    },
  };

  async start(command: StartRollout): Promise<HubResult<Rollout>> {
    const { request } = command;
    const active = this.#current();
    if (active !== undefined) return fail(conflict(active.rollout, 'a rollout is already in flight'));
    const head = this.#o.writes().head;
    let started: Rollout | undefined;
    const { rollback_signature } = request;
    const result = await this.#o.writes().commitCandidate(
      {
        set: command.set,
        author: command.author,
        message: request.message,
        precondition: command.precondition,
        change: request.replace ? { kind: 'replace', params: request.params } : { kind: 'merge', patch: request.params },
        // Verified and stored exactly as a write's: the parent is the head the candidate follows.
        signature: request.signature,
      },
      (n) => `r${n}`,
      (candidate) => {
        const now = this.#now();
        const rollout: Rollout = {
          id: candidate.rollout!.id,
          set: command.set,
          version: candidate.version,
          base: head!.version,
          state: 'running',
          stage: 0,
          stage_started_at: now,
          created_at: now,
          author: command.author,
          message: request.message,
          stages: request.stages,
          guardrails: request.guardrails,
          on_breach: request.on_breach,
          outcome_version: null,
          ended_at: null,
          readings: [],
          evaluated_at: null,
          canary_runners: [],
          ...(rollback_signature !== undefined ? { rollback_signature } : {}),
          events: [
            {
              at: now,
              kind: 'started',
              detail: { version: candidate.version, base: head!.version, stage: 1, runners: request.stages[0]!.runners },
            },
          ],
        };
        const tally = emptyTally();
        this.#o.store.save(rollout, tally);
        this.#active = { rollout, tally, candidate };
        started = rollout;
      },
      rollback_signature === undefined
        ? undefined
        : (base, candidate) => rollbackCommand(base, candidate.version, command.author, rollback_signature),
    );
    if (!result.ok) return result;
    log.info('rollout_started', { set: command.set, rollout: started!.id, version: started!.version, author: command.author });
    await this.schedule();
    return ok(started!);
  }

  get(set: string, id: string): HubResult<Rollout> {
    const active = this.#current();
    if (active?.rollout.id === id) return ok(this.#withReadings(active.rollout, active.tally));
    const stored = this.#o.store.get(id);
    return stored
      ? ok(stored)
      : fail({ status: 404, code: 'not_found', message: `set "${set}" has no rollout ${JSON.stringify(id)}` });
  }

  list(limit: number): Rollout[] {
    const active = this.#current();
    return this.#o.store
      .list(limit)
      .map((r) => (active?.rollout.id === r.id ? this.#withReadings(active.rollout, active.tally) : r));
  }

  /** Operator's promote: the next stage now, or the head after the last stage (also from `paused`). */
  async promote(set: string, id: string, author: string, action: RolloutAction): Promise<HubResult<Rollout>> {
    const active = this.#activeNamed(set, id);
    if (!active.ok) return active;
    const decision = nextStep(active.value.rollout, 'manual');
    return this.#carryOut(decision, { by: author, ...(action.message ? { message: action.message } : {}) });
  }

  /** Operator's abort: a rollback version at once, for every runner. */
  async abort(set: string, id: string, author: string, action: RolloutAction): Promise<HubResult<Rollout>> {
    const active = this.#activeNamed(set, id);
    if (!active.ok) return active;
    const message = action.message ?? `rollout ${id} aborted by ${author}`;
    return this.#rollBack('aborted', author, message, (version) => [
      { at: this.#now(), kind: 'aborted', detail: { cause: 'operator', by: author, message, version } },
    ]);
  }

  #activeNamed(set: string, id: string): HubResult<ActiveRollout> {
    const active = this.#current();
    if (active?.rollout.id === id) return ok(active);
    const stored = this.#o.store.get(id);
    if (stored === undefined)
      return fail({ status: 404, code: 'not_found', message: `set "${set}" has no rollout ${JSON.stringify(id)}` });
    return fail({
      status: 409,
      code: 'conflict',
      message: `rollout ${id} is ${stored.state}: only a running or paused rollout can be promoted or aborted`,
      details: { rollout: id, state: stored.state },
    });
  }

  /** A report, ACK or NACK the fleet table accepted. */
  observe(runnerId: string, event: FleetEvent): void {
    const active = this.#current();
    if (active === undefined) return;
    observe(active.tally, this.#scope(active), runnerId, event);
  }

  #scope(active: ActiveRollout): TallyScope {
    return {
      candidate: active.rollout.version,
      base: active.rollout.base,
      lineage: active.candidate.lineage,
      maxPosition: active.candidate.params.max_position,
    };
  }

  #withReadings(rollout: Rollout, tally: RolloutTally): Rollout {
    return {
      ...rollout,
      readings: evaluateGuardrails(rollout.guardrails, tally),
      canary_runners: Object.entries(tally.runners)
        .filter(([, r]) => r.on_candidate)
        .map(([id]) => id)
        .sort(),
    };
  }

  /** The alarm: evaluate the guardrails, decide, act; then schedule the next evaluation. */
  async alarm(): Promise<void> {
    const active = this.#current();
    if (active === undefined) return;
    const now = this.#o.hub.clock.now();
    const rollout = { ...this.#withReadings(active.rollout, active.tally), evaluated_at: new Date(now).toISOString() };
    active.rollout = rollout;
    this.#o.store.save(rollout, active.tally);
    const decision = decide(rollout, rollout.readings, now);
    if (decision.kind !== 'wait') await this.#carryOut(decision, { by: ROLLOUT_AUTHOR });
    await this.schedule();
  }

  async #carryOut(decision: RolloutDecision, who: { by: string; message?: string }): Promise<HubResult<Rollout>> {
    const active = this.#current()!;
    const rollout = this.#withReadings(active.rollout, active.tally);
    const numbers = readingsDetail(rollout.readings);
    const now = this.#now();
    switch (decision.kind) {
      case 'wait':
        return ok(rollout);
      case 'advance': {
        const stage = rollout.stages[decision.stage]!;
        const next = withEvent(
          { ...rollout, state: 'running', stage: decision.stage, stage_started_at: now },
          {
            at: now,
            kind: 'stage',
            detail: {
              stage: decision.stage + 1,
              runners: stage.runners,
              reason: decision.reason,
              ...who,
              baked_s: (this.#o.hub.clock.now() - Date.parse(rollout.stage_started_at)) / 1000,
              canary_runners: rollout.canary_runners.length,
              readings: numbers,
            },
          },
        );
        active.rollout = next;
        this.#o.store.save(next, active.tally);
        log.info('rollout_stage', { set: next.set, rollout: next.id, stage: decision.stage + 1, reason: decision.reason });
        this.#o.reassigned();
        return ok(next);
      }
      case 'promote': {
        const promoted = withEvent(
          { ...rollout, state: 'promoted', outcome_version: rollout.version, ended_at: now },
          { at: now, kind: 'promoted', detail: { version: rollout.version, reason: decision.reason, ...who, readings: numbers } },
        );
        const result = await this.#o.writes().promote(active.candidate, () => {
          this.#o.store.save(promoted, active.tally);
          this.#active = undefined;
        });
        if (!result.ok) return result;
        log.info('rollout_promoted', { set: promoted.set, rollout: promoted.id, version: promoted.version });
        await this.#o.committed(active.candidate);
        return ok(promoted);
      }
      case 'breach': {
        const breach: RolloutEvent = {
          at: now,
          kind: 'breach',
          detail: { stage: rollout.stage + 1, on_breach: rollout.on_breach, breaches: readingsDetail(decision.breaches) },
        };
        const summary = decision.breaches
          .map((b) => `${b.metric} = ${b.value} ${b.bound === 'max' ? '>' : '<'} ${b.threshold} (n = ${b.n})`)
          .join('; ');
        if (rollout.on_breach === 'pause') {
          const paused = withEvent(withEvent({ ...rollout, state: 'paused' }, breach), {
            at: now,
            kind: 'paused',
            detail: { stage: rollout.stage + 1, reason: summary },
          });
          active.rollout = paused;
          this.#o.store.save(paused, active.tally);
          log.warn('rollout_paused', { set: paused.set, rollout: paused.id, reason: summary });
          return ok(paused);
        }
        const message = `rollout ${rollout.id} rolled back automatically: ${summary}`;
        return this.#rollBack('rolled_back', ROLLOUT_AUTHOR, message.slice(0, 500), (version) => [
          breach,
          { at: now, kind: 'rolled_back', detail: { version, to: rollout.base, reason: summary } },
        ]);
      }
    }
  }

  /**
   * Commits the rollback version (the head's params again, above the candidate) and ends the
   * rollout with `events`. If-Match on the head: a kill switch or rollback that got there first has
   * already ended the rollout, and this one then changes nothing.
   */
  async #rollBack(
    state: 'rolled_back' | 'aborted',
    author: string,
    message: string,
    events: (version: number) => RolloutEvent[],
  ): Promise<HubResult<Rollout>> {
    const writes = this.#o.writes();
    const head = writes.head!;
    const active = this.#current()!;
    const signature = active.rollout.rollback_signature;
    // A signed rollout rolls back with the rollback its operator signed at the start (its fixed
    // message; the reason is in the events), so runners that require signatures apply it.
    const command: WriteCommand =
      signature === undefined
        ? { ...rollbackCommand(head, active.candidate.version, author), message }
        : rollbackCommand(head, active.candidate.version, author, signature);
    this.#ending.set(command, { state, events });
    try {
      const result = await writes.write(command, { limited: false });
      if (!result.ok) {
        log.warn('rollout_rollback_not_written', { set: head.set, rollout: active.rollout.id, error: result.error.message });
        // A kill switch or a rollback that got there first ended the rollout: that is the answer.
        const ended = this.#o.store.get(active.rollout.id);
        return ended !== undefined && this.#current() === undefined ? ok(ended) : fail(result.error);
      }
      const version = result.value.version;
      if (result.value.kind === 'committed') await this.#o.committed(version);
      const ended = this.#o.store.get(active.rollout.id)!;
      log.warn('rollout_rolled_back', {
        set: head.set,
        rollout: ended.id,
        version: version.version,
        etag: etagFor(version.set, version.lineage, version.version),
      });
      return ok(ended);
    } finally {
      this.#ending.delete(command);
    }
  }

  /** The next evaluation, `rolloutEvalMs` from now, while a rollout is in flight. Never throws. */
  async schedule(): Promise<void> {
    if (this.#current() === undefined) return;
    const { clock, alarms, config } = this.#o.hub;
    try {
      const due = clock.now() + config.rolloutEvalMs;
      const current = await alarms.getAlarm();
      if (current === null || current > due) await alarms.setAlarm(due);
    } catch (error) {
      log.error('rollout_alarm_schedule_failed', { error });
    }
  }
}
