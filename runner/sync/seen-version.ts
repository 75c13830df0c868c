/**
 * The newest version seen from the edge (applied, ignored or rejected): its etag is what
 * If-None-Match must carry, or a rejected version would be sent again and again. Versions compare
 * only within one lineage; a version of another lineage the runner applied or rejected replaces
 * what was seen (the edge's history is another one now).
 */
import { etagFor } from '../../shared/etag.ts';
import type { ParamsHolder } from '../params/params-holder.ts';
import type { ApplyOutcome } from './version-applier.ts';

export class SeenVersion {
  #version = 0;
  #lineage: string | null = null;
  #etag: string | null = null;
  readonly #holder: ParamsHolder;
  readonly #set: string;

  constructor(holder: ParamsHolder, set: string) {
    this.#holder = holder;
    this.#set = set;
  }

  /**
   * `etag` is the answer's checked ETag; a proxy may strip it, and the etag is a function of
   * (set, lineage, version), so it is derived then: dropping the version would re-fetch a rejected
   * one in a hot loop. An ignored version of another lineage (a late or mirrored answer) changes
   * nothing.
   */
  note(outcome: ApplyOutcome, etag: string | null): void {
    const { version, lineage } = outcome;
    const otherHistory = lineage !== this.#lineage;
    if (otherHistory ? outcome.kind === 'ignored' && this.#lineage !== null : version <= this.#version) return;
    this.#version = version;
    this.#lineage = lineage;
    this.#etag = etag ?? etagFor(this.#set, lineage, version);
  }

  /** The etag to send: ours, or the holder's when it is of our lineage and newer (a start-up fetch, the cache). */
  etag(): string | null {
    const held = this.#holder.snapshot();
    if (this.#etag === null) return held?.etag ?? null;
    if (held?.lineage === this.#lineage && (held.version ?? 0) >= this.#version) return held.etag;
    return this.#etag;
  }
}
