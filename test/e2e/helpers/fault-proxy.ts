/**
 * A fault-injecting HTTP proxy on 127.0.0.1 between runners and the edge. Its mode can be switched
 * while runners are connected, and it counts requests by path, so a test asserts on what the runner
 * *did* (how many requests it sent, what it applied) instead of on how long anything took.
 *
 * Modes:
 * - `pass`: forward to the edge (WebSocket upgrades too);
 * - `delay`: forward after `ms`;
 * - `drop`: accept the request and never answer (a black hole that keeps the socket open);
 * - `reset`: destroy the socket with a TCP RST as soon as the request arrives;
 * - `truncate`: forward, then send the edge's headers (with the full Content-Length) and only the
 *   first half of its body before destroying the socket;
 * - `garbage`: answer 200 with the given body (not JSON, or JSON of the wrong shape, or a
 *   well-formed version whose params break the schema);
 * - `status`: answer `status` with an error body and, when given, `Retry-After: retryAfterS`;
 * - `rewrite-etag`: forward, but give the next `times` 200 answers that carry an ETag the tag
 *   `rewrite` makes of it (a buggy or hostile middlebox); after that, forward untouched.
 * - `rewrite-body`: forward, but replace the body of the next `times` 200 answers with what
 *   `rewrite` makes of it (a middlebox that edits params in flight); after that, forward untouched.
 *
 * Switching mode cuts requests still in flight (a long-poll held by the edge would otherwise keep
 * answering in the old mode for up to its wait), so the runner's next request meets the new mode.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export type FaultMode =
  | { kind: 'pass' }
  | { kind: 'delay'; ms: number }
  | { kind: 'drop' }
  | { kind: 'reset' }
  | { kind: 'truncate' }
  | { kind: 'garbage'; body: string; contentType?: string; headers?: Record<string, string> }
  | { kind: 'status'; status: 500 | 502 | 503 | 504 | 429; retryAfterS?: number }
  | { kind: 'rewrite-etag'; rewrite: (etag: string) => string; times: number }
  | { kind: 'rewrite-body'; rewrite: (body: string) => string; times: number };

export interface ProxiedRequest {
  method: string;
  path: string;
  /** The mode the request met. */
  mode: FaultMode['kind'];
  /** When it arrived (performance.now() of this process), to check a client kept to Retry-After. */
  at: number;
}

export interface FaultProxy {
  /** `http://127.0.0.1:<port>`: give this to runners as their edge URL. */
  readonly url: string;
  /** Every request seen, in arrival order. */
  readonly requests: readonly ProxiedRequest[];
  mode(): FaultMode;
  /** Switches mode; requests in flight are cut unless `keepInFlight`. */
  setMode(mode: FaultMode, options?: { keepInFlight?: boolean }): void;
  /** Requests seen whose path (without query) ends with `suffix` (all when omitted). */
  count(suffix?: string): number;
  /** ETags rewritten so far (`rewrite-etag`), as `{ from, to }`. */
  readonly rewrites: readonly { from: string; to: string }[];
  /** Forgets the counts (not the connections). */
  resetCounts(): void;
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer']);

function forwardHeaders(headers: IncomingMessage['headers'], host: string): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  }
  out.host = host;
  return out;
}

function responseHeaders(upstream: IncomingMessage): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(upstream.headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  }
  return out;
}

export async function startFaultProxy({
  target,
  initial = { kind: 'pass' },
}: {
  target: string;
  initial?: FaultMode;
}): Promise<FaultProxy> {
  const upstreamUrl = new URL(target);
  const upstreamHost = upstreamUrl.host;
  let current: FaultMode = initial;
  const requests: ProxiedRequest[] = [];
  // Sockets of requests not yet answered (and of proxied upgrades), to cut on a mode switch.
  const inFlight = new Set<net.Socket>();
  const allSockets = new Set<net.Socket>();

  const rewrites: { from: string; to: string; mode: FaultMode }[] = [];

  /** The answer's headers, with the ETag rewritten while a `rewrite-etag` mode has rewrites left. */
  function maybeRewritten(answer: IncomingMessage, mode: FaultMode): http.OutgoingHttpHeaders {
    const headers = responseHeaders(answer);
    const etag = headers.etag;
    if (mode.kind !== 'rewrite-etag' || answer.statusCode !== 200 || typeof etag !== 'string') return headers;
    const done = rewrites.filter((r) => r.mode === mode).length;
    if (done >= mode.times) return headers;
    const to = mode.rewrite(etag);
    rewrites.push({ from: etag, to, mode });
    return { ...headers, etag: to };
  }

  function forward(req: IncomingMessage, res: ServerResponse, truncate: boolean, mode: FaultMode = current): void {
    const upstream = http.request(
      {
        host: upstreamUrl.hostname,
        port: upstreamUrl.port,
        method: req.method,
        path: req.url,
        headers: {
          ...forwardHeaders(req.headers, upstreamHost),
          // A body to rewrite must arrive as text, not gzip.
          ...(mode.kind === 'rewrite-body' ? { 'accept-encoding': 'identity' } : {}),
        },
        agent: false,
      },
      (answer) => {
        // Only params answers are rewritten (a report's answer is not a version).
        const isParams = req.method === 'GET' && /\/params(\?|$)/.test(req.url ?? '');
        if (
          mode.kind === 'rewrite-body' &&
          isParams &&
          answer.statusCode === 200 &&
          rewrites.filter((r) => r.mode === mode).length < mode.times
        ) {
          const chunks: Buffer[] = [];
          answer.on('data', (c: Buffer) => chunks.push(c));
          answer.on('end', () => {
            const from = Buffer.concat(chunks).toString('utf8');
            const to = mode.rewrite(from);
            rewrites.push({ from, to, mode });
            const headers = responseHeaders(answer);
            delete headers['content-encoding'];
            headers['content-length'] = String(Buffer.byteLength(to));
            res.writeHead(200, headers);
            res.end(to);
          });
          return;
        }
        if (!truncate) {
          res.writeHead(answer.statusCode ?? 502, maybeRewritten(answer, mode));
          answer.pipe(res);
          return;
        }
        const chunks: Buffer[] = [];
        answer.on('data', (c: Buffer) => chunks.push(c));
        answer.on('end', () => {
          const body = Buffer.concat(chunks);
          const headers = responseHeaders(answer);
          delete headers['content-encoding'];
          headers['content-length'] = String(body.length);
          res.writeHead(answer.statusCode ?? 502, headers);
          if (body.length === 0) {
            res.end();
            return;
          }
          // Half the body, then a dead connection: the client sees a body shorter than promised.
          res.write(body.subarray(0, Math.max(1, Math.floor(body.length / 2))), () => req.socket.destroy());
        });
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) {
        res.writeHead(502, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'unavailable', message: 'fault proxy: upstream unreachable' } }));
      } else {
        req.socket.destroy();
      }
    });
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  }

  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://proxy').pathname;
    const mode = current;
    requests.push({ method: req.method ?? 'GET', path, mode: mode.kind, at: performance.now() });
    const socket = req.socket;
    inFlight.add(socket);
    res.on('finish', () => inFlight.delete(socket));
    res.on('close', () => inFlight.delete(socket));
    switch (mode.kind) {
      case 'pass':
      case 'rewrite-etag':
      case 'rewrite-body':
        forward(req, res, false, mode);
        return;
      case 'delay': {
        const timer = setTimeout(() => forward(req, res, false), mode.ms);
        res.on('close', () => clearTimeout(timer));
        return;
      }
      case 'drop':
        // Read the body so the client is not blocked on sending; never answer.
        req.resume();
        return;
      case 'reset':
        socket.resetAndDestroy();
        return;
      case 'truncate':
        forward(req, res, true);
        return;
      case 'garbage':
        req.resume();
        res.writeHead(200, { 'content-type': mode.contentType ?? 'application/json', ...mode.headers });
        res.end(mode.body);
        return;
      case 'status': {
        req.resume();
        const headers: http.OutgoingHttpHeaders = { 'content-type': 'application/json' };
        if (mode.retryAfterS !== undefined) headers['retry-after'] = String(mode.retryAfterS);
        res.writeHead(mode.status, headers);
        res.end(
          JSON.stringify({
            error: { code: mode.status === 429 ? 'rate_limited' : 'unavailable', message: `fault proxy: ${mode.status}` },
          }),
        );
        return;
      }
      default: {
        const never: never = mode;
        throw new Error(`unknown fault mode ${JSON.stringify(never)}`);
      }
    }
  });

  server.on('connection', (socket) => {
    allSockets.add(socket);
    socket.on('close', () => allSockets.delete(socket));
    // A reset client socket must not crash the test process.
    socket.on('error', () => {});
  });

  // WebSocket (the runner's `ws` sync): in pass/delay modes pipe raw bytes; otherwise apply the fault.
  server.on('upgrade', (req: IncomingMessage, socket: net.Socket, head: Buffer) => {
    const path = new URL(req.url ?? '/', 'http://proxy').pathname;
    const mode = current;
    requests.push({ method: req.method ?? 'GET', path, mode: mode.kind, at: performance.now() });
    socket.on('error', () => {});
    if (mode.kind === 'drop') return;
    if (mode.kind !== 'pass' && mode.kind !== 'delay' && mode.kind !== 'rewrite-etag') {
      if (mode.kind === 'status') {
        const retry = mode.retryAfterS !== undefined ? `Retry-After: ${mode.retryAfterS}\r\n` : '';
        socket.end(`HTTP/1.1 ${mode.status} Fault\r\n${retry}Content-Length: 0\r\nConnection: close\r\n\r\n`);
      } else {
        socket.resetAndDestroy();
      }
      return;
    }
    const upstream = net.connect(Number(upstreamUrl.port), upstreamUrl.hostname, () => {
      const lines = [`${req.method} ${req.url} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) {
        const name = req.rawHeaders[i]!;
        lines.push(`${name}: ${name.toLowerCase() === 'host' ? upstreamHost : req.rawHeaders[i + 1]}`);
      }
      upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head.length > 0) upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    inFlight.add(socket);
    const cleanup = () => {
      inFlight.delete(socket);
      upstream.destroy();
      socket.destroy();
    };
    upstream.on('error', cleanup);
    upstream.on('close', cleanup);
    socket.on('close', cleanup);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    rewrites,
    mode: () => current,
    setMode(mode, { keepInFlight = false } = {}) {
      current = mode;
      if (!keepInFlight) {
        for (const socket of inFlight) socket.destroy();
        inFlight.clear();
      }
    },
    count(suffix) {
      return suffix === undefined ? requests.length : requests.filter((r) => r.path.endsWith(suffix)).length;
    },
    resetCounts() {
      requests.length = 0;
    },
    async close() {
      for (const socket of allSockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
