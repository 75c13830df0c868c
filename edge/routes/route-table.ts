/**
 * The API's routes and their methods, in one table: `app.ts` answers 405 with `Allow` for a known
 * path asked with another method (Hono alone would answer 404). GET implies HEAD.
 */
export const ROUTE_METHODS: Readonly<Record<string, readonly string[]>> = {
  '/': ['GET', 'HEAD'],
  '/v1/schema': ['GET', 'HEAD'],
  '/v1/sets': ['GET', 'HEAD'],
  '/v1/token': ['GET', 'HEAD'],
  '/v1/sets/:set/params': ['GET', 'HEAD', 'PUT', 'PATCH'],
  '/v1/sets/:set/versions': ['GET', 'HEAD'],
  '/v1/sets/:set/versions/:n': ['GET', 'HEAD'],
  '/v1/sets/:set/diff': ['GET', 'HEAD'],
  '/v1/sets/:set/rollback': ['POST'],
  '/v1/sets/:set/watch': ['GET'],
  '/v1/sets/:set/runners/:id/report': ['POST'],
  '/v1/sets/:set/runners/:id': ['DELETE'],
  '/v1/sets/:set/fleet': ['GET', 'HEAD'],
  '/v1/sets/:set/perf': ['GET', 'HEAD'],
  '/v1/sets/:set/perf/compare': ['GET', 'HEAD'],
  '/v1/sets/:set/policy': ['GET', 'HEAD', 'PUT'],
  '/v1/sets/:set/policy/versions': ['GET', 'HEAD'],
  '/v1/sets/:set/rollouts': ['GET', 'HEAD', 'POST'],
  '/v1/sets/:set/rollouts/:id': ['GET', 'HEAD'],
  '/v1/sets/:set/rollouts/:id/promote': ['POST'],
  '/v1/sets/:set/rollouts/:id/abort': ['POST'],
};
