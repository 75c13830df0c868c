/**
 * The facts that lag a set's head, and the alarm that catches them up: the `SetRegistry` entry and
 * the KV head mirror (read by the Worker only when the hub is unreachable).
 *
 * After each commit the writer schedules the alarm and registers the head itself (bounded by
 * `registryTimeoutMs`); a hung or failing registry, or a failing alarm API, delays the answer by at
 * most that bound and never turns a committed write into an error: the alarm does what is still
 * pending, retrying until it succeeds.
 *
 * The mirror is written from the alarm at most once per `headMirrorIntervalMs` (KV takes about one
 * write per second per key), whatever the write rate — or, while a failed registration is retried,
 * at most once per `REGISTRY_RETRY_MS` (also one second), with that retry.
 */
import type { Version } from '../../shared/api.ts';
import { headMirrorKey } from '../kv-keys.ts';
import { log } from '../log.ts';
import { registerHead, registryPending } from './head-registration.ts';
import type { HubPorts } from './hub-ports.ts';

/** Delay between the alarm's attempts to register a head the registry refused or did not answer. */
export const REGISTRY_RETRY_MS = 1000;

export class HeadMirror {
  readonly #hub: HubPorts;
  readonly #head: () => Version | undefined;

  constructor(hub: HubPorts, head: () => Version | undefined) {
    this.#hub = hub;
    this.#head = head;
  }

  /** After a commit, outside the write lock: schedule the alarm, register, and retry on failure. */
  async afterCommit(version: Version): Promise<void> {
    await this.schedule();
    if (!(await registerHead(this.#hub, version))) await this.schedule({ registryRetry: true });
  }

  #mirrorPending(head: Version): boolean {
    return this.#hub.store.fact('mirrored_version') !== String(head.version);
  }

  /**
   * Makes sure an alarm will do the pending registry and mirror work: the mirror no sooner than
   * `headMirrorIntervalMs` after the last mirror write, a failed registration after
   * `REGISTRY_RETRY_MS`. Never throws: the write it follows is committed whatever happens here, and
   * a later write or the next instance schedules it again.
   */
  async schedule({ registryRetry = false }: { registryRetry?: boolean } = {}): Promise<void> {
    const { store, config, clock, alarms } = this.#hub;
    const head = this.#head();
    try {
      if (head === undefined) return;
      const now = clock.now();
      const mirrorDue = Math.max(now, Number(store.fact('mirror_at') ?? 0) + config.headMirrorIntervalMs);
      const dues: number[] = [];
      if (this.#mirrorPending(head)) dues.push(mirrorDue);
      // A registration still in flight (the writer's own) is covered by the mirror's alarm.
      if (registryPending(store, head)) dues.push(registryRetry ? now + REGISTRY_RETRY_MS : mirrorDue);
      if (dues.length === 0) return;
      const due = Math.min(...dues);
      const current = await alarms.getAlarm();
      if (current === null || current > due) await alarms.setAlarm(due);
    } catch (error) {
      log.error('alarm_schedule_failed', { set: head?.set, version: head?.version, error });
    }
  }

  /** The Durable Object's alarm: register and mirror what is pending, then schedule what is left. */
  async alarm(): Promise<void> {
    const head = this.#head();
    if (head === undefined) return;
    const { store, kv, clock } = this.#hub;
    const registered = !registryPending(store, head) || (await registerHead(this.#hub, head));
    if (this.#mirrorPending(head)) {
      try {
        await kv.put(headMirrorKey(head.set), JSON.stringify(head));
        store.setFact('mirrored_version', String(head.version));
      } catch (error) {
        log.error('mirror_put_failed', { set: head.set, version: head.version, error });
      }
      // An attempt counts too: a failing KV is not retried faster than the mirror interval.
      store.setFact('mirror_at', String(clock.now()));
    }
    // Writes that landed while this alarm ran, and whatever failed, get a later alarm.
    await this.schedule({ registryRetry: !registered });
  }
}
