/**
 * An answer's ETag must name the version in its body — same set, same lineage, same number — or the
 * answer is garbage. A proxy that rewrote one 200's tag to the next version's made a runner send
 * that tag back as If-None-Match and be answered 304 for ever, never seeing the kill switch; a
 * mismatch is therefore a failed answer (backoff, reported), and its tag is never stored or sent.
 * A missing ETag (a proxy stripped it) is derived from the body: it then names the body by
 * construction. A weak tag (a compressing proxy) that names the body is kept in its strong form.
 */
import { etagFor, parseEtag, type EtagIdentity } from '../shared/etag.ts';
import { BadResponseError } from './edge-errors.ts';

function describe({ set, lineage, version }: EtagIdentity): string {
  return `set "${set}", lineage "${lineage}", version ${version}`;
}

/** The tag to keep for `body`, or a `BadResponseError` naming both sides when `header` names another version. */
export function checkedEtag(header: string | null, body: EtagIdentity, where: string): string {
  if (header === null) return etagFor(body.set, body.lineage, body.version);
  const named = parseEtag(header);
  // The strong form: a compressing proxy may weaken the tag, and If-Match compares strongly.
  if (named !== null && named.set === body.set && named.lineage === body.lineage && named.version === body.version)
    return etagFor(body.set, body.lineage, body.version);
  const says = named === null ? 'is not a livetune ETag' : `names ${describe(named)}`;
  throw new BadResponseError(
    'bad-response',
    `answer from ${where}: its ETag ${header} ${says}, which does not match the body's ${describe(body)} (a proxy or cache rewrote one of them); the answer is not used`,
  );
}
