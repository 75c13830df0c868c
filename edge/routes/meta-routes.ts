/**
 * What is not one set: the dashboard page (public: it asks for a token itself), the params JSON
 * Schema (public: editors and tools fetch it), and the list of sets (read scope).
 */
import type { Hono } from 'hono';
import type { SetList } from '../../shared/api.ts';
import { paramsJsonSchema } from '../../shared/json-schema.ts';
import { dashboardHeaders, dashboardPage } from '../dashboard/page.ts';
import type { AppEnv } from '../env.ts';

export function registerMetaRoutes(app: Hono<AppEnv>): void {
  // The page's own CSP (script and style pinned by hash), no framing, no referrer.
  app.get('/', (c) => c.html(dashboardPage(), 200, dashboardHeaders()));

  app.get('/v1/schema', (c) =>
    c.json(paramsJsonSchema(), 200, { 'Content-Type': 'application/schema+json', 'Cache-Control': 'public, max-age=300' }),
  );

  app.get('/v1/sets', async function listSets(c) {
    const registry = c.env.SET_REGISTRY.get(c.env.SET_REGISTRY.idFromName('registry'));
    const list: SetList = { sets: await registry.list() };
    return c.json(list, 200, { 'Cache-Control': 'no-store' });
  });
}
