/**
 * The edge benchmark's baseline: the smallest Hono worker that answers the same two request shapes
 * as the real edge — a conditional GET that ends in 304 and a JSON write — with no auth, no Durable
 * Object and no KV. Run by `wrangler dev` with bench/baseline/wrangler.toml, on the same local
 * runtime as the edge, so edge req/s ÷ baseline req/s is what livetune itself costs.
 */
import { Hono } from 'hono';

const ETAG = '"baseline-v1"';
const app = new Hono();

app.get('/v1/sets/:set/params', (c) => {
  if (c.req.header('if-none-match') === ETAG) return c.body(null, 304, { etag: ETAG });
  return c.json({ set: c.req.param('set'), version: 1, params: {} }, 200, { etag: ETAG });
});

app.patch('/v1/sets/:set/params', async (c) => {
  const body = await c.req.json<Record<string, unknown>>();
  return c.json({ set: c.req.param('set'), version: 2, params: body.params ?? {} }, 200, { etag: '"baseline-v2"' });
});

export default app;
