/**
 * `GET /`: the dashboard page, a static asset served through the Worker so that it carries its
 * security headers. The page's own behaviour is tested in a browser (test/e2e/dashboard.test.ts).
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { call, ORIGIN } from './helpers.ts';

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

  it('loads its script and stylesheet from its own origin, and both are in the assets', async () => {
    const html = await (await call('GET', '/', { token: null })).text();
    expect(html).toContain('<script type="module" src="/app.js"></script>');
    expect(html).toContain('<link rel="stylesheet" href="/styles.css">');
    expect(html).not.toMatch(/<script>|<style>|\son[a-z]+=/);
    for (const [path, type] of [
      ['/app.js', 'javascript'],
      ['/styles.css', 'text/css'],
    ] as const) {
      const asset = await env.ASSETS.fetch(`${ORIGIN}${path}`);
      expect(asset.status, path).toBe(200);
      expect(asset.headers.get('Content-Type'), path).toContain(type);
      await asset.body?.cancel();
    }
  });
});
