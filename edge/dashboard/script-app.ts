/**
 * Browser code (as text): the application shell. Starts once a token works: clones the markup,
 * wires the controls, picks a set (remembered in the URL fragment), then keeps the page live with a
 * params long-poll (`?wait=` + If-None-Match) and the fleet poll, both cancelled on a set change.
 */
export const SCRIPT_APP = String.raw`
const LONG_POLL_S = 25;

function setLive(on, why, stale) {
  const live = $('live');
  live.className = 'live ' + (on && !stale ? 'on' : 'off');
  live.textContent = !on ? 'reconnecting' : stale ? 'live (possibly stale copy)' : 'live';
  live.title = !on ? 'Edge unreachable: ' + (why || '')
    : stale ? 'The edge answered from its replicated copy: the newest version may not be shown yet'
    : 'Live: new versions show up as soon as they are written';
}

/** Takes a version as the new head (from a write, a rollback or the long-poll), newest wins. */
function acceptHead(version, etag) {
  const previous = state.head;
  if (previous && version.version < previous.version) return;
  state.head = version;
  state.etag = etag || state.etag;
  renderParams();
  renderFleet();
  if (!previous || previous.version !== version.version) {
    loadHistory(true);
    const edited = Object.values(state.rows).some((r) => r.touched);
    if (previous && edited) showBanner('info', ['v' + version.version + ' arrived (' + version.author + ': "' + version.message + '"). Your edits are kept; check them against the new values.']);
  }
}

async function loadHead() {
  const res = await api(setPath('/params'));
  acceptHead(res.body, res.etag);
  return res;
}

async function paramsLoop(signal) {
  let failures = 0;
  while (!signal.aborted) {
    try {
      const res = await api(setPath('/params?wait=' + LONG_POLL_S), { ifNoneMatch: state.etag, signal });
      failures = 0;
      setLive(true, '', res.stale);
      if (res.status === 200 && res.body) acceptHead(res.body, res.etag);
    } catch (err) {
      if (signal.aborted) return;
      if (err.status === 401) return signOut('Your token is no longer accepted: sign in again.');
      failures += 1;
      setLive(false, err.message);
      await sleep(Math.min(10000, 500 * 2 ** failures), signal);
    }
  }
}

function renderSetPicker() {
  const picker = $('set-picker');
  picker.replaceChildren(...state.sets.map((s) => h('option', { value: s.set, text: s.set })));
  picker.value = state.set || '';
}

async function selectSet(name) {
  if (state.loops) state.loops.abort();
  const loops = new AbortController();
  state.loops = loops;
  Object.assign(state, { set: name, head: null, etag: null, history: [], nextBefore: null, fleet: null });
  history.replaceState(null, '', '#set=' + encodeURIComponent(name));
  clearBanner();
  $('diff-result').replaceChildren();
  $('edit-errors').replaceChildren();
  delete $('json-text').dataset.touched;
  $('params-title').textContent = 'Parameters · ' + name + ' (loading)';
  $('params-meta').textContent = '';
  buildParamRows();
  try {
    const res = await loadHead();
    setLive(true, '', res.stale);
  } catch (err) {
    showBanner('error', [failureNode(err, 'Could not load ' + name)]);
    if (err.status === 401) return signOut('Your token is no longer accepted: sign in again.');
  }
  paramsLoop(loops.signal);
  fleetLoop(loops.signal);
}

function wireControls() {
  $('logout').addEventListener('click', () => signOut(''));
  $('set-picker').addEventListener('change', (e) => selectSet(e.target.value));
  $('edit-form').addEventListener('submit', applyEdits);
  $('reset').addEventListener('click', discardEdits);
  $('json-text').addEventListener('input', (e) => { e.target.dataset.touched = '1'; });
  $('json-apply').addEventListener('click', applyJson);
  $('history-more').addEventListener('click', () => loadHistory(false));
  $('diff-show').addEventListener('click', showDiff);
  $('rollback-cancel').addEventListener('click', () => $('rollback-dialog').close());
  $('rollback-confirm').addEventListener('click', confirmRollback);
}

function startApp() {
  $('login').remove();
  document.body.append($('app-template').content.cloneNode(true));
  wireControls();
  const fromHash = decodeURIComponent((location.hash.match(/^#set=(.+)$/) || [])[1] || '');
  const names = state.sets.map((s) => s.set);
  const initial = names.includes(fromHash) ? fromHash : names[0];
  if (!initial) {
    setLive(false, 'no set');
    showBanner('info', ['No param set exists yet. Create one with the CLI: livetune set <key>=<value> -m "first version" --set <name>.']);
    return;
  }
  state.set = initial;
  renderSetPicker();
  selectSet(initial);
}
`;
