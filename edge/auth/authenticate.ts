/**
 * Auth middleware. `authenticate()` requires `Authorization: Bearer <token>` naming a configured
 * token (401 when missing or unknown) and stores the principal (a version's author is the token's
 * name); `requireWrite()` then refuses read tokens (403) on the routes that change a set, and
 * `requireAdmin()` refuses all but admin tokens on the routes that change what a write may do.
 */
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../env.ts';
import { ApiError } from '../errors/api-error.ts';
import { createTokenVerifier, scopeAllows, type Scope } from './tokens.ts';

const verifyToken = createTokenVerifier();

function bearer(header: string | undefined): string | undefined {
  return /^Bearer[ ]+(\S+)[ ]*$/i.exec(header ?? '')?.[1];
}

export function authenticate(): MiddlewareHandler<AppEnv> {
  return async function authenticateMiddleware(c, next) {
    // '/v1/sets' and '/v1/sets/*' both match the list route: verify once.
    if (c.get('principal') !== undefined) return next();
    const token = bearer(c.req.header('Authorization'));
    if (token === undefined) {
      throw new ApiError({
        status: 401,
        code: 'unauthorized',
        message: 'missing bearer token: send Authorization: Bearer <token>',
        headers: { 'WWW-Authenticate': 'Bearer realm="livetune"' },
      });
    }
    const principal = await verifyToken(c.env.LIVETUNE_TOKENS, token);
    if (principal === undefined) {
      throw new ApiError({
        status: 401,
        code: 'unauthorized',
        message: 'unknown token',
        headers: { 'WWW-Authenticate': 'Bearer realm="livetune", error="invalid_token"' },
      });
    }
    c.set('principal', principal);
    await next();
  };
}

function requireScope(needed: Scope, what: string): MiddlewareHandler<AppEnv> {
  return async function requireScopeMiddleware(c, next) {
    const principal = c.get('principal');
    if (!scopeAllows(principal.scope, needed)) {
      throw new ApiError({
        status: 403,
        code: 'forbidden',
        message: `token "${principal.name}" has scope ${principal.scope}; this call ${what} and needs scope ${needed}`,
      });
    }
    await next();
  };
}

/** Write or admin scope: the routes that change a set's params. */
export function requireWrite(): MiddlewareHandler<AppEnv> {
  return requireScope('write', 'changes a set');
}

/** Admin scope: the routes that change a set's policy. */
export function requireAdmin(): MiddlewareHandler<AppEnv> {
  return requireScope('admin', "changes a set's policy");
}
