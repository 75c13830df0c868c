/**
 * The dashboard's stylesheet, inlined into the page and allowed by its hash in the CSP. The page
 * never uses `style` attributes (a strict CSP would block them): state is shown with classes.
 */
export const DASHBOARD_STYLES = `
:root {
  --bg: #f4f6f9; --card: #ffffff; --ink: #1b2430; --muted: #5d6b7c; --line: #dde3ea;
  --brand: #12324f; --accent: #1f6feb; --ok: #1a7f37; --warn: #9a6700; --bad: #cf222e;
  --ok-bg: #dafbe1; --warn-bg: #fff8c5; --bad-bg: #ffebe9; --info-bg: #ddf4ff; --changed: #fff3d6;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  font-size: 14px; color: var(--ink); background: var(--bg);
}
* { box-sizing: border-box; }
body { margin: 0; }
[hidden] { display: none !important; }
h1, h2, h3 { margin: 0; font-weight: 600; }
h2 { font-size: 15px; }
.num, td.num, .mono { font-variant-numeric: tabular-nums; font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 13px; }
td.num, th.num { text-align: right; }
.muted { color: var(--muted); }
.small { font-size: 12px; }

header.top { display: flex; align-items: center; gap: 16px; padding: 10px 20px; background: var(--brand); color: #fff; }
header.top h1 { font-size: 17px; letter-spacing: .3px; }
header.top .spacer { flex: 1; }
header.top select { min-width: 180px; }
header.top label { display: flex; align-items: center; gap: 8px; color: #c9d6e3; }
.live { display: inline-flex; align-items: center; gap: 6px; font-size: 12px; color: #c9d6e3; }
.live::before { content: ""; width: 8px; height: 8px; border-radius: 50%; background: #8b949e; }
.live.on::before { background: #3fb950; }
.live.off::before { background: #f0b429; }

.login { max-width: 380px; margin: 12vh auto; background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 28px; box-shadow: 0 2px 10px rgba(20, 40, 60, .06); }
.login h1 { font-size: 20px; color: var(--brand); margin-bottom: 4px; }
.login p { margin: 0 0 18px; }
.login form { display: grid; gap: 10px; }

main.app { padding: 16px 20px 40px; display: grid; gap: 16px; grid-template-columns: minmax(0, 1.25fr) minmax(0, 1fr); align-items: start; max-width: 1500px; margin: 0 auto; }
.wide { grid-column: 1 / -1; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 14px 16px; }
.card > .head { display: flex; align-items: baseline; gap: 12px; margin-bottom: 10px; }
.card > .head .spacer { flex: 1; }
.card > p.meta { margin: -4px 0 4px; }

table { width: 100%; border-collapse: collapse; }
th { text-align: left; font-weight: 600; font-size: 12px; color: var(--muted); text-transform: uppercase; letter-spacing: .4px; padding: 6px 8px; border-bottom: 1px solid var(--line); white-space: nowrap; }
td { padding: 6px 8px; border-bottom: 1px solid #eef1f4; vertical-align: top; }
tr:last-child td { border-bottom: 0; }
td .desc { color: var(--muted); font-size: 12px; margin-top: 2px; max-width: 340px; }
.card { overflow-x: auto; }
td.when { white-space: nowrap; }
tr.changed td { background: var(--changed); }
tr.invalid td { background: var(--bad-bg); }
td.accepted.range { white-space: nowrap; }
td.accepted { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12px; color: var(--muted); }
button.link { white-space: nowrap; }
.field-error { color: var(--bad); font-size: 12px; margin-top: 3px; }

input, select, textarea, button { font: inherit; }
input[type="text"], input[type="password"], select, textarea { border: 1px solid #c4ccd6; border-radius: 6px; padding: 5px 8px; background: #fff; color: var(--ink); }
input.value { width: 100px; text-align: right; font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 13px; }
input:focus, select:focus, textarea:focus { outline: 2px solid rgba(31, 111, 235, .35); border-color: var(--accent); }
textarea { width: 100%; min-height: 54px; resize: vertical; }
button { border: 1px solid #c4ccd6; background: #f6f8fa; color: var(--ink); border-radius: 6px; padding: 5px 12px; cursor: pointer; }
button:hover { background: #eef1f4; }
button.primary { background: var(--accent); border-color: var(--accent); color: #fff; }
button.primary:hover { background: #1a5fcc; }
button.danger { background: var(--bad); border-color: var(--bad); color: #fff; }
button.link { border: 0; background: none; color: var(--accent); padding: 0 4px; }
button:disabled { opacity: .5; cursor: not-allowed; }
header.top button { background: transparent; color: #fff; border-color: #4a6680; }

.hints { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: 10px; margin: 12px 0 4px; }
.hint { border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; background: #fafbfc; }
.hint .label { font-size: 12px; color: var(--muted); }
.hint .value { font-size: 16px; font-weight: 600; margin-top: 2px; font-variant-numeric: tabular-nums; }
.hint .next { font-size: 12px; color: var(--warn); margin-top: 2px; }

.editor-foot { display: grid; gap: 8px; margin-top: 12px; }
.editor-foot .row { display: flex; gap: 8px; align-items: center; }
.pending { font-size: 13px; }

.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; background: #eaeef2; color: var(--muted); white-space: nowrap; }
.badge.ok { background: var(--ok-bg); color: var(--ok); }
.badge.warn { background: var(--warn-bg); color: var(--warn); }
.badge.bad { background: var(--bad-bg); color: var(--bad); }
.badge.info { background: var(--info-bg); color: #0969da; }
.version-tag { font-size: 13px; }
.pos { color: var(--ok); }
.neg { color: var(--bad); }
tr.silent td { color: #9aa5b1; }

.notice { border-radius: 6px; padding: 8px 12px; margin: 0; }
.notice.error { background: var(--bad-bg); color: #82071e; border: 1px solid #ffcecb; }
.notice.info { background: var(--info-bg); color: #0a3069; border: 1px solid #b6e3ff; }
.notice.ok { background: var(--ok-bg); color: #116329; border: 1px solid #aceebb; }
.notice ul { margin: 6px 0 0; padding-left: 20px; }
#banner { padding: 12px 20px 0; max-width: 1500px; margin: 0 auto; }
#banner:empty { display: none; }

.diff-controls { display: flex; gap: 8px; align-items: center; margin-bottom: 8px; flex-wrap: wrap; }
td.from { color: var(--bad); }
td.to { color: var(--ok); }
.scroll { max-height: 360px; overflow: auto; }

dialog { border: 1px solid var(--line); border-radius: 8px; padding: 18px 20px; width: min(560px, 92vw); box-shadow: 0 10px 40px rgba(0, 0, 0, .2); }
dialog::backdrop { background: rgba(18, 50, 79, .35); }
dialog h3 { margin-bottom: 8px; }
dialog .row { display: flex; justify-content: flex-end; gap: 8px; margin-top: 12px; }
dialog .scroll { max-height: 220px; margin: 8px 0; }
.stack { display: grid; gap: 16px; }
details { margin-top: 14px; }
details summary { cursor: pointer; color: var(--accent); }
details .row { margin-top: 8px; }
.empty { color: var(--muted); padding: 6px 0; }
@media (max-width: 1100px) { main.app { grid-template-columns: minmax(0, 1fr); } .hints { grid-template-columns: repeat(2, minmax(0, 1fr)); } }
`;
