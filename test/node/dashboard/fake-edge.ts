/**
 * Just enough of the edge for the dashboard's controller: sets, versions with ETags, If-Match, the
 * long-poll (held until the head moves or the request is aborted), history, diff, rollback, fleet.
 * Every request is recorded; `reject` makes the next answers of one path a given error.
 */
import type { Version } from '../../../shared/api.ts';
import { etagFor } from '../../../shared/etag.ts';
import { applyMergePatch, diffParams } from '../../../shared/merge-patch.ts';
import type { Params } from '../../../shared/params-schema.ts';
import { errorResponse, fleet, version, versionResponse } from './fixtures.ts';

export interface Request {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
}

export class FakeEdge {
  readonly requests: Request[] = [];
  readonly sets = new Map<string, Version[]>();
  token = 'good-token';
  #failures = new Map<string, () => Response>();
  #waiters = new Set<() => void>();

  constructor(sets: Record<string, number> = { 'hype-perp': 2 }) {
    for (const [set, n] of Object.entries(sets)) {
      this.sets.set(
        set,
        Array.from({ length: n }, (_, i) => version(i + 1, { set })),
      );
    }
  }

  head(set: string): Version {
    const versions = this.sets.get(set)!;
    return versions[versions.length - 1]!;
  }

  /**
   * A write made elsewhere (the CLI, automation). `quiet`: held long-polls are not answered, as when
   * the write lands between two polls.
   */
  commit(set: string, params: Partial<Params>, rest: Partial<Version> = {}, { quiet = false } = {}): Version {
    const head = this.head(set);
    const next: Version = { ...version(head.version + 1, { set, ...rest }), params: { ...head.params, ...params } };
    this.sets.get(set)!.push(next);
    if (!quiet) for (const wake of [...this.#waiters]) wake();
    return next;
  }

  /** Answers every request whose path starts with `prefix` with `answer()` until `heal(prefix)`. */
  fail(prefix: string, answer: () => Response): void {
    this.#failures.set(prefix, answer);
  }

  heal(prefix: string): void {
    this.#failures.delete(prefix);
  }

  /** `read`: every write is refused 403, as the edge refuses a read-scope token. */
  scope: 'read' | 'write' = 'write';

  /** Requests that could change something. */
  writes(): Request[] {
    return this.requests.filter((r) => r.method !== 'GET');
  }

  readonly fetch = async (input: string, init: RequestInit): Promise<Response> => {
    init.signal?.throwIfAborted();
    const request: Request = {
      method: init.method ?? 'GET',
      path: input,
      headers: Object.fromEntries(new Headers(init.headers).entries()),
      body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
    };
    this.requests.push(request);
    if (request.headers.authorization !== `Bearer ${this.token}`) return errorResponse(401, 'unauthorized', 'unknown token');
    for (const [prefix, answer] of this.#failures) if (input.startsWith(prefix)) return answer();
    return this.#route(request, init.signal ?? undefined);
  };

  async #route(request: Request, signal: AbortSignal | undefined): Promise<Response> {
    const { method, path, headers } = request;
    const body = request.body as { params: Record<string, unknown>; message: string; to: number };
    const url = new URL(path, 'https://edge.test');
    if (url.pathname === '/v1/token') return Response.json({ name: 'operator', scope: this.scope });
    if (url.pathname === '/v1/sets') {
      const sets = [...this.sets.keys()].map((set) => ({
        set,
        version: this.head(set).version,
        updated_at: this.head(set).created_at,
        author: 'ops',
      }));
      return Response.json({ sets });
    }
    const [, , , set = '', what] = url.pathname.split('/');
    const versions = this.sets.get(set);
    if (!versions) return errorResponse(404, 'not_found', `no set ${set}`);
    const head = this.head(set);
    switch (`${method} ${what}`) {
      case 'GET params': {
        if (url.searchParams.has('wait') && headers['if-none-match'] === etagFor(set, head.lineage, head.version)) {
          await this.#held(signal);
          return this.#route(request, signal);
        }
        return versionResponse(head);
      }
      case 'PATCH params':
      case 'PUT params': {
        // As the edge: the scope first, then the body, then If-Match.
        if (this.scope === 'read') return errorResponse(403, 'forbidden', 'token has scope read; this call needs scope write');
        if (typeof body?.message !== 'string') return errorResponse(422, 'invalid_body', 'message: a message is required');
        if (headers['if-match'] === '*') {
          const params = applyMergePatch(head.params, body.params);
          return versionResponse(this.commit(set, params as Partial<Params>, { author: 'operator', message: body.message }));
        }
        if (headers['if-match'] !== etagFor(set, head.lineage, head.version)) {
          const current = { version: head.version, author: head.author, created_at: head.created_at, message: head.message };
          return errorResponse(412, 'precondition_failed', 'the set changed', { details: { current } });
        }
        const params = method === 'PATCH' ? applyMergePatch(head.params, body.params) : body.params;
        return versionResponse(this.commit(set, params as Partial<Params>, { author: 'operator', message: body.message }));
      }
      case 'POST rollback': {
        const target = versions[body.to - 1]!;
        const next = this.commit(set, target.params, {
          author: 'operator',
          message: body.message,
          kind: 'rollback',
          rollback_of: body.to,
        });
        return versionResponse(next);
      }
      case 'GET versions':
        return Response.json({ set, versions: [...versions].reverse(), next_before: null });
      case 'GET diff': {
        const at = (k: string) => versions[Number(url.searchParams.get(k)) - 1]!;
        const [from, to] = [at('from'), at('to')];
        return Response.json({ set, from: from.version, to: to.version, changes: diffParams(from.params, to.params) });
      }
      case 'GET fleet':
        return Response.json(fleet(set, head.version, [head.version]));
      default:
        return errorResponse(404, 'not_found', `no route ${method} ${path}`);
    }
  }

  #held(signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve, reject) => {
      const wake = () => {
        this.#waiters.delete(wake);
        resolve();
      };
      this.#waiters.add(wake);
      signal?.addEventListener(
        'abort',
        () => {
          this.#waiters.delete(wake);
          reject(signal.reason);
        },
        { once: true },
      );
    });
  }
}
