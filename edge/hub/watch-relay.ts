/**
 * `WatchRelay`: one Durable Object per (set, token name) that holds that token's watch sockets, so
 * a token's flood queues in its own relay and never in the set's `ParamsHub`, whose single thread
 * serializes the writes (the kill switch). Found again by `relayName(set, token)`.
 *
 * On connect the relay subscribes to the hub (which keeps the relay's name and pushes every commit
 * to it) and sends the head. The relay lives while it has sockets (see `watch-sockets.ts` for why
 * they are not hibernatable); a relay that went away closed them, and runners reconnect. What the sockets say passes their guard (size, per-connection budget,
 * schema) here, and reaches the hub in batches (`FleetForwarder`: one in flight, at most one per
 * `FLEET_FORWARD_MS`), where the fleet table checks each event (per-runner budget, owner, versions).
 * One token's sockets can thus cost the hub a few RPCs a second, whatever they send.
 */
import { DurableObject } from 'cloudflare:workers';
import type { ErrorBody } from '../../shared/api-error.ts';
import { RunnerIdSchema } from '../../shared/api.ts';
import { RegionSchema } from '../../shared/rollout.ts';
import { systemClock, type Clock } from '../../shared/clock.ts';
import { loadEdgeConfig, type EdgeConfig } from '../config.ts';
import type { EdgeEnv } from '../env.ts';
import type { FleetBatch, FleetBatchVerdict } from './fleet-batch.ts';
import { FleetForwarder } from './fleet-forwarder.ts';
import { FloodLockout } from './flood-lockout.ts';
import type { AssignedVersions } from './rollouts/hub-rollouts.ts';
import { SocketGuard } from './socket-guard.ts';
import { WatchSockets } from './watch-sockets.ts';

/** Request headers by which the Worker names the watched set and the watcher's token (the Worker's only). */
export const SET_HEADER = 'Livetune-Set';
export const TOKEN_NAME_HEADER = 'Livetune-Token-Name';

/** The relay of `token`'s sockets on `set` (token names hold no ":"). */
export function relayName(set: string, token: string): string {
  return `${set}:${token}`;
}

function errorResponse(
  status: number,
  code: ErrorBody['error']['code'],
  message: string,
  headers: Record<string, string> = {},
): Response {
  const body: ErrorBody = { error: { code, message } };
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', ...headers },
  });
}

function lockedOut(token: string, retryAfterS: number): Response {
  return errorResponse(
    429,
    'rate_limited',
    `token "${token}" flooded its watch sockets on this set (a socket closed with 1008): new sockets are refused for ${retryAfterS} s; the lockout doubles with each flood`,
    { 'Retry-After': String(retryAfterS) },
  );
}

/** `?runner=&region=` of a watch socket, checked like the params path checks them; a string is the refusal. */
function identityOf(url: URL): { runner?: string; region?: string } | string {
  const who: { runner?: string; region?: string } = {};
  const runner = url.searchParams.get('runner');
  const region = url.searchParams.get('region');
  if (runner !== null) {
    const parsed = RunnerIdSchema.safeParse(runner);
    if (!parsed.success)
      return `runner = ${JSON.stringify(runner.slice(0, 100))} is not accepted: ${parsed.error.issues[0]?.message}`;
    who.runner = parsed.data;
  }
  if (region !== null) {
    const parsed = RegionSchema.safeParse(region);
    if (!parsed.success)
      return `region = ${JSON.stringify(region.slice(0, 100))} is not accepted: ${parsed.error.issues[0]?.message}`;
    who.region = parsed.data;
  }
  return who;
}

export class WatchRelay extends DurableObject<EdgeEnv> {
  readonly config: EdgeConfig;
  clock: Clock = systemClock;
  readonly #sockets: WatchSockets;
  readonly #forwarder: FleetForwarder;
  readonly #lockout: FloodLockout;
  #identity: { set: string; token: string } | undefined;

  constructor(ctx: DurableObjectState, env: EdgeEnv) {
    super(ctx, env);
    this.config = loadEdgeConfig(env);
    const clock: Clock = { now: () => this.clock.now(), sleep: (ms, signal) => this.clock.sleep(ms, signal) };
    this.#forwarder = new FleetForwarder({
      token: () => this.#who()?.token ?? 'unknown',
      send: (batch) => this.#send(batch),
      onVerdicts: (items, verdicts) =>
        items.forEach((item, i) => {
          if (verdicts[i] !== 'recorded') this.#sockets.refused(item.socketId);
        }),
      clock,
      intervalMs: this.config.fleetForwardMs,
    });
    this.#lockout = new FloodLockout({ clock });
    this.#sockets = new WatchSockets({
      guard: new SocketGuard({ config: () => this.config, clock }),
      onFloodClose: () => this.#lockout.strike(),
      inbox: {
        submit: (socketId, runnerId, event) => this.#forwarder.add({ socketId, runnerId, event }),
        count: (counter) => this.#forwarder.count(counter),
      },
    });
  }

  /** The watch socket (the Worker checked auth and that the set exists, and named both). */
  override async fetch(request: Request): Promise<Response> {
    const set = request.headers.get(SET_HEADER);
    const token = request.headers.get(TOKEN_NAME_HEADER);
    if (set === null || token === null) return new Response('a relay is reached through the Worker', { status: 400 });
    this.#identity = { set, token };
    // Refused before the hub is asked or a socket exists: a flood's reconnections cost one answer.
    const lockout = this.#lockout.state();
    if (lockout.kind === 'locked') return lockedOut(token, lockout.retryAfterS);
    const who = identityOf(new URL(request.url));
    if (typeof who === 'string') return errorResponse(400, 'bad_request', who);
    const assigned = await this.#hub(set).subscribe(relayName(set, token));
    if (assigned === null) return errorResponse(404, 'not_found', `set "${set}" does not exist`);
    return this.#sockets.accept(request, { set, token, who }, assigned);
  }

  /** A commit of the set, or a rollout's stage (called by its hub): each socket gets its version. */
  async push(assigned: AssignedVersions): Promise<void> {
    this.#sockets.broadcast(assigned);
  }

  /** Open sockets (tests and diagnostics). */
  async activity(): Promise<{ sockets: number }> {
    return { sockets: this.#sockets.size };
  }

  #who(): { set: string; token: string } | undefined {
    return this.#identity;
  }

  #hub(set: string) {
    return this.env.PARAMS_HUB.get(this.env.PARAMS_HUB.idFromName(set));
  }

  async #send(batch: FleetBatch): Promise<FleetBatchVerdict[]> {
    const who = this.#who();
    if (who === undefined) return batch.items.map(() => 'invalid');
    return this.#hub(who.set).fleetBatch(batch);
  }
}
