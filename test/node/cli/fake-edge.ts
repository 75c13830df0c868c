/**
 * An in-memory edge on 127.0.0.1 (node:http) that follows DESIGN.md's API closely enough to drive the
 * CLI: named, scoped tokens; If-Match / If-None-Match; 412 with the current head; 422 with fields;
 * history, diff, rollback, fleet, schema, long-poll. Every request is recorded for assertions.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import type { Fleet, Version } from '../../../shared/api.ts';
import { etagFor } from '../../../shared/etag.ts';
import { paramsJsonSchema } from '../../../shared/json-schema.ts';
import { applyMergePatch, diffParams } from '../../../shared/merge-patch.ts';
import { validateParams } from '../../../shared/validate-params.ts';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: unknown;
}

export interface FakeEdge {
  url: string;
  requests: RecordedRequest[];
  versions: Map<string, Version[]>;
  fleet: Map<string, Fleet['runners']>;
  /** Writes a version directly, as another operator would. */
  write(set: string, params: Record<string, unknown>, author: string, message: string): Version;
  /** How many watch WebSockets were opened (when started with `{ watchSocket: true }`). */
  sockets(): number;
  /** Makes every request answer this status and body until cleared. */
  failWith(status: number | undefined, body?: unknown): void;
  close(): Promise<void>;
}

export const WRITE_TOKEN = 'tok-write-s3cr3t-aaaa';
export const READ_TOKEN = 'tok-read-s3cr3t-bbbb';
const TOKENS: Record<string, { name: string; scope: 'read' | 'write' }> = {
  [WRITE_TOKEN]: { name: 'alice', scope: 'write' },
  [READ_TOKEN]: { name: 'runner-reader', scope: 'read' },
};

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

export async function startFakeEdge({ watchSocket = false }: { watchSocket?: boolean } = {}): Promise<FakeEdge> {
  const versions = new Map<string, Version[]>();
  const fleet = new Map<string, Fleet['runners']>();
  const requests: RecordedRequest[] = [];
  const waiters = new Set<() => void>();
  const wss = new WebSocketServer({ noServer: true });
  let failure: { status: number; body: unknown } | undefined;

  const head = (set: string) => versions.get(set)?.at(-1);
  const tagged = (v: Version) => ({ etag: etagFor(v.set, v.version) });
  const append = (
    set: string,
    params: Record<string, unknown>,
    author: string,
    message: string,
    kind: Version['kind'],
    rollbackOf?: number,
  ): Version => {
    const list = versions.get(set) ?? [];
    const parent = list.at(-1)?.version ?? 0;
    const validated = validateParams(params);
    if (!validated.ok) throw new Error('fake edge: invalid params appended');
    const version: Version = {
      set,
      version: parent + 1,
      params: validated.params,
      created_at: new Date(Date.UTC(2026, 10, 24, 15, 0, parent)).toISOString(),
      author,
      message,
      kind,
      parent,
      ...(rollbackOf ? { rollback_of: rollbackOf } : {}),
    };
    list.push(version);
    versions.set(set, list);
    for (const wake of waiters) wake();
    for (const client of wss.clients)
      client.send(JSON.stringify({ type: 'version', etag: etagFor(set, version.version), version }));
    return version;
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const body = await readBody(req);
    requests.push({ method: req.method ?? '', path: `${url.pathname}${url.search}`, headers: req.headers, body });
    if (failure) return send(res, failure.status, failure.body);
    const token = TOKENS[(req.headers.authorization ?? '').replace(/^Bearer /, '')];
    if (!token) return error(res, 401, 'unauthorized', 'missing or unknown token');
    const isWrite = req.method !== 'GET' && !url.pathname.endsWith('/report');
    if (isWrite && token.scope !== 'write')
      return error(res, 403, 'forbidden', `token "${token.name}" has scope read; this call needs write`);
    if (url.pathname === '/v1/schema') return send(res, 200, paramsJsonSchema());
    if (url.pathname === '/v1/sets') {
      return send(res, 200, {
        sets: [...versions.values()]
          .map((l) => l.at(-1)!)
          .map((v) => ({ set: v.set, version: v.version, updated_at: v.created_at, author: v.author })),
      });
    }
    const report = /^\/v1\/sets\/([a-z0-9-]+)\/runners\/([A-Za-z0-9._-]+)\/report$/.exec(url.pathname);
    if (report && req.method === 'POST') {
      const [, reportSet = '', runnerId = ''] = report;
      const entry = { ...(body as Fleet['runners'][number]), runner_id: runnerId, last_seen: new Date().toISOString() };
      fleet.set(reportSet, [...(fleet.get(reportSet) ?? []).filter((r) => r.runner_id !== runnerId), entry]);
      return send(res, 200, entry);
    }
    const match = /^\/v1\/sets\/([a-z0-9-]+)\/(params|versions|diff|rollback|fleet)(?:\/(\d+))?$/.exec(url.pathname);
    if (!match) return error(res, 404, 'not_found', `no route ${url.pathname}`);
    const [, set = '', what, n] = match;
    const current = head(set);
    const list = versions.get(set) ?? [];
    const ifMatch = req.headers['if-match'];
    const checkPrecondition = (): boolean => {
      if (!ifMatch) {
        error(res, 428, 'precondition_required', 'If-Match is required');
        return false;
      }
      if (!current) {
        error(res, 404, 'not_found', `set ${set} does not exist`);
        return false;
      }
      if (ifMatch !== etagFor(set, current.version)) {
        const details = {
          current: {
            version: current.version,
            etag: etagFor(set, current.version),
            author: current.author,
            created_at: current.created_at,
            message: current.message,
          },
        };
        error(res, 412, 'precondition_failed', `${set} is at v${current.version}`, { details });
        return false;
      }
      return true;
    };
    const write = body as { params?: Record<string, unknown>; message?: string; to?: number };

    if (what === 'params' && req.method === 'GET') {
      if (!current) return error(res, 404, 'not_found', `set ${set} does not exist`);
      const wait = Number(url.searchParams.get('wait') ?? 0);
      const inm = req.headers['if-none-match'];
      if (inm === etagFor(set, current.version) && wait > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, wait * 1000);
          function done() {
            clearTimeout(timer);
            waiters.delete(done);
            resolve();
          }
          waiters.add(done);
          res.on('close', done);
        });
      }
      const now = head(set)!;
      if (inm === etagFor(set, now.version)) return send(res, 304, undefined, tagged(now));
      return send(res, 200, now, tagged(now));
    }
    if (what === 'params' && (req.method === 'PUT' || req.method === 'PATCH')) {
      const creating = req.headers['if-none-match'] === '*';
      if (creating && current)
        return error(res, 412, 'precondition_failed', `${set} exists`, {
          details: { current: { version: current.version, author: current.author } },
        });
      if (!creating && !checkPrecondition()) return;
      const next = req.method === 'PATCH' ? applyMergePatch(current!.params, write.params ?? {}) : (write.params ?? {});
      const result = validateParams(next);
      if (!result.ok) return error(res, 422, 'validation_failed', 'invalid params', { fields: result.issues });
      const v = append(set, next, token.name, String(write.message), creating ? 'create' : 'update');
      return send(res, creating ? 201 : 200, v, tagged(v));
    }
    if (!current) return error(res, 404, 'not_found', `set ${set} does not exist`);
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
      const target = list[Number(write.to) - 1];
      if (!target) return error(res, 404, 'not_found', `${set} has no version ${write.to}`);
      const v = append(set, target.params, token.name, String(write.message), 'rollback', target.version);
      return send(res, 200, v, tagged(v));
    }
    if (what === 'fleet') return send(res, 200, { set, version: current.version, runners: fleet.get(set) ?? [] });
    return error(res, 405, 'method_not_allowed', 'no');
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => error(res, 500, 'internal', String(e)));
  });
  // The watch socket, as the hub does it: the current version on connect, then every new one.
  server.on('upgrade', (req, socket, headOfStream) => {
    const set = /^\/v1\/sets\/([a-z0-9-]+)\/watch$/.exec(req.url ?? '')?.[1];
    const authorized = TOKENS[(req.headers.authorization ?? '').replace(/^Bearer /, '')] !== undefined;
    if (!watchSocket || !set || !authorized) return socket.destroy();
    wss.handleUpgrade(req, socket, headOfStream, (ws) => {
      // Recorded once the socket is in wss.clients, so a test that waits for it cannot miss a push.
      requests.push({ method: 'WS', path: req.url ?? '', headers: req.headers, body: undefined });
      const current = head(set);
      if (current) ws.send(JSON.stringify({ type: 'version', etag: etagFor(set, current.version), version: current }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    versions,
    fleet,
    write: (set, params, author, message) => append(set, params, author, message, head(set) ? 'update' : 'create'),
    sockets: () => requests.filter((r) => r.method === 'WS').length,
    failWith(status, body) {
      failure = status === undefined ? undefined : { status, body };
    },
    close: () =>
      new Promise((resolve) => {
        for (const wake of waiters) wake();
        for (const client of wss.clients) client.terminate();
        wss.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
