/**
 * Browser code (as text, inlined into the page): DOM and formatting helpers. Data only ever enters
 * the DOM through `textContent`, text nodes or attributes set one by one; no markup is built from
 * data, and no `on*` attribute is ever set (listeners are added with addEventListener).
 */
export const SCRIPT_DOM = String.raw`
const $ = (id) => document.getElementById(id);

/** Builds an element; "text" sets textContent, "on<event>" adds a listener, the rest are attributes. */
function h(tag, props, children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = String(value);
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children || []) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

function sleep(ms, signal) {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    if (signal) signal.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
  });
}

/** A parameter value as written in a document: numbers as JSON spells them, strings unquoted. */
function fmtValue(value) {
  if (value === undefined) return '(absent)';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** A figure for reading: at most 4 decimals, no trailing zeros. */
function fmtNum(value, decimals) {
  if (typeof value !== 'number' || !Number.isFinite(value)) return '—';
  const d = decimals === undefined ? 4 : decimals;
  return String(Number(value.toFixed(d)));
}

function fmtSigned(value, decimals) {
  if (typeof value !== 'number' || !Number.isFinite(value)) return '—';
  const text = value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
  return value > 0 ? '+' + text : text;
}

function pad(n) { return String(n).padStart(2, '0'); }

/** "2026-11-24 14:35:27 UTC": one clock for every region. */
function fmtTime(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return d.getUTCFullYear() + '-' + pad(d.getUTCMonth() + 1) + '-' + pad(d.getUTCDate()) + ' ' +
    pad(d.getUTCHours()) + ':' + pad(d.getUTCMinutes()) + ':' + pad(d.getUTCSeconds()) + ' UTC';
}

/** "0.4 s", "12 s", "3 min", "5 h", "2 d". */
function fmtDuration(seconds) {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds)) return '—';
  const s = Math.max(0, seconds);
  if (s < 10) return s.toFixed(1) + ' s';
  if (s < 120) return Math.round(s) + ' s';
  if (s < 7200) return Math.round(s / 60) + ' min';
  if (s < 172800) return Math.round(s / 3600) + ' h';
  return Math.round(s / 86400) + ' d';
}

function ageOf(iso) {
  const t = new Date(iso).getTime();
  return Number.isNaN(t) ? NaN : (Date.now() - t) / 1000;
}

function badge(text, tone) {
  return h('span', { class: 'badge' + (tone ? ' ' + tone : ''), text });
}

function notice(tone, children) {
  return h('div', { class: 'notice ' + tone }, children);
}

/** Shows a notice at the top of the page; ok/info notices clear themselves. */
function showBanner(tone, children) {
  const banner = $('banner');
  if (!banner) return;
  const node = notice(tone, children);
  banner.replaceChildren(node);
  if (tone !== 'error') setTimeout(() => { if (node.isConnected) node.remove(); }, 6000);
}

function clearBanner() {
  const banner = $('banner');
  if (banner) banner.replaceChildren();
}
`;
