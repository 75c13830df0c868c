/**
 * The edge app: auth, set-name checks, the routes, 405/404, and the one error renderer. No CORS
 * headers on purpose: the dashboard is same-origin, and a bearer-token API must not be callable from
 * other origins' pages (without Access-Control-Allow-* the browser's preflight fails).
 */
import { Hono } from 'hono';
import { SET_NAME_RULE, isValidSetName } from '../shared/set-name.ts';
import { authenticate } from './auth/authenticate.ts';
import { EdgeConfigError, loadEdgeConfig } from './config.ts';
import type { AppEnv } from './env.ts';
import { ApiError, notFound } from './errors/api-error.ts';
import { renderError } from './errors/render-error.ts';
import { hubForSet, type HubFor } from './hub/hub-for.ts';
import { registerFleetRoutes } from './routes/fleet-routes.ts';
import { registerHistoryRoutes } from './routes/history-routes.ts';
import { registerMetaRoutes } from './routes/meta-routes.ts';
import { registerParamsRoutes } from './routes/params-routes.ts';
import { registerPerfRoutes } from './routes/perf-routes.ts';
import { registerPolicyRoutes } from './routes/policy-routes.ts';
import { registerRolloutRoutes } from './routes/rollout-routes.ts';
import { ROUTE_METHODS } from './routes/route-table.ts';

export interface AppOptions {
  /** Where a set's hub lives; tests inject an unreachable hub to exercise the stale fallback. */
  hubFor?: HubFor;
}

export function createApp({ hubFor = hubForSet }: AppOptions = {}): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.use('*', async function securityHeaders(c, next) {
    await next();
    // A 101 (WebSocket) response's headers are immutable.
    if (c.res.status !== 101) c.res.headers.set('X-Content-Type-Options', 'nosniff');
  });
  // A wrong variable makes the whole edge answer 500 with the words that name it (logged once by
  // `loadEdgeConfig`): an operator sees it on the first request, and no limit silently differs.
  app.use('*', async function requireConfig(c, next) {
    try {
      loadEdgeConfig(c.env);
    } catch (error) {
      if (!(error instanceof EdgeConfigError)) throw error;
      throw new ApiError({ status: 500, code: 'internal', message: error.message });
    }
    await next();
  });
  app.use('/v1/sets', authenticate());
  app.use('/v1/token', authenticate());
  app.use('/v1/sets/*', authenticate());
  app.use('/v1/sets/:set/*', async function checkSetName(c, next) {
    const set = c.req.param('set');
    if (!isValidSetName(set)) {
      throw new ApiError({
        status: 400,
        code: 'invalid_set_name',
        message: `set name ${JSON.stringify(set)} is not accepted: a set name is ${SET_NAME_RULE}`,
      });
    }
    await next();
  });

  registerMetaRoutes(app);
  registerParamsRoutes(app, { hubFor });
  registerHistoryRoutes(app, { hubFor });
  registerFleetRoutes(app, { hubFor });
  registerPolicyRoutes(app, { hubFor });
  registerPerfRoutes(app, { hubFor });
  registerRolloutRoutes(app, { hubFor });

  for (const [path, methods] of Object.entries(ROUTE_METHODS)) {
    app.all(path, function methodNotAllowed(c) {
      throw new ApiError({
        status: 405,
        code: 'method_not_allowed',
        message: `${c.req.method} is not allowed on ${path}; allowed: ${methods.join(', ')}`,
        headers: { Allow: methods.join(', ') },
      });
    });
  }
  app.notFound((c) => renderError(notFound(`no route ${c.req.method} ${c.req.path}`), c));
  app.onError(renderError);
  return app;
}
