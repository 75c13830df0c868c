/**
 * The operator dashboard served at `GET /`: one self-contained page (inline CSS and vanilla JS, no
 * build step, no third-party origin). It holds no data: after sign-in everything comes from the v1
 * API with the operator's bearer token.
 *
 * The page carries its own Content-Security-Policy as a meta element, with the SHA-256 of its one
 * script and its one stylesheet, so nothing else can run even where the edge forgets the header.
 * The edge should send `dashboardContentSecurityPolicy()` as a header too: `frame-ancestors` only
 * works in a header.
 */
import { DASHBOARD_BODY } from './markup.ts';
import { SCRIPT_API } from './script-api.ts';
import { SCRIPT_APP } from './script-app.ts';
import { SCRIPT_DOM } from './script-dom.ts';
import { SCRIPT_FLEET } from './script-fleet.ts';
import { SCRIPT_HINTS } from './script-hints.ts';
import { SCRIPT_HISTORY } from './script-history.ts';
import { SCRIPT_PARAMS } from './script-params.ts';
import { SCRIPT_SESSION } from './script-session.ts';
import { SCRIPT_VALIDATE } from './script-validate.ts';
import { cspHashSource } from './sha256.ts';
import { DASHBOARD_STYLES } from './styles.ts';

/** The whole browser program, wrapped so that nothing leaks into the global scope. */
export const DASHBOARD_SCRIPT = [
  "\n(() => {\n'use strict';",
  SCRIPT_DOM,
  SCRIPT_API,
  SCRIPT_VALIDATE,
  SCRIPT_HINTS,
  SCRIPT_SESSION,
  SCRIPT_PARAMS,
  SCRIPT_HISTORY,
  SCRIPT_FLEET,
  SCRIPT_APP,
  'bootLogin();\n})();\n',
].join('\n');

// An inline element ends at the first "</script" / "</style" whatever the JS or CSS around it means.
for (const [name, text, end] of [
  ['script', DASHBOARD_SCRIPT, '</script'],
  ['styles', DASHBOARD_STYLES, '</style'],
] as const) {
  if (text.toLowerCase().includes(end)) throw new Error(`dashboard ${name} must not contain "${end}"`);
}

/**
 * The policy the page needs, for the `Content-Security-Policy` header on `GET /`: only this page's
 * script and stylesheet (by hash), fetches to its own origin, no frames, no plugins, no form posts
 * (a form submitted without the script would put the token in a URL).
 */
export function dashboardContentSecurityPolicy(): string {
  return (cachedPolicy ??= [
    "default-src 'none'",
    `script-src ${cspHashSource(DASHBOARD_SCRIPT)}`,
    `style-src ${cspHashSource(DASHBOARD_STYLES)}`,
    "connect-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; '));
}
let cachedPolicy: string | undefined;

/** The meta-element form of the policy: `frame-ancestors` is ignored (and warned about) in a meta element. */
function metaPolicy(): string {
  return dashboardContentSecurityPolicy()
    .split('; ')
    .filter((d) => !d.startsWith('frame-ancestors'))
    .join('; ');
}

/** Headers the edge should send with the page (besides `Content-Type: text/html; charset=utf-8`). */
export function dashboardHeaders(): Record<string, string> {
  return {
    'Content-Security-Policy': dashboardContentSecurityPolicy(),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cache-Control': 'no-cache',
  };
}

let cachedPage: string | undefined;

/** The dashboard's HTML. */
export function dashboardPage(): string {
  return (cachedPage ??= `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${metaPolicy()}">
<meta name="referrer" content="no-referrer">
<title>livetune · operator dashboard</title>
<link rel="icon" href="data:,">
<style>${DASHBOARD_STYLES}</style>
</head>
<body>
${DASHBOARD_BODY}
<script>${DASHBOARD_SCRIPT}</script>
</body>
</html>
`);
}
