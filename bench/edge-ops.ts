/**
 * The operator's side of the edge benchmarks: create a set, write it (PATCH with `If-Match: *`,
 * one request, so the measured write is the write and not a read before it), roll it back. Plain
 * fetch on loopback; every answer is checked, a failure throws with the status and body.
 */
import { DEFAULT_PARAMS } from '../shared/params-schema.ts';

export interface WriteAck {
  version: number;
  etag: string | null;
}

async function expectVersion(response: Response, what: string): Promise<WriteAck> {
  const text = await response.text();
  if (response.status !== 200 && response.status !== 201)
    throw new Error(`${what} answered ${response.status}: ${text.slice(0, 300)}`);
  const body = JSON.parse(text) as { version?: unknown };
  if (typeof body.version !== 'number') throw new Error(`${what} answered without a version: ${text.slice(0, 300)}`);
  return { version: body.version, etag: response.headers.get('etag') };
}

function headers(token: string, extra: Record<string, string> = {}): Record<string, string> {
  return { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...extra };
}

/** Creates `set` with the default params, or returns its head when it exists already. */
export async function ensureSet(url: string, token: string, set: string): Promise<WriteAck> {
  const created = await fetch(`${url}/v1/sets/${set}/params`, {
    method: 'PUT',
    headers: headers(token, { 'if-none-match': '*' }),
    body: JSON.stringify({ params: { ...DEFAULT_PARAMS }, message: 'bench: create' }),
  });
  if (created.status === 412) {
    const current = await fetch(`${url}/v1/sets/${set}/params`, { headers: headers(token) });
    return expectVersion(current, `GET ${set}`);
  }
  return expectVersion(created, `creating ${set}`);
}

/** PATCH `params` onto `set` against any current version. */
export async function writeParams(
  url: string,
  token: string,
  set: string,
  params: Record<string, unknown>,
  message = 'bench: write',
): Promise<WriteAck> {
  const response = await fetch(`${url}/v1/sets/${set}/params`, {
    method: 'PATCH',
    headers: headers(token, { 'if-match': '*' }),
    body: JSON.stringify({ params, message }),
  });
  return expectVersion(response, `PATCH ${set}`);
}

export async function rollbackTo(
  url: string,
  token: string,
  set: string,
  to: number,
  message = 'bench: rollback',
): Promise<WriteAck> {
  const response = await fetch(`${url}/v1/sets/${set}/rollback`, {
    method: 'POST',
    headers: headers(token),
    body: JSON.stringify({ to, message }),
  });
  return expectVersion(response, `rollback of ${set} to ${to}`);
}
