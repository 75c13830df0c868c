/**
 * The newest version seen from the edge (applied, ignored or rejected): its etag is what
 * If-None-Match must carry, or a rejected version would be sent again and again.
 */
import { etagFor } from '../../shared/etag.ts';
import type { ParamsHolder } from '../params/params-holder.ts';

export class SeenVersion {
  #version = 0;
  #etag: string | null = null;
  readonly #holder: ParamsHolder;
  readonly #set: string;

  constructor(holder: ParamsHolder, set: string) {
    this.#holder = holder;
    this.#set = set;
  }

  /** `etag` is the answer's ETag header; a proxy may strip it, and the etag is a function of
   * (set, version), so it is derived then: dropping the version would re-fetch a rejected one in a
   * hot loop. */
  note(version: number, etag: string | null): void {
    if (version > this.#version) [this.#version, this.#etag] = [version, etag ?? etagFor(this.#set, version)];
  }

  /** The etag to send: ours, or the holder's when it is newer (a start-up fetch, the cache). */
  etag(): string | null {
    const held = this.#holder.version ?? 0;
    return held >= this.#version ? this.#holder.etag : this.#etag;
  }
}
