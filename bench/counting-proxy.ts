/**
 * A counting HTTP proxy on 127.0.0.1 between runners and the edge: every request (and every
 * WebSocket upgrade) is recorded with its method, path and arrival time, so the idle benchmark
 * counts the requests a runner really sends (long-polls, polls, heartbeat reports) and the
 * reconnection benchmark sees when each runner came back. Client→edge WebSocket messages are
 * counted too (frame headers parsed on the fly): they are not HTTP requests, but Cloudflare bills
 * them (20 incoming messages = 1 request).
 */
import http, { type IncomingMessage } from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface CountedRequest {
  method: string;
  path: string;
  /** performance.now() at arrival. */
  at: number;
  upgrade: boolean;
}

export interface CountingProxy {
  readonly url: string;
  readonly requests: readonly CountedRequest[];
  /** WebSocket messages sent by clients through the proxy (control frames included). */
  wsMessages(): number;
  reset(): void;
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer']);

function withoutHopByHop(headers: IncomingMessage['headers']): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  return out;
}

/**
 * Counts WebSocket frames in a client→server byte stream (RFC 6455 §5.2: client frames are masked).
 * Returns a function fed with each chunk; only frame boundaries are tracked, never payloads.
 */
export function createFrameCounter(onFrame: () => void): (chunk: Buffer) => void {
  let pending = Buffer.alloc(0);
  let skip = 0;
  return (chunk) => {
    let buf = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    for (;;) {
      if (skip > 0) {
        const n = Math.min(skip, buf.length);
        skip -= n;
        buf = buf.subarray(n);
        if (skip > 0) break;
      }
      if (buf.length < 2) break;
      const masked = (buf[1]! & 0x80) !== 0;
      let len = buf[1]! & 0x7f;
      let header = 2;
      if (len === 126) {
        if (buf.length < 4) break;
        len = buf.readUInt16BE(2);
        header = 4;
      } else if (len === 127) {
        if (buf.length < 10) break;
        len = Number(buf.readBigUInt64BE(2));
        header = 10;
      }
      if (masked) header += 4;
      if (buf.length < header) break;
      onFrame();
      buf = buf.subarray(header);
      skip = len;
    }
    pending = Buffer.from(buf);
  };
}

export async function startCountingProxy(target: string): Promise<CountingProxy> {
  const upstream = new URL(target);
  const requests: CountedRequest[] = [];
  let frames = 0;
  const sockets = new Set<net.Socket>();
  const agent = new http.Agent({ keepAlive: true });

  const server = http.createServer((req, res) => {
    requests.push({ method: req.method ?? 'GET', path: req.url ?? '/', at: performance.now(), upgrade: false });
    const out = http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: { ...withoutHopByHop(req.headers), host: upstream.host },
        agent,
      },
      (answer) => {
        const headers: http.OutgoingHttpHeaders = {};
        for (const [name, value] of Object.entries(answer.headers))
          if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
        res.writeHead(answer.statusCode ?? 502, headers);
        answer.pipe(res);
      },
    );
    out.on('error', () => {
      if (!res.headersSent) res.writeHead(502).end();
      else res.destroy();
    });
    res.on('close', () => out.destroy());
    req.pipe(out);
  });

  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
  });

  server.on('upgrade', (req: IncomingMessage, socket: net.Socket, head: Buffer) => {
    requests.push({ method: req.method ?? 'GET', path: req.url ?? '/', at: performance.now(), upgrade: true });
    socket.on('error', () => {});
    const up = net.connect(Number(upstream.port), upstream.hostname, () => {
      const lines = [`${req.method} ${req.url} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) {
        const name = req.rawHeaders[i]!;
        lines.push(`${name}: ${name.toLowerCase() === 'host' ? upstream.host : req.rawHeaders[i + 1]}`);
      }
      up.write(`${lines.join('\r\n')}\r\n\r\n`);
      const count = createFrameCounter(() => frames++);
      if (head.length) {
        count(head);
        up.write(head);
      }
      socket.on('data', (chunk: Buffer) => count(chunk));
      socket.pipe(up);
      up.pipe(socket);
    });
    sockets.add(up);
    up.on('close', () => {
      sockets.delete(up);
      socket.destroy();
    });
    up.on('error', () => socket.destroy());
    socket.on('close', () => up.destroy());
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    wsMessages: () => frames,
    reset() {
      requests.length = 0;
      frames = 0;
    },
    async close() {
      for (const s of sockets) s.destroy();
      agent.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
