/**
 * The runner's local observability endpoint (node:http): `GET /status` (JSON for people and
 * scripts) and `GET /metrics` (Prometheus text from the runner's own registry). Bound to loopback
 * by default: it tells anyone who can reach it what the runner trades.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface StatusServerOptions {
  host: string;
  port: number;
  status: () => unknown;
  registry: Registry;
}

export interface StatusServer {
  readonly port: number;
  close(): Promise<void>;
}

export async function startStatusServer({ host, port, status, registry }: StatusServerOptions): Promise<StatusServer> {
  const server: Server = createServer(async function handleStatusRequest(request, response) {
    const path = new URL(request.url ?? '/', 'http://runner').pathname;
    try {
      if (request.method !== 'GET') {
        response
          .writeHead(405, { allow: 'GET', 'content-type': 'application/json' })
          .end(JSON.stringify({ error: 'method not allowed' }));
      } else if (path === '/status') {
        response
          .writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' })
          .end(`${JSON.stringify(status(), null, 2)}\n`);
      } else if (path === '/metrics') {
        const text = await registry.metrics();
        response.writeHead(200, { 'content-type': registry.contentType }).end(text);
      } else {
        response
          .writeHead(404, { 'content-type': 'application/json' })
          .end(JSON.stringify({ error: `no ${path} here: try /status or /metrics` }));
      }
    } catch (error) {
      response.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: (error as Error).message }));
    }
  });
  // Idle keep-alive connections (a scraper) must not hold up shutdown.
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
