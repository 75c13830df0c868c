/**
 * Browser code (as text): the audit trail of a set (who, when, why), a diff between any two
 * versions, and rollback behind a confirmation dialog that shows what the rollback will change.
 */
export const SCRIPT_HISTORY = String.raw`
async function loadHistory(reset) {
  const before = reset ? null : state.nextBefore;
  try {
    const res = await api(setPath('/versions?limit=25' + (before ? '&before=' + before : '')));
    const page = res.body || {};
    const versions = Array.isArray(page.versions) ? page.versions : [];
    state.history = reset ? versions : state.history.concat(versions);
    state.nextBefore = page.next_before || null;
    renderHistory();
  } catch (err) {
    $('history-table').tBodies[0].replaceChildren(h('tr', {}, [h('td', { colspan: 5 }, [failureNode(err, 'History unavailable')])]));
  }
}

function kindBadge(v) {
  if (v.kind === 'rollback') return badge('rollback to v' + v.rollback_of, 'warn');
  if (v.kind === 'create') return badge('created', 'info');
  return null;
}

function renderHistory() {
  const head = state.head ? state.head.version : null;
  const rows = state.history.map((v) => h('tr', { 'data-version': v.version }, [
    h('td', { class: 'num' }, [h('strong', { text: 'v' + v.version }), ' ', v.version === head ? badge('current', 'ok') : null, ' ', kindBadge(v)]),
    h('td', { class: 'small when', title: fmtTime(v.created_at) }, [h('div', { text: fmtTime(v.created_at).slice(0, 10) }), h('div', { class: 'muted', text: fmtTime(v.created_at).slice(11) })]),
    h('td', { text: v.author }),
    h('td', { text: v.message }),
    h('td', {}, [v.version === head ? null
      : h('button', { type: 'button', class: 'link', 'data-rollback': v.version, title: 'Roll back to v' + v.version, text: 'Roll back', onclick: () => openRollback(v.version) })]),
  ]));
  $('history-table').tBodies[0].replaceChildren(...rows);
  $('history-more').hidden = !state.nextBefore;
  renderDiffPickers();
}

function renderDiffPickers() {
  const from = $('diff-from');
  const to = $('diff-to');
  const keepFrom = from.value;
  const keepTo = to.value;
  const options = () => state.history.map((v) => h('option', { value: v.version, text: 'v' + v.version + ' · ' + v.author }));
  from.replaceChildren(...options());
  to.replaceChildren(...options());
  const versions = state.history.map((v) => String(v.version));
  to.value = versions.includes(keepTo) ? keepTo : (versions[0] || '');
  from.value = versions.includes(keepFrom) ? keepFrom : (versions[1] || versions[0] || '');
}

function diffTable(changes) {
  if (!changes.length) return h('p', { class: 'empty', text: 'No differences: both versions hold the same params.' });
  return h('table', { class: 'diff' }, [
    h('thead', {}, [h('tr', {}, [h('th', { text: 'Parameter' }), h('th', { class: 'num', text: 'From' }), h('th', { class: 'num', text: 'To' })])]),
    h('tbody', {}, changes.map((c) => h('tr', { 'data-key': c.key }, [
      h('td', { class: 'mono', text: c.key }),
      h('td', { class: 'num from', text: fmtValue(c.from) }),
      h('td', { class: 'num to', text: fmtValue(c.to) }),
    ]))),
  ]);
}

async function fetchDiff(from, to) {
  const res = await api(setPath('/diff?from=' + encodeURIComponent(from) + '&to=' + encodeURIComponent(to)));
  return Array.isArray(res.body && res.body.changes) ? res.body.changes : [];
}

async function showDiff() {
  const from = $('diff-from').value;
  const to = $('diff-to').value;
  const out = $('diff-result');
  if (!from || !to) return out.replaceChildren(h('p', { class: 'empty', text: 'Pick two versions.' }));
  try {
    const changes = await fetchDiff(from, to);
    out.replaceChildren(h('p', { class: 'muted small', text: 'v' + from + ' → v' + to + ': ' + changes.length + ' key(s) differ' }), diffTable(changes));
  } catch (err) {
    out.replaceChildren(failureNode(err, 'Diff unavailable'));
  }
}

async function openRollback(target) {
  state.rollbackTarget = target;
  const dialog = $('rollback-dialog');
  $('rollback-title').textContent = 'Roll back ' + state.set + ' from v' + state.head.version + ' to v' + target + '?';
  $('rollback-message').value = '';
  $('rollback-errors').replaceChildren();
  $('rollback-diff').replaceChildren(h('p', { class: 'muted', text: 'Loading what changes…' }));
  dialog.showModal();
  try {
    const changes = await fetchDiff(state.head.version, target);
    $('rollback-diff').replaceChildren(h('p', { class: 'small', text: 'This rollback changes ' + changes.length + ' key(s) of the running version:' }), diffTable(changes));
  } catch (err) {
    $('rollback-diff').replaceChildren(failureNode(err, 'Diff unavailable'));
  }
  $('rollback-message').focus();
}

async function confirmRollback() {
  const message = $('rollback-message').value.trim();
  const box = $('rollback-errors');
  if (!message) return box.replaceChildren(notice('error', ['A reason is required: it is the audit trail.']));
  const target = state.rollbackTarget;
  $('rollback-confirm').disabled = true;
  try {
    const res = await api(setPath('/rollback'), { method: 'POST', body: { to: target, message }, ifMatch: state.etag });
    $('rollback-dialog').close();
    if (res.body && typeof res.body.version === 'number') acceptHead(res.body, res.etag);
    else await loadHead();
    showBanner('ok', ['Rolled back: v' + state.head.version + ' holds the params of v' + target + '.']);
  } catch (err) {
    box.replaceChildren(failureNode(err, 'Rollback refused'));
    if (err.status === 412) await loadHead();
  } finally {
    $('rollback-confirm').disabled = false;
  }
}
`;
