/**
 * One WebSocket session on a set's watch stream (`ws`, constructor injected): every pushed version
 * goes to `onVersion`, in order. Resolves with how it ended, so the caller can reconnect after a
 * session that worked, or fall back to long-poll when the socket never opened.
 */
import { WebSocket } from 'ws';
import { WatchServerMessageSchema, type Version } from '../shared/api.ts';

/** The part of `ws`'s WebSocket the watch command uses. */
export type WebSocketConstructor = new (url: string, options: { headers: Record<string, string> }) => WebSocket;

export type SocketEnd = 'stopped' | 'closed' | 'unavailable';

/** Keeps idle proxies from dropping the connection; the edge answers `pong`. */
const PING_EVERY_MS = 30_000;

export function watchSocket(options: {
  url: string;
  headers: Record<string, string>;
  signal: AbortSignal;
  onVersion: (version: Version, etag: string) => Promise<void>;
  WebSocket?: WebSocketConstructor | undefined;
}): Promise<SocketEnd> {
  const Ctor = options.WebSocket ?? WebSocket;
  return new Promise((resolve) => {
    if (options.signal.aborted) return resolve('stopped');
    let opened = false;
    let queue = Promise.resolve();
    const socket = new Ctor(options.url, { headers: options.headers });
    const stop = () => socket.terminate();
    const ping = setInterval(
      () => socket.readyState === socket.OPEN && socket.send(JSON.stringify({ type: 'ping' })),
      PING_EVERY_MS,
    );
    ping.unref();
    options.signal.addEventListener('abort', stop, { once: true });
    socket.on('open', () => {
      opened = true;
    });
    socket.on('message', (data) => {
      let json: unknown;
      try {
        json = JSON.parse(String(data));
      } catch {
        return;
      }
      const message = WatchServerMessageSchema.safeParse(json);
      if (message.success && message.data.type === 'version') {
        const { version, etag } = message.data;
        queue = queue.then(() => options.onVersion(version, etag)).catch(() => socket.terminate());
      }
    });
    // An 'error' is always followed by 'close'; the outcome is decided there.
    socket.on('error', () => {});
    socket.on('close', () => {
      clearInterval(ping);
      options.signal.removeEventListener('abort', stop);
      void queue.then(() => resolve(options.signal.aborted ? 'stopped' : opened ? 'closed' : 'unavailable'));
    });
  });
}
