/**
 * `GET /`: the dashboard page, a static asset served through the Worker so that it carries its
 * security headers. The page's own behaviour is tested in a browser (test/e2e/dashboard.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { ErrorBodySchema } from '../../shared/api-error.ts';
import { call } from './helpers.ts';

describe('GET / (the dashboard)', () => {
  it("is served with a CSP that allows only the page's own script and forbids framing", async () => {
    const res = await call('GET', '/', { token: null });
    expect(res.status).toBe(200);
    const csp = res.headers.get('Content-Security-Policy') ?? '';
    expect(csp).toMatch(/(^|; )script-src 'self'(;|$)/);
    expect(csp).not.toContain('sha256-');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers.get('X-Frame-Options')).toBe('DENY');
    expect(res.headers.get('Referrer-Policy')).toBe('no-referrer');
    expect(res.headers.get('X-Content-Type-Options')).toBe('nosniff');
    expect(res.headers.get('Access-Control-Allow-Origin')).toBeNull();
  });

  it('repeats the header policy in a meta element, without frame-ancestors', async () => {
    const res = await call('GET', '/', { token: null });
    const header = res.headers.get('Content-Security-Policy') ?? '';
    const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(await res.text())?.[1];
    const withoutFraming = header
      .split('; ')
      .filter((d) => !d.startsWith('frame-ancestors'))
      .join('; ');
    expect(meta).toBe(withoutFraming);
  });

  it('loads its script and stylesheet from its own origin, served by the Worker with nosniff', async () => {
    const html = await (await call('GET', '/', { token: null })).text();
    expect(html).toContain('<script type="module" src="/app.js"></script>');
    expect(html).toContain('<link rel="stylesheet" href="/styles.css">');
    expect(html).not.toMatch(/<script>|<style>|\son[a-z]+=/);
    for (const [path, type] of [
      ['/app.js', 'javascript'],
      ['/styles.css', 'text/css'],
    ] as const) {
      const file = await call('GET', path, { token: null });
      expect(file.status, path).toBe(200);
      expect(file.headers.get('Content-Type'), path).toContain(type);
      expect(file.headers.get('X-Content-Type-Options'), path).toBe('nosniff');
      await file.body?.cancel();
    }
  });

  it("answers a file it does not have, or a write to one, with the API's error body", async () => {
    for (const [method, path] of [
      ['GET', '/nope.js'],
      ['POST', '/app.js'],
      ['PUT', '/styles.css'],
    ] as const) {
      const res = await call(method, path, { token: null, ...(method === 'GET' ? {} : { body: {} }) });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(ErrorBodySchema.safeParse(await res.json()).success, `${method} ${path}`).toBe(true);
    }
  });
});
