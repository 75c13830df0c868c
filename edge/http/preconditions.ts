/**
 * Write preconditions (RFC 9110 §13): `If-None-Match: *` creates a set that must not exist yet;
 * `If-Match` names the version the writer last saw (compare-and-swap, strong comparison, so a weak
 * tag never matches); `If-Match: *` accepts any current version. The hub evaluates them against its
 * head, inside its write lock. A tag is compared whole — set, lineage and version — so a tag from
 * another history of the set (a staging edge, a re-created set) never matches.
 */
import { parseEtag, parseEtagList } from '../../shared/etag.ts';
import { ApiError } from '../errors/api-error.ts';

/** A version a precondition names: its lineage and number (tags of other sets are dropped). */
export interface NamedVersion {
  lineage: string;
  version: number;
}

export type WritePrecondition = { kind: 'create' } | { kind: 'if-match'; any: boolean; tags: NamedVersion[] } | { kind: 'none' };

/** The versions of `set` that `tags` name; other sets' tags and malformed ones name nothing. */
function namedVersions(set: string, tags: string[]): NamedVersion[] {
  return tags
    .map((tag) => parseEtag(tag))
    .filter((named) => named !== null && named.set === set)
    .map((named) => ({ lineage: named!.lineage, version: named!.version }));
}

export function readPrecondition(set: string, headers: Headers, { required }: { required: boolean }): WritePrecondition {
  const ifNoneMatch = headers.get('If-None-Match');
  const ifMatch = headers.get('If-Match');
  if (ifNoneMatch !== null && ifMatch === null) {
    if (ifNoneMatch.trim() === '*') return { kind: 'create' };
    throw new ApiError({
      status: 400,
      code: 'bad_request',
      message: 'on a write, If-None-Match may only be "*" (create the set)',
    });
  }
  if (ifMatch !== null) {
    if (ifNoneMatch !== null)
      throw new ApiError({
        status: 400,
        code: 'bad_request',
        message: 'send If-Match (update) or If-None-Match: * (create), not both',
      });
    const tags = parseEtagList(ifMatch);
    return {
      kind: 'if-match',
      any: tags.includes('*'),
      tags: namedVersions(
        set,
        tags.filter((tag) => !tag.startsWith('W/')),
      ),
    };
  }
  if (!required) return { kind: 'none' };
  throw new ApiError({
    status: 428,
    code: 'precondition_required',
    message: 'If-Match is required: send the ETag of the version you edited (or If-None-Match: * to create the set)',
  });
}

/** If-None-Match on a read: the versions of `set` it names (weak comparison), `*` as any. */
/** A request's `If-None-Match`: `*`, or the versions its tags name (plain data: it crosses to the hub). */
export interface IfNoneMatchTags {
  any: boolean;
  tags: NamedVersion[];
}

export function readIfNoneMatch(set: string, headers: Headers): IfNoneMatchTags | undefined {
  const header = headers.get('If-None-Match');
  if (header === null) return undefined;
  const tags = parseEtagList(header);
  return { any: tags.includes('*'), tags: namedVersions(set, tags) };
}

/** Whether a read's If-None-Match names `version` (same lineage and number): then the answer is 304. */
export function ifNoneMatchNames(ifNoneMatch: IfNoneMatchTags | undefined, version: NamedVersion): boolean {
  return (
    ifNoneMatch !== undefined &&
    (ifNoneMatch.any || ifNoneMatch.tags.some((t) => t.lineage === version.lineage && t.version === version.version))
  );
}
