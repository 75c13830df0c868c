/**
 * The last-known-good cache: the newest applied version of a set, on disk, so a runner that
 * starts while the edge is down can still quote on params that were valid. One JSON file per set,
 * written atomically, parsed with zod when loaded. A file that exists but cannot be read is an
 * error naming the path (never a silent fall-back to defaults), and so is one whose etag does not
 * name its own (set, lineage, version). A save never replaces a newer version of the same lineage
 * with an older one. With `--trusted-keys`, an entry is used only when its signature verifies
 * (`verifiedVersion` rebuilds the version it was saved from).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { systemClock, type Clock } from '../../shared/clock.ts';
import { type Version, VersionKindSchema } from '../../shared/api.ts';
import { etagFor } from '../../shared/etag.ts';
import { VersionSignatureSchema } from '../../shared/signing/version-signature.ts';
import { LineageSchema } from '../../shared/lineage.ts';
import { ParamsSchema } from '../../shared/params-schema.ts';
import { SetNameSchema } from '../../shared/set-name.ts';
import { nodeAtomicFs, writeFileAtomic, type AtomicFs } from './atomic-write.ts';

export const CacheEntrySchema = z.object({
  set: SetNameSchema,
  /** The history `version` belongs to: a version number means nothing without it. */
  lineage: LineageSchema,
  version: z.number().int().positive(),
  etag: z.string(),
  params: ParamsSchema,
  saved_at: z.iso.datetime(),
  /**
   * The signed fields of the version besides the ones above, and its signature: a runner with
   * `--trusted-keys` verifies the cache when it loads it, as it verified the version when received.
   */
  signed: z
    .object({
      parent: z.number().int().nonnegative(),
      kind: VersionKindSchema,
      rollback_of: z.number().int().positive().optional(),
      message: z.string().max(500),
      signature: VersionSignatureSchema,
    })
    .optional(),
});
export type CacheEntry = z.infer<typeof CacheEntrySchema>;

export class CacheCorruptError extends Error {
  readonly path: string;
  constructor(path: string, detail: string, cause?: unknown) {
    super(`params cache ${path} is unusable: ${detail} (delete it to start without a cache)`, { cause });
    this.name = 'CacheCorruptError';
    this.path = path;
  }
}

export interface ParamsCacheOptions {
  dir: string;
  set: string;
  fs?: AtomicFs;
  readText?: (path: string) => Promise<string>;
  /** Stamps each save (`saved_at`). */
  clock?: Pick<Clock, 'now'>;
}

export class ParamsCache {
  readonly path: string;
  readonly #set: string;
  readonly #fs: AtomicFs;
  readonly #readText: (path: string) => Promise<string>;
  readonly #clock: Pick<Clock, 'now'>;
  // Saves are chained so two quick swaps cannot race their renames out of order.
  #queue: Promise<unknown> = Promise.resolve();

  constructor({ dir, set, fs = nodeAtomicFs, readText = (p) => readFile(p, 'utf8'), clock = systemClock }: ParamsCacheOptions) {
    this.path = join(dir, `${set}.json`);
    this.#set = set;
    this.#fs = fs;
    this.#readText = readText;
    this.#clock = clock;
  }

  /** The cached entry; undefined when there is no file. Throws `CacheCorruptError` otherwise. */
  async load(): Promise<CacheEntry | undefined> {
    let text: string;
    try {
      text = await this.#readText(this.path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new CacheCorruptError(this.path, (error as Error).message, error);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new CacheCorruptError(this.path, `not valid JSON (${(error as Error).message})`, error);
    }
    const parsed = CacheEntrySchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new CacheCorruptError(
        this.path,
        `unexpected content at ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`,
      );
    }
    const entry = parsed.data;
    if (entry.set !== this.#set) throw new CacheCorruptError(this.path, `holds set "${entry.set}", expected "${this.#set}"`);
    // The tag is sent back as If-None-Match: one that names another version would hide the edge's.
    const expected = etagFor(entry.set, entry.lineage, entry.version);
    if (entry.etag !== expected)
      throw new CacheCorruptError(
        this.path,
        `etag ${JSON.stringify(entry.etag)} does not name the entry's set, lineage and version (expected ${expected})`,
      );
    return entry;
  }

  /**
   * Writes `entry` unless the file already holds this version or a newer one of the same lineage.
   * Resolves to whether it wrote. A corrupt existing file is replaced: the new entry is known good,
   * and so is an entry of another lineage (the runner adopted the edge's history; the old one must
   * give way, or every restart would bring it back). `replaceNewer` is for the edge's fresh head
   * being lower than the cached version of the same lineage: the same reasoning.
   */
  save(entry: Omit<CacheEntry, 'saved_at' | 'set'>, { replaceNewer = false }: { replaceNewer?: boolean } = {}): Promise<boolean> {
    const run = this.#queue.then(async () => {
      const existing = await this.load().catch(() => undefined);
      const sameHistory = existing !== undefined && existing.lineage === entry.lineage;
      if (sameHistory && (replaceNewer ? existing.version === entry.version : existing.version >= entry.version)) return false;
      const full: CacheEntry = { set: this.#set, ...entry, saved_at: new Date(this.#clock.now()).toISOString() };
      await writeFileAtomic(this.path, `${JSON.stringify(full, null, 2)}\n`, this.#fs);
      return true;
    });
    this.#queue = run.catch(() => {});
    return run;
  }
}

/** The signed version a cache entry was saved from, or undefined for an entry saved unsigned. */
export function signedVersionOf(entry: CacheEntry): Version | undefined {
  if (entry.signed === undefined) return undefined;
  const { parent, kind, rollback_of, message, signature } = entry.signed;
  return {
    set: entry.set,
    lineage: entry.lineage,
    version: entry.version,
    params: entry.params,
    created_at: entry.saved_at,
    author: signature.key,
    message,
    kind,
    parent,
    ...(rollback_of !== undefined ? { rollback_of } : {}),
    signature,
  };
}
