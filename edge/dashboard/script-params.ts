/**
 * Browser code (as text): the current params of a set, their derived figures, and the edit form.
 * Rows are built once per set and updated in place when a new version arrives, so an operator's
 * half-typed edit keeps its focus and text; edits are checked against the served JSON Schema on
 * every keystroke and sent as a JSON merge patch with If-Match.
 */
export const SCRIPT_PARAMS = String.raw`
function schemaProps() {
  return (state.schema && state.schema.properties) || {};
}

/** "[0, 2]", "> 0", "active | reduce_only | halted": the range without the words, for the table. */
function compactExpected(s) {
  if (Array.isArray(s.enum)) return s.enum.join(' | ');
  return describeExpected(s).replace(/^(a finite number|an integer) (in )?/, '');
}

function buildParamRows() {
  const body = $('params-table').tBodies[0];
  body.replaceChildren();
  state.rows = {};
  for (const [key, s] of Object.entries(schemaProps())) {
    const input = Array.isArray(s.enum)
      ? h('select', { class: 'value-select', 'aria-label': key, 'data-key': key }, s.enum.map((v) => h('option', { value: v, text: v })))
      : h('input', { type: 'text', class: 'value', inputmode: 'decimal', spellcheck: 'false', autocomplete: 'off', 'aria-label': key, 'data-key': key });
    input.addEventListener('input', refreshEdits);
    const current = h('td', { class: 'num current' });
    const error = h('div', { class: 'field-error', hidden: true });
    const tr = h('tr', { 'data-key': key }, [
      h('td', {}, [h('div', { class: 'mono', text: key }), h('div', { class: 'desc', text: s.description || '' })]),
      current,
      h('td', {}, [input, error]),
      h('td', { class: 'small accepted' + (Array.isArray(s.enum) ? '' : ' range'), title: describeExpected(s), text: compactExpected(s) }),
      h('td', { class: 'num muted', text: s.default === undefined ? '—' : fmtValue(s.default) }),
    ]);
    body.append(tr);
    state.rows[key] = { tr, current, input, error, schema: s, touched: false };
  }
}

/** Shows a version's values; inputs the operator has not touched follow the new values. */
function renderParams() {
  const v = state.head;
  if (!v) return;
  $('params-title').textContent = 'Parameters · ' + v.set + ' v' + v.version;
  $('params-meta').textContent = 'by ' + v.author + ', ' + fmtTime(v.created_at) + ' — ' + v.message;
  $('head-version').replaceChildren(badge('v' + v.version, 'info'));
  for (const [key, row] of Object.entries(state.rows)) {
    const value = v.params[key];
    row.current.textContent = fmtValue(value);
    if (!row.touched) row.input.value = value === undefined ? '' : fmtValue(value);
  }
  const jsonText = $('json-text');
  if (!jsonText.dataset.touched) jsonText.value = JSON.stringify(v.params, null, 2);
  refreshEdits();
}

/** The merge patch the form holds: keys whose input differs from the current version. */
function collectEdits() {
  const patch = {};
  if (!state.head) return patch;
  for (const [key, row] of Object.entries(state.rows)) {
    const value = parseInput(row.input.value, row.schema);
    if (value !== state.head.params[key]) patch[key] = value;
  }
  return patch;
}

function renderHints(target, p, next) {
  const cards = hintCards(p);
  const after = next ? hintCards(next) : null;
  target.replaceChildren(...cards.map((card, i) => {
    const changed = after && after[i][1] !== card[1];
    return h('div', { class: 'hint', 'data-hint': card[3] }, [
      h('div', { class: 'label', text: card[0] }),
      h('div', { class: 'value', text: card[1] }),
      h('div', { class: 'muted small', text: card[2] }),
      changed ? h('div', { class: 'next', text: 'after this edit: ' + after[i][1] }) : null,
    ]);
  }));
}

/** Re-validates the form: row marks, per-field messages, the pending summary and the hints. */
function refreshEdits(event) {
  if (event && event.target && event.target.dataset.key) state.rows[event.target.dataset.key].touched = true;
  const patch = collectEdits();
  const issues = validateDocument(patch, state.schema);
  const byField = new Map(issues.map((i) => [i.field, i]));
  for (const [key, row] of Object.entries(state.rows)) {
    const issue = byField.get(key);
    row.tr.classList.toggle('changed', Object.hasOwn(patch, key) && !issue);
    row.tr.classList.toggle('invalid', Boolean(issue));
    row.error.textContent = issue ? issue.message : '';
    row.error.hidden = !issue;
  }
  const keys = Object.keys(patch);
  const pending = $('pending');
  if (keys.length === 0) pending.replaceChildren(h('span', { class: 'muted', text: 'No edits. Change a value above to prepare a new version.' }));
  else pending.replaceChildren(h('strong', { text: keys.length + (keys.length === 1 ? ' change: ' : ' changes: ') }),
    keys.map((k) => k + ' ' + fmtValue(state.head.params[k]) + ' → ' + fmtValue(patch[k])).join(', '));
  $('apply').disabled = keys.length === 0 || issues.length > 0 || state.busy;
  const next = keys.length && !issues.length ? Object.assign({}, state.head.params, patch) : null;
  if (state.head) renderHints($('hints'), state.head.params, next);
}

function discardEdits() {
  for (const row of Object.values(state.rows)) row.touched = false;
  $('edit-errors').replaceChildren();
  renderParams();
}

function requireMessage(target) {
  const message = $('message').value.trim();
  if (!message) {
    target.replaceChildren(notice('error', ['A change message is required: say why, it is the audit trail.']));
    $('message').focus();
  }
  return message;
}

/** Marks the rows the edge named in a 422, so its verdict shows where the operator is looking. */
function markEdgeIssues(err) {
  for (const f of err.fields) {
    const row = state.rows[f.field];
    if (!row) continue;
    row.tr.classList.add('invalid');
    row.error.textContent = f.message || f.expected;
    row.error.hidden = false;
  }
}

async function submitWrite(method, params, errorsBox, onDone) {
  const message = requireMessage(errorsBox);
  if (!message) return;
  state.busy = true;
  refreshEdits();
  try {
    const res = await api(setPath('/params'), { method, body: { params, message }, ifMatch: state.etag });
    errorsBox.replaceChildren();
    $('message').value = '';
    onDone();
    if (res.body && typeof res.body.version === 'number') acceptHead(res.body, res.etag);
    else await loadHead();
    showBanner('ok', ['Applied as v' + state.head.version + '. Runners pick it up within a second; watch the fleet table.']);
  } catch (err) {
    errorsBox.replaceChildren(failureNode(err, 'The edge refused the change'));
    if (err.status === 422) markEdgeIssues(err);
    if (err.status === 412) await loadHead();
    if (err.status === 401) signOut('Your token is no longer accepted: sign in again.');
  } finally {
    state.busy = false;
    refreshEdits();
  }
}

function applyEdits(event) {
  event.preventDefault();
  const patch = collectEdits();
  const issues = validateDocument(patch, state.schema);
  const box = $('edit-errors');
  if (issues.length) return box.replaceChildren(notice('error', ['Fix these first:', h('ul', {}, issues.map((i) => h('li', { text: i.message })))]));
  if (!Object.keys(patch).length) return box.replaceChildren(notice('info', ['Nothing to apply: every value equals v' + state.head.version + '.']));
  submitWrite('PATCH', patch, box, discardEdits);
}

/** Replaces the whole document (PUT): absent keys take their defaults, as in a fresh params file. */
function applyJson() {
  const box = $('json-errors');
  let doc;
  try { doc = JSON.parse($('json-text').value); }
  catch (err) { return box.replaceChildren(notice('error', ['Not valid JSON: ' + err.message])); }
  const issues = validateDocument(doc, state.schema);
  if (issues.length) return box.replaceChildren(notice('error', ['Not accepted:', h('ul', {}, issues.map((i) => h('li', { text: i.message })))]));
  submitWrite('PUT', doc, box, () => { delete $('json-text').dataset.touched; });
}
`;
