/**
 * The byte cap on answers (`client/read-capped-body.ts`), against a loopback server that sends far
 * more than a version: the client stops reading at the cap, drops the connection (the server sees
 * it close before it finished) and fails with `AnswerTooLargeError`, a retryable bad response.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { createEdgeClient } from '../../../client/edge-client.ts';
import { AnswerTooLargeError } from '../../../client/edge-errors.ts';
import { MAX_VERSION_BYTES } from '../../../client/read-capped-body.ts';
import { readReceivedVersion } from '../../../client/received-version.ts';
import { DEFAULT_PARAMS } from '../../../shared/params-schema.ts';
import { fetchThrough, requestThrough } from '../../../runner/sync/edge-agent.ts';

let server: Server | undefined;
let agent: Agent | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  await agent?.close();
  server = undefined;
  agent = undefined;
});

/** Answers every request with `[[[[…` until the client goes away; resolves each answer's fate. */
async function flood(transport: Transport, headers: Record<string, string> = {}) {
  const ends: Promise<{ finished: boolean; sent: number }>[] = [];
  server = createServer((_req, res: ServerResponse) => {
    res.writeHead(200, { 'content-type': 'application/json', ...headers });
    const chunk = Buffer.alloc(16 * 1024, '[');
    let sent = 0;
    let closed = false;
    ends.push(
      new Promise((resolve) =>
        res.on('close', () => {
          closed = true;
          resolve({ finished: res.writableFinished, sent });
        }),
      ),
    );
    const pump = () => {
      // 1 GiB at most, so a broken client cannot make the test run forever.
      while (!closed && sent < 1024 ** 3) {
        sent += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      res.end();
    };
    pump();
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  agent = new Agent();
  const client = createEdgeClient({
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    fetch: transport(agent),
  });
  return { client, ends };
}

type Transport = typeof requestThrough;
const TRANSPORTS: [string, Transport][] = [
  ['undici request (the runner)', requestThrough],
  ['undici fetch', fetchThrough],
];

describe.each(TRANSPORTS)('the byte cap on answers, over %s', (_name, transport) => {
  it('stops reading a params answer past 64 KiB and drops the connection', async () => {
    const { client, ends } = await flood(transport);
    const error = await client.readParams('s').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AnswerTooLargeError);
    expect((error as AnswerTooLargeError).retryable).toBe(true);
    expect((error as Error).message).toContain(`larger than the ${MAX_VERSION_BYTES} bytes`);
    const end = await ends[0]!;
    expect(end.finished).toBe(false);
  });

  it('refuses an answer whose Content-Length is over the cap before reading its body', async () => {
    const { client, ends } = await flood(transport, { 'content-length': String(200 * 1024 * 1024) });
    const error = await client.readParams('s').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AnswerTooLargeError);
    expect((error as Error).message).toContain('Content-Length: 209715200');
    expect((await ends[0]!).finished).toBe(false);
  });

  it('caps error answers too', async () => {
    server = createServer((_req, res) => {
      res.writeHead(500);
      res.end('x'.repeat(MAX_VERSION_BYTES + 1));
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const client = createEdgeClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
    await expect(client.readParams('s')).rejects.toBeInstanceOf(AnswerTooLargeError);
  });
});

describe('a received version', () => {
  const version = (message: string) => ({
    set: 's',
    lineage: 'test-lineage-0001',
    version: 3,
    params: DEFAULT_PARAMS,
    created_at: new Date(0).toISOString(),
    author: 'ops',
    message,
    kind: 'update',
    parent: 2,
  });

  it('keeps a message as long as the edge accepts (500 characters)', () => {
    expect(readReceivedVersion(version('m'.repeat(500)), 's').kind).toBe('valid');
  });

  it('is malformed when its message is longer than the edge accepts', () => {
    const read = readReceivedVersion(version('m'.repeat(501)), 's');
    expect(read).toMatchObject({ kind: 'malformed', reason: expect.stringContaining('message') });
  });
});
