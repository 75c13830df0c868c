/**
 * The version changes a `perf` answer carries so charts can mark them: every version created in
 * the window, and those its groups name (a version created before the window still filling in it).
 * Bounded: the history is walked newest first, at most `MAX_MARKS` versions.
 */
import type { Version } from '../../shared/api.ts';
import type { VersionMark } from '../../shared/perf.ts';
import type { HubStore } from './hub-store.ts';

export const MAX_MARKS = 500;
const PAGE = 100;

export function markOf(v: Version): VersionMark {
  return { version: v.version, at: v.created_at, author: v.author, message: v.message, kind: v.kind };
}

export function versionMarks(store: HubStore, fromMs: number, toMs: number, named: readonly number[]): VersionMark[] {
  const marks = new Map<number, VersionMark>();
  let before = Number.MAX_SAFE_INTEGER;
  walk: for (let scanned = 0; scanned < MAX_MARKS; scanned += PAGE) {
    const page = store.page(before, PAGE);
    for (const v of page) {
      const at = Date.parse(v.created_at);
      if (at < fromMs) break walk;
      if (at < toMs) marks.set(v.version, markOf(v));
    }
    const last = page.at(-1);
    if (last === undefined || page.length < PAGE) break;
    before = last.version;
  }
  for (const n of named.slice(0, MAX_MARKS)) {
    if (marks.has(n)) continue;
    const v = store.version(n);
    if (v !== undefined) marks.set(n, markOf(v));
  }
  return [...marks.values()].sort((a, b) => a.version - b.version);
}
