/**
 * Write preconditions (RFC 9110 §13): `If-None-Match: *` creates a set that must not exist yet;
 * `If-Match` names the version the writer last saw (compare-and-swap, strong comparison, so a weak
 * tag never matches); `If-Match: *` accepts any current version. The hub evaluates them against its
 * head, inside its write lock.
 */
import { parseEtagList, versionFromEtag } from '../../shared/etag.ts';
import { ApiError } from '../errors/api-error.ts';

export type WritePrecondition = { kind: 'create' } | { kind: 'if-match'; any: boolean; versions: number[] } | { kind: 'none' };

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
    const versions = tags
      .filter((tag) => !tag.startsWith('W/'))
      .map((tag) => versionFromEtag(set, tag))
      .filter((v): v is number => v !== undefined);
    return { kind: 'if-match', any: tags.includes('*'), versions };
  }
  if (!required) return { kind: 'none' };
  throw new ApiError({
    status: 428,
    code: 'precondition_required',
    message: 'If-Match is required: send the ETag of the version you edited (or If-None-Match: * to create the set)',
  });
}

/** If-None-Match on a read: the versions of `set` it names (weak comparison), `*` as any. */
export function readIfNoneMatch(set: string, headers: Headers): { any: boolean; versions: number[] } | undefined {
  const header = headers.get('If-None-Match');
  if (header === null) return undefined;
  const tags = parseEtagList(header);
  return {
    any: tags.includes('*'),
    versions: tags.map((t) => versionFromEtag(set, t)).filter((v): v is number => v !== undefined),
  };
}
