/**
 * A malicious HTTP server on 127.0.0.1 posing as the edge, for the hostile-edge e2e test and the
 * bench (issue 11 rows 2, 5, 7): it serves one valid version to the runner's start-up read and
 * answers every later params request with `answer` — whatever the test makes of it (a flood of
 * `[[[[…`, 304 at once, the same rejected version again and again). It records when each params
 * request arrived (its own clock: an observation, not a measure of our code) and every report.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { etagFor } from '../shared/etag.ts';

export const HOSTILE_SET = 'hype-perp';
const SET = HOSTILE_SET;
/** The one history the hostile edge pretends to serve. */
export const HOSTILE_LINEAGE = 'hostile-lineage-01';

export function version(n: number, params: Record<string, unknown>) {
  return {
    set: SET,
    lineage: HOSTILE_LINEAGE,
    version: n,
    params,
    created_at: new Date(0).toISOString(),
    author: 'hostile',
    message: `v${n}`,
    kind: n === 1 ? 'create' : 'update',
    parent: n - 1,
  };
}

export type Behaviour = (req: IncomingMessage, res: ServerResponse) => void;

/** The malicious "edge": the first params read gets `first`, every later one `answer`. */
export class HostileEdge {
  readonly requests: Array<{ at: number; ifNoneMatch: string | undefined; url: string }> = [];
  readonly reports: unknown[] = [];
  /** Answers the runner hung up on before the server had sent them in full. */
  abandoned = 0;
  readonly #server: Server;
  #first: Record<string, unknown>;
  answer: Behaviour = (_req, res) => void res.writeHead(304).end();

  /** Use `HostileEdge.start`: it also listens. */
  constructor(first: Record<string, unknown>) {
    this.#first = first;
    this.#server = createServer((req, res) => this.#handle(req, res));
  }

  static async start(first: Record<string, unknown>): Promise<HostileEdge> {
    const edge = new HostileEdge(first);
    await new Promise<void>((resolve) => edge.#server.listen(0, '127.0.0.1', resolve));
    return edge;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /** Params requests after the start-up read. */
  get polls() {
    return this.requests.slice(1);
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    res.on('close', () => {
      if (!res.writableFinished) this.abandoned += 1;
    });
    if (req.method === 'POST' && req.url?.includes('/report')) {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.reports.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        res.writeHead(204).end();
      });
      return;
    }
    if (req.method === 'GET' && req.url?.startsWith(`/v1/sets/${SET}/params`)) {
      this.requests.push({ at: performance.now(), ifNoneMatch: req.headers['if-none-match'], url: req.url });
      if (this.requests.length === 1) {
        res.writeHead(200, { 'content-type': 'application/json', etag: etagFor(SET, HOSTILE_LINEAGE, 1) });
        res.end(JSON.stringify(this.#first));
        return;
      }
      this.answer(req, res);
      return;
    }
    res.writeHead(404).end();
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise((resolve) => this.#server.close(resolve));
  }
}

/** Streams `bytes` of `[` (honouring back-pressure), stopping when the client hangs up. */
export function flood(res: ServerResponse, bytes: number): void {
  res.writeHead(200, { 'content-type': 'application/json', etag: etagFor(SET, HOSTILE_LINEAGE, 2) });
  const chunk = Buffer.alloc(1024 * 1024, '[');
  let sent = 0;
  let closed = false;
  res.on('close', () => {
    closed = true;
  });
  const pump = () => {
    while (!closed && sent < bytes) {
      sent += chunk.length;
      if (!res.write(chunk)) return void res.once('drain', pump);
    }
    if (!closed) res.end();
  };
  pump();
}

export function rssBytes(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : 0;
}
