/**
 * Browser code (as text): the fleet table, which runner in which region runs which version, polled
 * every 1.5 s. A browser cannot put a bearer token on a WebSocket, so the page polls the fleet and
 * long-polls the params instead of watching.
 */
export const SCRIPT_FLEET = String.raw`
const FLEET_POLL_MS = 1500;
/** A runner silent for longer than this is shown greyed out: it reports every few seconds when alive. */
const SILENT_AFTER_S = 15;

const SYNC_TONES = { ready: 'ok', starting: 'info', stale: 'warn', error: 'bad' };

function appliedCell(r, head) {
  if (r.applied_version === null || r.applied_version === undefined) return h('td', {}, [badge('none', 'bad')]);
  const current = r.applied_version === head;
  return h('td', {}, [h('strong', { text: 'v' + r.applied_version }), ' ',
    badge(current ? 'current' : r.applied_version < head ? 'behind' : 'ahead', current ? 'ok' : 'warn')]);
}

function fleetRow(r, head) {
  const t = r.trading || {};
  const seen = ageOf(r.last_seen);
  const silent = seen > SILENT_AFTER_S;
  const notes = [];
  if (r.rejected) notes.push(badge('rejected v' + r.rejected.version, 'bad'), ' ', h('span', { class: 'small', text: r.rejected.reason }));
  if (t.mode && t.mode !== 'active') notes.push(' ', badge(t.mode, t.mode === 'halted' ? 'bad' : 'warn'));
  if (silent) notes.push(' ', badge('silent', 'bad'));
  return h('tr', { 'data-runner': r.runner_id, class: silent ? 'silent' : '' }, [
    h('td', { class: 'mono', text: r.runner_id }),
    h('td', { text: r.region }),
    appliedCell(r, head),
    h('td', {}, [badge(r.sync_state, SYNC_TONES[r.sync_state] || '')]),
    h('td', { class: 'num', text: fmtDuration(r.params_age_s) }),
    h('td', { class: 'num', text: fmtDuration(seen) + ' ago' }),
    h('td', { class: 'num', text: fmtNum(t.mid, 4) }),
    h('td', { class: 'num', text: fmtSigned(t.inventory, 3) }),
    h('td', { class: 'num ' + (t.pnl > 0 ? 'pos' : t.pnl < 0 ? 'neg' : ''), text: fmtSigned(t.pnl, 2) }),
    h('td', {}, notes),
  ]);
}

function renderFleet() {
  const fleet = state.fleet;
  const runners = fleet && Array.isArray(fleet.runners) ? fleet.runners.slice() : [];
  runners.sort((a, b) => (a.region + '/' + a.runner_id).localeCompare(b.region + '/' + b.runner_id));
  const head = state.head ? state.head.version : fleet ? fleet.version : null;
  $('fleet-table').tBodies[0].replaceChildren(...runners.map((r) => fleetRow(r, head)));
  $('fleet-empty').hidden = runners.length > 0;
  const regions = new Set(runners.map((r) => r.region));
  const onHead = runners.filter((r) => r.applied_version === head).length;
  const rejected = runners.filter((r) => r.rejected).length;
  $('fleet-summary').textContent = runners.length + ' runner(s) in ' + regions.size + ' region(s) · ' +
    onHead + ' on v' + head + ' · ' + (runners.length - onHead) + ' not on it' + (rejected ? ' · ' + rejected + ' rejected a version' : '') +
    ' · updated ' + fmtTime(new Date().toISOString());
}

async function fleetLoop(signal) {
  while (!signal.aborted) {
    try {
      const res = await api(setPath('/fleet'), { signal });
      state.fleet = res.body;
      renderFleet();
    } catch (err) {
      if (signal.aborted) return;
      if (err.status === 401) return signOut('Your token is no longer accepted: sign in again.');
      $('fleet-summary').textContent = 'Fleet unavailable: ' + err.message;
    }
    await sleep(FLEET_POLL_MS, signal);
  }
}
`;
