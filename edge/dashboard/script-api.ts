/**
 * Browser code (as text): the edge API client. Every call carries the bearer token; every failure
 * becomes one `ApiFailure` built from livetune's error body (code, message, fields, details), and
 * `failureNode` renders it for people: the field list of a 422, who moved the set on a 412.
 */
export const SCRIPT_API = String.raw`
class ApiFailure extends Error {
  constructor(status, body) {
    const e = body && typeof body === 'object' && body.error && typeof body.error === 'object' ? body.error : null;
    super(e && typeof e.message === 'string' ? e.message : 'HTTP ' + status);
    this.status = status;
    this.code = e && typeof e.code === 'string' ? e.code : 'http_' + status;
    this.fields = e && Array.isArray(e.fields) ? e.fields : [];
    this.details = e && e.details && typeof e.details === 'object' ? e.details : {};
  }
}

function setPath(suffix) {
  return '/v1/sets/' + encodeURIComponent(state.set) + suffix;
}

/** One request to the edge. Resolves { status, etag, body, stale } for 2xx and 304, throws ApiFailure otherwise. */
async function api(path, options) {
  const o = options || {};
  const headers = { Authorization: 'Bearer ' + state.token, Accept: 'application/json' };
  if (o.body !== undefined) headers['Content-Type'] = 'application/json';
  if (o.ifMatch) headers['If-Match'] = o.ifMatch;
  if (o.ifNoneMatch) headers['If-None-Match'] = o.ifNoneMatch;
  let response;
  try {
    // no-store: a conditional request set by the page must reach the edge and hand its 304 back to us.
    response = await fetch(path, {
      method: o.method || 'GET', headers, cache: 'no-store', credentials: 'omit', signal: o.signal,
      body: o.body === undefined ? undefined : JSON.stringify(o.body),
    });
  } catch (err) {
    if (err && err.name === 'AbortError') throw err;
    throw new ApiFailure(0, { error: { code: 'network', message: 'the edge could not be reached' } });
  }
  const etag = response.headers.get('ETag');
  // The edge answers from its KV mirror when the set's hub is unreachable, and says so.
  const stale = response.headers.get('Livetune-Stale') === 'true';
  if (response.status === 304) return { status: 304, etag, body: null, stale };
  const text = await response.text();
  let body = null;
  if (text) { try { body = JSON.parse(text); } catch { body = null; } }
  if (!response.ok) throw new ApiFailure(response.status, body);
  return { status: response.status, etag, body, stale };
}

/** A readable explanation of a failure, with the offending fields listed. */
function failureNode(err, context) {
  const lines = [];
  if (err.status === 401) lines.push('The token is no longer accepted: sign in again.');
  if (err.status === 403) lines.push('This token may only read: changes need a token with the write scope.');
  if (err.status === 429) lines.push('Rate limited by the edge: wait a moment and try again.');
  const current = err.details && err.details.current;
  if (err.status === 412 && current && typeof current === 'object') {
    lines.push('Someone changed the set first: v' + current.version + ' by ' + current.author + ' at ' +
      fmtTime(current.created_at) + ' ("' + current.message + '"). Your edits are kept: check them against the new values, then apply again.');
  }
  const fields = err.fields.map((f) => h('li', { text: typeof f.message === 'string' ? f.message : f.field + ': expected ' + f.expected }));
  return notice('error', [
    h('strong', { text: context + ': ' + err.message }),
    h('span', { class: 'muted small', text: '  (' + err.code + (err.status ? ', HTTP ' + err.status : '') + ')' }),
    ...lines.map((line) => h('div', { text: line })),
    fields.length ? h('ul', {}, fields) : null,
  ]);
}
`;
