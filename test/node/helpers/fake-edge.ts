/**
 * The one stand-in for the livetune edge in tests: an in-memory edge on 127.0.0.1 (node:http) that
 * follows DESIGN's API closely enough to drive runners and the CLI — named, scoped tokens; sets
 * with version history; If-Match / If-None-Match with 412 carrying the current head and 422 with
 * fields; `?wait` long-polls woken by a write; the watch socket (current version on connect, each
 * new one pushed, acks and nacks recorded); reports feeding a fleet table; history, diff,
 * rollback, schema. Every request is recorded for assertions. Not the real edge: no KV, no hub,
 * no rate limits (the e2e tests run the real one).
 *
 * Two ways in, one edge:
 * - `FakeEdge.start({ set, token })` for runner tests: one set, one read token, the watch socket
 *   on; `publish(params)` writes a version *without* validation (tests send invalid ones on purpose);
 * - `startFakeEdge({ watchSocket })` for CLI tests: the tokens `WRITE_TOKEN` (alice, write) and
 *   `READ_TOKEN`, any set; `write(...)` validates as the edge does; the watch socket only when asked
 *   for (the CLI then falls back to long-poll).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { Fleet, Version } from '../../../shared/api.ts';
import { etagFor } from '../../../shared/etag.ts';

/** The lineage of every set this fake edge holds. */
export const FAKE_LINEAGE = 'fake-edge-lineage';
import { paramsJsonSchema } from '../../../shared/json-schema.ts';
import { applyMergePatch, diffParams } from '../../../shared/merge-patch.ts';
import { validateParams } from '../../../shared/validate-params.ts';

export const WRITE_TOKEN = 'tok-write-s3cr3t-aaaa';
export const READ_TOKEN = 'tok-read-s3cr3t-bbbb';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: unknown;
}

export interface RecordedReport {
  runnerId: string;
  body: Record<string, unknown>;
}

type Tokens = Record<string, { name: string; scope: 'read' | 'write' }>;

export interface FakeEdgeOptions {
  tokens: Tokens;
  watchSocket: boolean;
  /** The set of `publish()`, `version`, `params` and `body()` (runner tests follow one set). */
  set: string;
  token: string;
}

/** How long `waitForReport` and `waitForSocketMessage` wait before failing (a broken runner). */
const WAIT_MS = 15_000;

function send(res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers });
  res.end(body === undefined ? undefined : JSON.stringify(body));
}

function error(res: ServerResponse, status: number, code: string, message: string, extra: Record<string, unknown> = {}): void {
  send(res, status, { error: { code, message, ...extra } });
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export class FakeEdge {
  readonly requests: RecordedRequest[] = [];
  readonly versions = new Map<string, Version[]>();
  readonly fleet = new Map<string, Fleet['runners']>();
  readonly reports: RecordedReport[] = [];
  /** What `GET …/perf` and `…/perf/compare` answer (tests set them; absent: 404). */
  perfAnswer: unknown;
  compareAnswer: unknown;
  /** What clients sent on the watch socket (ack / nack / ping), parsed. */
  readonly socketMessages: Array<Record<string, unknown>> = [];
  readonly set: string;
  readonly token: string;
  #options: FakeEdgeOptions;
  #server: Server;
  #wss = new WebSocketServer({ noServer: true });
  #pollWaiters = new Set<() => void>();
  #eventWaiters: Array<() => void> = [];
  #failure: { status: number; body: unknown } | undefined;
  #holdReports = false;

  /** Use `FakeEdge.start()` or `startFakeEdge()`: they also listen. */
  constructor(options: FakeEdgeOptions) {
    this.#options = options;
    this.set = options.set;
    this.token = options.token;
    this.#server = createServer((req, res) => {
      this.#handle(req, res).catch((e: unknown) => error(res, 500, 'internal', String(e)));
    });
    this.#server.on('upgrade', (req, socket, head) => this.#upgrade(req, socket, head));
  }

  /** A runner's edge: `set` only, `token` (scope read) only, the watch socket on. */
  static start({ set, token = 'read-token' }: { set: string; token?: string }): Promise<FakeEdge> {
    return FakeEdge.#listen({ set, token, tokens: { [token]: { name: 'runner', scope: 'read' } }, watchSocket: true });
  }

  static async #listen(options: FakeEdgeOptions): Promise<FakeEdge> {
    const edge = new FakeEdge(options);
    await new Promise<void>((resolve) => edge.#server.listen(0, '127.0.0.1', resolve));
    return edge;
  }

  /** An operator's edge: WRITE_TOKEN and READ_TOKEN, any set; the watch socket only with `watchSocket`. */
  static startForCli({ watchSocket = false }: { watchSocket?: boolean } = {}): Promise<FakeEdge> {
    return FakeEdge.#listen({
      set: 'hype-perp',
      token: WRITE_TOKEN,
      tokens: { [WRITE_TOKEN]: { name: 'alice', scope: 'write' }, [READ_TOKEN]: { name: 'runner-reader', scope: 'read' } },
      watchSocket,
    });
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /** The head version of `set` (0 before the first). */
  get version(): number {
    return this.#head(this.set)?.version ?? 0;
  }

  get params(): Record<string, unknown> | undefined {
    return this.#head(this.set)?.params;
  }

  /** The head of `set` as the edge serves it. */
  body(): Version | undefined {
    return this.#head(this.set);
  }

  /** A new version of `set`, params taken as they are (not validated, no defaults filled in). */
  publish(params: Record<string, unknown>): number {
    const parent = this.version;
    return this.#append({
      set: this.set,
      lineage: FAKE_LINEAGE,
      version: parent + 1,
      params: params as Version['params'],
      created_at: '2026-01-01T00:00:00.000Z',
      author: 'ops',
      message: `version ${parent + 1}`,
      kind: parent === 0 ? 'create' : 'update',
      parent,
    }).version;
  }

  /** Writes a validated version directly, as another operator would. */
  write(set: string, params: Record<string, unknown>, author: string, message: string): Version {
    return this.#appendValidated(set, params, author, message, this.#head(set) ? 'update' : 'create');
  }

  /** How many watch WebSockets were opened. */
  sockets(): number {
    return this.requests.filter((r) => r.method === 'WS').length;
  }

  /** Makes every request answer this status and body until cleared with `failWith(undefined)`. */
  failWith(status: number | undefined, body?: unknown): void {
    this.#failure = status === undefined ? undefined : { status, body };
  }

  /** From now on, reports are recorded but never answered (an edge that hangs on them). */
  holdReports(): void {
    this.#holdReports = true;
  }

  /** Resolves with the first recorded report matching `predicate` (waits for it). */
  waitForReport(predicate: (r: RecordedReport) => boolean, what = 'a matching report'): Promise<RecordedReport> {
    return this.#waitFor(() => this.reports.find(predicate), what);
  }

  /** Resolves with the first socket message matching `predicate` (waits for it). */
  waitForSocketMessage(
    predicate: (m: Record<string, unknown>) => boolean,
    what = 'a matching socket message',
  ): Promise<Record<string, unknown>> {
    return this.#waitFor(() => this.socketMessages.find(predicate), what);
  }

  async close(): Promise<void> {
    for (const wake of [...this.#pollWaiters]) wake();
    for (const client of this.#wss.clients) client.terminate();
    this.#wss.close();
    this.#server.closeAllConnections();
    await new Promise((resolve) => this.#server.close(resolve));
  }

  /** Event-driven (woken by each report or socket message), with a deadline naming `what`. */
  async #waitFor<T>(find: () => T | undefined, what: string): Promise<T> {
    const deadline = performance.now() + WAIT_MS;
    for (;;) {
      const found = find();
      if (found !== undefined) return found;
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`fake edge: no ${what} within ${WAIT_MS} ms`);
      await new Promise<void>((wake) => {
        const timer = setTimeout(wake, left);
        this.#eventWaiters.push(() => {
          clearTimeout(timer);
          wake();
        });
      });
    }
  }

  #wakeEventWaiters(): void {
    for (const wake of this.#eventWaiters.splice(0)) wake();
  }

  #head(set: string): Version | undefined {
    return this.versions.get(set)?.at(-1);
  }

  #append(version: Version): Version {
    const list = this.versions.get(version.set) ?? [];
    list.push(version);
    this.versions.set(version.set, list);
    for (const wake of [...this.#pollWaiters]) wake();
    for (const client of this.#wss.clients) client.send(this.#pushMessage(version));
    return version;
  }

  #appendValidated(
    set: string,
    params: Record<string, unknown>,
    author: string,
    message: string,
    kind: Version['kind'],
    rollbackOf?: number,
  ): Version {
    const parent = this.#head(set)?.version ?? 0;
    const validated = validateParams(params);
    if (!validated.ok) throw new Error('fake edge: invalid params appended');
    return this.#append({
      set,
      lineage: FAKE_LINEAGE,
      version: parent + 1,
      params: validated.params,
      created_at: new Date(Date.UTC(2026, 10, 24, 15, 0, parent)).toISOString(),
      author,
      message,
      kind,
      parent,
      ...(rollbackOf ? { rollback_of: rollbackOf } : {}),
    });
  }

  #pushMessage(version: Version): string {
    return JSON.stringify({ type: 'version', etag: etagFor(version.set, version.lineage, version.version), version });
  }

  #tokenOf(req: IncomingMessage) {
    return this.#options.tokens[(req.headers.authorization ?? '').replace(/^Bearer /, '')];
  }

  // The watch socket, as the hub does it: the current version on connect, then every new one.
  #upgrade(req: IncomingMessage, socket: Duplex, headOfStream: Buffer): void {
    const set = /^\/v1\/sets\/([a-z0-9-]+)\/watch$/.exec(new URL(req.url ?? '/', 'http://x').pathname)?.[1];
    if (!this.#options.watchSocket || !set) return void socket.destroy();
    if (!this.#tokenOf(req)) return void socket.end('HTTP/1.1 401 Unauthorized\r\ncontent-length: 0\r\n\r\n');
    this.#wss.handleUpgrade(req, socket, headOfStream, (ws) => {
      // Recorded once the socket is in wss.clients, so a test that waits for it cannot miss a push.
      this.requests.push({ method: 'WS', path: req.url ?? '', headers: req.headers, body: undefined });
      const current = this.#head(set);
      if (current) ws.send(this.#pushMessage(current));
      ws.on('message', (data) => {
        this.socketMessages.push(JSON.parse(String(data)) as Record<string, unknown>);
        this.#wakeEventWaiters();
      });
    });
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const body = await readBody(req);
    this.requests.push({ method: req.method ?? '', path: `${url.pathname}${url.search}`, headers: req.headers, body });
    if (this.#failure) return send(res, this.#failure.status, this.#failure.body);
    const token = this.#tokenOf(req);
    if (!token) return error(res, 401, 'unauthorized', 'missing or unknown token');
    const isWrite = req.method !== 'GET' && !url.pathname.endsWith('/report');
    if (isWrite && token.scope !== 'write')
      return error(res, 403, 'forbidden', `token "${token.name}" has scope read; this call needs write`);
    if (url.pathname === '/v1/schema') return send(res, 200, paramsJsonSchema());
    if (url.pathname === '/v1/sets') {
      return send(res, 200, {
        sets: [...this.versions.values()]
          .map((l) => l.at(-1)!)
          .map((v) => ({ set: v.set, version: v.version, updated_at: v.created_at, author: v.author })),
      });
    }
    const report = /^\/v1\/sets\/([a-z0-9-]+)\/runners\/([A-Za-z0-9._-]+)\/report$/.exec(url.pathname);
    if (report && req.method === 'POST') {
      const [, reportSet = '', runnerId = ''] = report;
      this.reports.push({ runnerId: decodeURIComponent(runnerId), body: body as Record<string, unknown> });
      if (this.#holdReports) {
        this.#wakeEventWaiters();
        return;
      }
      const entry = { ...(body as Fleet['runners'][number]), runner_id: runnerId, last_seen: new Date().toISOString() };
      this.fleet.set(reportSet, [...(this.fleet.get(reportSet) ?? []).filter((r) => r.runner_id !== runnerId), entry]);
      this.#wakeEventWaiters();
      return send(res, 200, entry);
    }
    const perf = /^\/v1\/sets\/([a-z0-9-]+)\/perf(\/compare)?$/.exec(url.pathname);
    if (perf && req.method === 'GET') {
      const answer = perf[2] ? this.compareAnswer : this.perfAnswer;
      return answer === undefined ? error(res, 404, 'not_found', `no perf answer set for ${perf[1]}`) : send(res, 200, answer);
    }
    const match = /^\/v1\/sets\/([a-z0-9-]+)\/(params|versions|diff|rollback|fleet)(?:\/(\d+))?$/.exec(url.pathname);
    if (!match) return error(res, 404, 'not_found', `no route ${url.pathname}`);
    const [, set = '', what, n] = match;
    if (what === 'params' && req.method === 'GET') return this.#read(req, res, url, set);
    if (what === 'params' && (req.method === 'PUT' || req.method === 'PATCH'))
      return this.#write(req, res, set, token.name, body);
    const current = this.#head(set);
    const list = this.versions.get(set) ?? [];
    if (!current) return error(res, 404, 'not_found', `set ${set} does not exist`);
    const command = body as { message?: string; to?: number };
    if (what === 'versions' && n) {
      const v = list[Number(n) - 1];
      return v ? send(res, 200, v) : error(res, 404, 'not_found', `${set} has no version ${n}`);
    }
    if (what === 'versions') {
      const limit = Number(url.searchParams.get('limit') ?? 50);
      const before = Number(url.searchParams.get('before') ?? Infinity);
      const page = [...list]
        .reverse()
        .filter((v) => v.version < before)
        .slice(0, limit);
      const last = page.at(-1);
      return send(res, 200, { set, versions: page, next_before: last && last.version > 1 ? last.version : null });
    }
    if (what === 'diff') {
      const a = list[Number(url.searchParams.get('from')) - 1];
      const b = list[Number(url.searchParams.get('to')) - 1];
      if (!a || !b) return error(res, 404, 'not_found', 'no such version');
      return send(res, 200, { set, from: a.version, to: b.version, changes: diffParams(a.params, b.params) });
    }
    if (what === 'rollback' && req.method === 'POST') {
      const target = list[Number(command.to) - 1];
      if (!target) return error(res, 404, 'not_found', `${set} has no version ${command.to}`);
      const v = this.#appendValidated(set, target.params, token.name, String(command.message), 'rollback', target.version);
      return send(res, 200, v, { etag: etagFor(set, v.lineage, v.version) });
    }
    if (what === 'fleet') return send(res, 200, { set, version: current.version, runners: this.fleet.get(set) ?? [] });
    return error(res, 405, 'method_not_allowed', 'no');
  }

  /** GET params: 304 on a matching If-None-Match, held up to `?wait` seconds for the next write. */
  async #read(req: IncomingMessage, res: ServerResponse, url: URL, set: string): Promise<void> {
    const current = this.#head(set);
    if (!current) return error(res, 404, 'not_found', `set ${set} does not exist`);
    const wait = Number(url.searchParams.get('wait') ?? 0);
    const inm = req.headers['if-none-match'];
    if (inm === etagFor(set, current.lineage, current.version) && wait > 0) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.#pollWaiters.delete(done);
          resolve();
        };
        const timer = setTimeout(done, wait * 1000);
        this.#pollWaiters.add(done);
        res.on('close', done);
      });
    }
    const now = this.#head(set)!;
    const etag = { etag: etagFor(set, now.lineage, now.version) };
    if (inm === etag.etag) return send(res, 304, undefined, etag);
    return send(res, 200, now, etag);
  }

  /** PUT / PATCH params: If-None-Match: * creates, If-Match must name the head, the result must validate. */
  #write(req: IncomingMessage, res: ServerResponse, set: string, author: string, body: unknown): void {
    const current = this.#head(set);
    const command = body as { params?: Record<string, unknown>; message?: string };
    const creating = req.headers['if-none-match'] === '*';
    if (creating && current)
      return error(res, 412, 'precondition_failed', `${set} exists`, {
        details: { current: { version: current.version, author: current.author } },
      });
    if (!creating) {
      const ifMatch = req.headers['if-match'];
      if (!ifMatch) return error(res, 428, 'precondition_required', 'If-Match is required');
      if (!current) return error(res, 404, 'not_found', `set ${set} does not exist`);
      if (ifMatch !== etagFor(set, current.lineage, current.version)) {
        const details = {
          current: {
            version: current.version,
            etag: etagFor(set, current.lineage, current.version),
            author: current.author,
            created_at: current.created_at,
            message: current.message,
          },
        };
        return error(res, 412, 'precondition_failed', `${set} is at v${current.version}`, { details });
      }
    }
    const next = req.method === 'PATCH' ? applyMergePatch(current!.params, command.params ?? {}) : (command.params ?? {});
    const result = validateParams(next);
    if (!result.ok) return error(res, 422, 'validation_failed', 'invalid params', { fields: result.issues });
    const v = this.#appendValidated(set, next, author, String(command.message), creating ? 'create' : 'update');
    return send(res, creating ? 201 : 200, v, { etag: etagFor(set, v.lineage, v.version) });
  }
}

/** The CLI tests' edge (see the module comment). */
export function startFakeEdge(options: { watchSocket?: boolean } = {}): Promise<FakeEdge> {
  return FakeEdge.startForCli(options);
}
