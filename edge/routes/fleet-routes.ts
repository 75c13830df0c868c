/**
 * Runners: the heartbeat report (read scope: runners hold read tokens; an entry belongs to the
 * token that created it), the fleet table, removing an entry (write scope), and the watch
 * WebSocket, which the token's watch relay accepts with the hibernation API. None of these creates a hub for a set
 * that does not exist (`existing-hub.ts`).
 */
import type { Hono } from 'hono';
import { RunnerIdSchema, RunnerStatusReportSchema } from '../../shared/api.ts';
import { TelemetryDeltaSchema, type TelemetryDelta } from '../../shared/telemetry.ts';
import { DOCUMENT_FIELD } from '../../shared/validate-params.ts';
import { requireWrite } from '../auth/authenticate.ts';
import type { AppEnv } from '../env.ts';
import { ApiError, badRequest } from '../errors/api-error.ts';
import { parseBody } from '../http/parse-body.ts';
import { readJsonBody } from '../http/read-json-body.ts';
import { existingHub } from '../hub/existing-hub.ts';
import type { HubFor } from '../hub/hub-for.ts';
import { reportParts } from '../hub/report-parts.ts';
import { unwrap } from '../hub/hub-result.ts';
import { SET_HEADER, TOKEN_NAME_HEADER, relayName } from '../hub/watch-relay.ts';

function runnerIdOf(raw: string | undefined): string {
  const runnerId = RunnerIdSchema.safeParse(raw);
  if (!runnerId.success)
    throw badRequest(`runner id ${JSON.stringify(raw)} is not accepted: ${runnerId.error.issues[0]?.message ?? 'invalid'}`);
  return runnerId.data;
}

/** The telemetry's field paths as the body has them (`telemetry.versions.0.maker_fills`). */
function prefixed(error: ApiError): ApiError {
  const fields = error.fields?.map((f) => {
    const field = f.field === DOCUMENT_FIELD ? 'telemetry' : `telemetry.${f.field}`;
    return { ...f, field, message: f.message.replace(f.field, field) };
  });
  return new ApiError({
    status: error.status,
    code: error.code,
    message: `runner report's telemetry rejected (its status was recorded): ${(fields ?? []).map((f) => f.message).join('; ')}`,
    ...(fields ? { fields } : {}),
  });
}

export function registerFleetRoutes(app: Hono<AppEnv>, { hubFor }: { hubFor: HubFor }): void {
  app.post('/v1/sets/:set/runners/:id/report', async function report(c) {
    const set = c.req.param('set');
    const runnerId = runnerIdOf(c.req.param('id'));
    // The status part and the telemetry are parsed apart: bad telemetry (422 naming its field) must
    // not cost the runner its heartbeat, so the status is recorded first.
    const raw = await readJsonBody(c.req.raw);
    const { status: rawStatus, telemetry: rawTelemetry } = reportParts(raw);
    const status = parseBody(RunnerStatusReportSchema, rawStatus, 'runner report');
    let telemetry: TelemetryDelta | undefined;
    let telemetryError: unknown;
    if (rawTelemetry !== undefined) {
      try {
        telemetry = parseBody(TelemetryDeltaSchema, rawTelemetry, "runner report's telemetry (its status was recorded)");
      } catch (error) {
        telemetryError = error;
      }
    }
    const hub = await existingHub(c.env, set, hubFor);
    const entry = unwrap(await hub.report(set, { runnerId, token: c.get('principal').name }, status, telemetry));
    if (telemetryError instanceof ApiError) throw prefixed(telemetryError);
    return c.json(entry);
  });

  app.delete('/v1/sets/:set/runners/:id', requireWrite(), async function removeRunner(c) {
    const set = c.req.param('set');
    const runnerId = runnerIdOf(c.req.param('id'));
    unwrap(await (await existingHub(c.env, set, hubFor)).removeRunner(set, runnerId));
    return c.body(null, 204);
  });

  app.get('/v1/sets/:set/fleet', async function fleet(c) {
    const set = c.req.param('set');
    const hub = await existingHub(c.env, set, hubFor);
    return c.json(unwrap(await hub.fleet(set)), 200, { 'Cache-Control': 'no-store' });
  });

  app.get('/v1/sets/:set/watch', async function watch(c) {
    const set = c.req.param('set');
    if (c.req.header('Upgrade')?.toLowerCase() !== 'websocket') {
      throw new ApiError({
        status: 426,
        code: 'bad_request',
        message: 'watch is a WebSocket: send Upgrade: websocket',
        headers: { Upgrade: 'websocket' },
      });
    }
    // The relay asks the hub for the head (a set without one is a 404 there), after its own lockout:
    // a locked-out token's reconnections never reach the hub.
    await existingHub(c.env, set, hubFor);
    // The token's own relay holds the socket (its flood never queues in the hub). The relay learns
    // the set and the token's name (the owner of the entries it creates) from the Worker only:
    // whatever the client sent under those headers is replaced.
    const token = c.get('principal').name;
    const forwarded = new Request(c.req.raw);
    forwarded.headers.set(SET_HEADER, set);
    forwarded.headers.set(TOKEN_NAME_HEADER, token);
    const answer = await c.env.WATCH_RELAY.get(c.env.WATCH_RELAY.idFromName(relayName(set, token))).fetch(forwarded);
    // A refusal (a locked-out token's 429) comes with immutable headers; the app adds its own.
    return answer.status === 101 ? answer : new Response(answer.body, answer);
  });
}
