/**
 * A small stand-in for the livetune edge on loopback (node:http), enough for runner tests: the
 * params endpoint with ETag / If-None-Match / ?wait long-poll, the watch socket (current version
 * on connect, each new one pushed), and the report endpoint. Reports and socket messages are
 * recorded. Not the real edge: no KV, no hub, one token.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { DEFAULT_PARAMS } from '../../../shared/params-schema.ts';
import { etagFor } from '../../../shared/etag.ts';

export interface RecordedReport {
  runnerId: string;
  body: Record<string, unknown>;
}

export class FakeEdge {
  readonly reports: RecordedReport[] = [];
  /** What runners sent on the watch socket (ack / nack / ping), parsed. */
  readonly socketMessages: Array<Record<string, unknown>> = [];
  readonly set: string;
  readonly token: string;
  version = 0;
  params: Record<string, unknown> = { ...DEFAULT_PARAMS };
  /** Answer every params request with this status instead (e.g. 503, 401). */
  failWith: number | null = null;
  #server: Server;
  #wss = new WebSocketServer({ noServer: true });
  #waiters = new Set<() => void>();
  #reportWaiters: Array<() => void> = [];

  private constructor(set: string, token: string) {
    this.set = set;
    this.token = token;
    this.#server = createServer((req, res) => {
      this.#handle(req, res).catch(() => res.writeHead(500).end());
    });
    this.#server.on('upgrade', (req, socket, head) => {
      if (req.url !== `/v1/sets/${this.set}/watch` || req.headers.authorization !== `Bearer ${this.token}`) {
        socket.end('HTTP/1.1 401 Unauthorized\r\ncontent-length: 0\r\n\r\n');
        return;
      }
      this.#wss.handleUpgrade(req, socket, head, (ws) => {
        if (this.version > 0) ws.send(this.#pushMessage());
        ws.on('message', (data) => {
          this.socketMessages.push(JSON.parse(String(data)));
          this.#wakeReports();
        });
      });
    });
  }

  #pushMessage(): string {
    return JSON.stringify({ type: 'version', etag: etagFor(this.set, this.version), version: this.body() });
  }

  #wakeReports(): void {
    for (const wake of this.#reportWaiters.splice(0)) wake();
  }

  /** Resolves with the first socket message matching `predicate` (waits for it). */
  async waitForSocketMessage(predicate: (m: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
    for (;;) {
      const found = this.socketMessages.find(predicate);
      if (found) return found;
      await new Promise<void>((wake) => this.#reportWaiters.push(wake));
    }
  }

  static async start({ set, token = 'read-token' }: { set: string; token?: string }): Promise<FakeEdge> {
    const edge = new FakeEdge(set, token);
    await new Promise<void>((resolve) => edge.#server.listen(0, '127.0.0.1', resolve));
    return edge;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /** A new version (params not validated: tests send invalid ones on purpose). */
  publish(params: Record<string, unknown>): number {
    this.version += 1;
    this.params = params;
    for (const wake of [...this.#waiters]) wake();
    for (const ws of this.#wss.clients) ws.send(this.#pushMessage());
    return this.version;
  }

  body() {
    return {
      set: this.set,
      version: this.version,
      params: this.params,
      created_at: '2026-01-01T00:00:00.000Z',
      author: 'ops',
      message: `version ${this.version}`,
      kind: this.version === 1 ? 'create' : 'update',
      parent: this.version - 1,
    };
  }

  /** Resolves with the first recorded report matching `predicate` (waits for it). */
  async waitForReport(predicate: (r: RecordedReport) => boolean): Promise<RecordedReport> {
    for (;;) {
      const found = this.reports.find(predicate);
      if (found) return found;
      await new Promise<void>((wake) => this.#reportWaiters.push(wake));
    }
  }

  async close(): Promise<void> {
    for (const wake of [...this.#waiters]) wake();
    for (const ws of this.#wss.clients) ws.terminate();
    this.#wss.close();
    this.#server.closeAllConnections();
    await new Promise((resolve) => this.#server.close(resolve));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://edge');
    const json = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
    };
    if (req.headers.authorization !== `Bearer ${this.token}`)
      return json(401, { error: { code: 'unauthorized', message: 'unknown token' } });
    const report = new RegExp(`^/v1/sets/${this.set}/runners/([^/]+)/report$`).exec(url.pathname);
    if (report && req.method === 'POST') {
      let text = '';
      for await (const chunk of req) text += chunk;
      this.reports.push({ runnerId: decodeURIComponent(report[1]!), body: JSON.parse(text) });
      this.#wakeReports();
      return void res.writeHead(204).end();
    }
    if (url.pathname !== `/v1/sets/${this.set}/params` || req.method !== 'GET')
      return json(404, { error: { code: 'not_found', message: 'no such route' } });
    if (this.failWith !== null)
      return json(this.failWith, { error: { code: 'unavailable', message: 'made to fail' } }, { 'retry-after': '1' });
    if (this.version === 0) return json(404, { error: { code: 'not_found', message: `set ${this.set} does not exist` } });
    const wait = Number(url.searchParams.get('wait') ?? 0);
    if (req.headers['if-none-match'] === etagFor(this.set, this.version) && wait > 0) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.#waiters.delete(done);
          resolve();
        };
        const timer = setTimeout(done, wait * 1000);
        this.#waiters.add(done);
        req.on('close', done);
      });
    }
    const etag = etagFor(this.set, this.version);
    if (req.headers['if-none-match'] === etag) return void res.writeHead(304, { etag }).end();
    return json(200, this.body(), { etag });
  }
}
