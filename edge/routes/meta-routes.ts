/**
 * What is not one set: the dashboard page (public: it asks for a token itself), the params JSON
 * Schema (public: editors and tools fetch it), the list of sets and the caller's own token (read scope).
 *
 * The dashboard is a static page built from `dashboard/` into the Worker's assets (wrangler.toml
 * `[assets]`); the edge never imports its code. Every request runs the Worker first
 * (`run_worker_first`), which fetches the page's files through the `ASSETS` binding: the page then
 * carries the security headers below, every file gets the app's `nosniff`, and a method the asset
 * layer would refuse with an empty 405 gets the API's error shape instead.
 */
import type { Hono } from 'hono';
import type { SetList, TokenInfo } from '../../shared/api.ts';
import { paramsJsonSchema } from '../../shared/json-schema.ts';
import type { AppEnv } from '../env.ts';
import { ApiError, notFound } from '../errors/api-error.ts';

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

/** The files the page loads next to itself (`/app.js`, `/styles.css`, `/app.js.map`). */
const DASHBOARD_FILE = '/:file{[a-z0-9-]+\\.(?:js|css|js\\.map)}';

/** A file of the built dashboard; its headers made mutable for the middleware. */
async function dashboardAsset(env: AppEnv['Bindings'], request: Request): Promise<Response | undefined> {
  const asset = await env.ASSETS.fetch(request);
  if (asset.status === 404) {
    await asset.body?.cancel();
    return undefined;
  }
  return new Response(asset.body, asset);
}

export function registerMetaRoutes(app: Hono<AppEnv>): void {
  app.get('/', async function dashboardPage(c) {
    const page = await dashboardAsset(c.env, c.req.raw);
    if (!page) {
      throw new ApiError({
        status: 503,
        code: 'unavailable',
        message: 'the dashboard is not built: run `node tools/build-dashboard.ts` (wrangler dev and deploy run it)',
      });
    }
    for (const [name, value] of Object.entries(DASHBOARD_HEADERS)) page.headers.set(name, value);
    return page;
  });

  app.get(DASHBOARD_FILE, async function dashboardFile(c) {
    const file = await dashboardAsset(c.env, c.req.raw);
    if (!file) throw notFound(`no file ${c.req.path}`);
    return file;
  });

  app.get('/v1/schema', (c) =>
    c.json(paramsJsonSchema(), 200, { 'Content-Type': 'application/schema+json', 'Cache-Control': 'public, max-age=300' }),
  );

  // The caller's own token: its name and scope (never the token itself). The dashboard hides what
  // a read token may not do instead of letting the operator find out on Apply.
  app.get('/v1/token', function whoAmI(c) {
    const { name, scope } = c.get('principal');
    const info: TokenInfo = { name, scope };
    return c.json(info, 200, { 'Cache-Control': 'no-store' });
  });

  app.get('/v1/sets', async function listSets(c) {
    const registry = c.env.SET_REGISTRY.get(c.env.SET_REGISTRY.idFromName('registry'));
    const list: SetList = { sets: await registry.list() };
    return c.json(list, 200, { 'Cache-Control': 'no-store' });
  });
}
