/**
 * A hostile read token (issue 11, row 1): `sockets` watch sockets each sending `ack` messages for
 * ever-new made-up runner ids as fast as the socket drains, reconnecting whenever the edge closes
 * one, until `stop()`. Shared by the e2e test (which asserts the edge refused the flood) and the
 * bench (which measures a write's latency during it).
 */
import WebSocket from 'ws';

export interface AckFlood {
  /** Messages sent so far. */
  readonly sent: number;
  /** Close codes the edge sent, in arrival order. */
  readonly closeCodes: number[];
  /** Stops sending, closes every socket, and resolves once all are closed. */
  stop(): Promise<void>;
}

export interface AckFloodOptions {
  url: string;
  token: string;
  set: string;
  sockets?: number;
  /** The set's lineage and the version every ack names (existing ones, so only the limits stop it). */
  lineage: string;
  version?: number;
  /** Messages each socket sends at most (default: no limit, until `stop()`). */
  perSocket?: number;
  /** Open a new socket when the edge closes one (default true). */
  reconnect?: boolean;
}

export function startAckFlood({
  url,
  token,
  set,
  sockets = 3,
  lineage,
  version = 1,
  perSocket = Number.POSITIVE_INFINITY,
  reconnect = true,
}: AckFloodOptions): AckFlood {
  let stopped = false;
  let sent = 0;
  let next = 0;
  const closeCodes: number[] = [];
  const watchUrl = `${url.replace(/^http/, 'ws')}/v1/sets/${set}/watch`;
  // The first sockets start sending together, once all are open: the edge locks a flooding token
  // out of *new* sockets, so one socket closed early would keep the others from ever opening.
  let opening = sockets;
  let allOpen!: () => void;
  const firstRoundOpen = new Promise<void>((resolve) => {
    allOpen = resolve;
  });
  const opened = () => {
    opening -= 1;
    if (opening === 0) allOpen();
  };

  function oneSocket(first: boolean): Promise<void> {
    return new Promise<void>((resolve) => {
      const ws = new WebSocket(watchUrl, { headers: { Authorization: `Bearer ${token}` } });
      let mine = 0;
      const pump = () => {
        // Fill the socket's send buffer, then yield until it drains: as fast as the link takes.
        while (!stopped && mine < perSocket && ws.readyState === WebSocket.OPEN && ws.bufferedAmount < 256 * 1024) {
          next += 1;
          sent += 1;
          mine += 1;
          ws.send(`{"type":"ack","runner_id":"flood-${next}","lineage":"${lineage}","version":${version}}`);
        }
        if (!stopped && mine < perSocket && ws.readyState === WebSocket.OPEN) setImmediate(pump);
      };
      let counted = !first;
      const count = () => {
        if (counted) return;
        counted = true;
        opened();
      };
      ws.on('open', () => {
        if (!first) return pump();
        count();
        void firstRoundOpen.then(pump);
      });
      // A first socket that cannot open must not hold the others back.
      ws.on('error', count);
      ws.on('close', count);
      ws.on('close', (code) => {
        closeCodes.push(code);
        resolve();
      });
      const stopTimer = setInterval(() => {
        if (stopped) {
          clearInterval(stopTimer);
          ws.terminate();
        }
      }, 50);
      ws.on('close', () => clearInterval(stopTimer));
    });
  }

  async function loop(): Promise<void> {
    let first = true;
    while (!stopped) {
      await oneSocket(first);
      first = false;
      if (!reconnect) return;
      // A refused upgrade closes at once: do not spin on it.
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
  const loops = Array.from({ length: sockets }, loop);
  return {
    get sent() {
      return sent;
    },
    closeCodes,
    async stop() {
      stopped = true;
      await Promise.all(loops);
    },
  };
}
