/**
 * What is not one set: the dashboard page (public: it asks for a token itself), the params JSON
 * Schema (public: editors and tools fetch it), and the list of sets (read scope).
 *
 * The dashboard is a static page built from `dashboard/` into the Worker's assets (wrangler.toml
 * `[assets]`); the edge never imports its code. Its script and stylesheet come straight from the
 * asset layer; `/` runs the Worker first (`run_worker_first`) so that the page itself carries the
 * security headers below, which static assets would not.
 */
import type { Hono } from 'hono';
import type { SetList } from '../../shared/api.ts';
import { paramsJsonSchema } from '../../shared/json-schema.ts';
import type { AppEnv } from '../env.ts';
import { ApiError } from '../errors/api-error.ts';

/**
 * The page's policy: its own script and stylesheet only (no inline code, no other origin), fetches
 * to its own origin, no plugins, no form posts (a form submitted without the script would put the
 * token in a URL), and no framing. `dashboard/index.html` repeats it as a meta element, without
 * `frame-ancestors` (ignored there); a test holds the two equal.
 */
export const DASHBOARD_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Headers sent with the page, besides its `Content-Type`. */
export const DASHBOARD_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': DASHBOARD_CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  // The page names its script by a fixed path: revalidate, so a deploy is picked up at once.
  'Cache-Control': 'no-cache',
};

export function registerMetaRoutes(app: Hono<AppEnv>): void {
  app.get('/', async function dashboardPage(c) {
    const page = await c.env.ASSETS.fetch(c.req.raw);
    if (page.status === 404) {
      throw new ApiError({
        status: 503,
        code: 'unavailable',
        message: 'the dashboard is not built: run `node tools/build-dashboard.ts` (wrangler dev and deploy run it)',
      });
    }
    const res = new Response(page.body, page);
    for (const [name, value] of Object.entries(DASHBOARD_HEADERS)) res.headers.set(name, value);
    return res;
  });

  app.get('/v1/schema', (c) =>
    c.json(paramsJsonSchema(), 200, { 'Content-Type': 'application/schema+json', 'Cache-Control': 'public, max-age=300' }),
  );

  app.get('/v1/sets', async function listSets(c) {
    const registry = c.env.SET_REGISTRY.get(c.env.SET_REGISTRY.idFromName('registry'));
    const list: SetList = { sets: await registry.list() };
    return c.json(list, 200, { 'Cache-Control': 'no-store' });
  });
}
