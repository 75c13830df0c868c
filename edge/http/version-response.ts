/**
 * Responses that carry a version: the body is the `Version`, `ETag` is the strong tag of
 * `(set, lineage, version)`. A 304 keeps only the cache headers (RFC 9110 §15.4.5). `private,
 * no-cache`: a shared cache must not hold parameters, and a private one must revalidate every time.
 */
import { HEADER_LINEAGE, HEADER_STALE, HEADER_VERSION, type Version } from '../../shared/api.ts';
import { etagFor } from '../../shared/etag.ts';

const CACHE_CONTROL = 'private, no-cache';

/** On a write that changed no value (PATCH, PUT, rollback, policy): the current version is the answer, none was created. */
export const HEADER_UNCHANGED = 'Livetune-Unchanged';

export function versionResponse(
  version: Version,
  { status = 200, stale = false }: { status?: number; stale?: boolean } = {},
): Response {
  const headers = new Headers({
    'Content-Type': 'application/json; charset=utf-8',
    ETag: etagFor(version.set, version.lineage, version.version),
    'Cache-Control': CACHE_CONTROL,
    [HEADER_VERSION]: String(version.version),
    [HEADER_LINEAGE]: version.lineage,
  });
  if (stale) headers.set(HEADER_STALE, 'true');
  return new Response(JSON.stringify(version), { status, headers });
}

/** A 304 for the version `(set, lineage, version)` the client named. */
export function notModified(
  { set, lineage, version }: Pick<Version, 'set' | 'lineage' | 'version'>,
  { stale = false }: { stale?: boolean } = {},
): Response {
  const headers = new Headers({ ETag: etagFor(set, lineage, version), 'Cache-Control': CACHE_CONTROL });
  if (stale) headers.set(HEADER_STALE, 'true');
  return new Response(null, { status: 304, headers });
}
