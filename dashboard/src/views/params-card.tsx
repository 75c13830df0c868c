/**
 * The set's current params, their derived figures, and the edit form. Each row's input is
 * controlled by the store, so a new version arriving while the operator types changes the rows
 * they did not touch and keeps the text (and focus) of the ones they did. The form is re-checked
 * with shared/'s `validateParams` on every keystroke; nothing invalid can be sent.
 */
import type { Version } from '../../../shared/api.ts';
import { PARAM_KEYS, PARAM_SPECS, type ParamKey, describeAccepted } from '../../../shared/param-specs.ts';
import type { DashboardController } from '../controller.ts';
import { type DashboardState, canWrite } from '../dashboard-state.ts';
import type { Dispatch } from '../store.ts';
import { type Draft, checkEdits, compactAccepted, describeChange } from '../edits.ts';
import { formatParamValue, formatTime } from '../format.ts';
import { hintCardsWithPreview } from '../hint-cards.ts';
import { ConflictBanner } from './conflict-banner.tsx';
import { JsonEditor } from './json-editor.tsx';
import { NoticeView } from './notice-view.tsx';
import { WhatIfCard } from './what-if-card.tsx';

interface RowProps {
  paramKey: ParamKey;
  writable: boolean;
  draft: Draft | undefined;
  current: unknown;
  changed: boolean;
  error: string | undefined;
  dispatch: Dispatch;
}

function ParamRow({ paramKey: key, writable, draft, current, changed, error, dispatch }: RowProps) {
  const spec = PARAM_SPECS[key];
  const onInput = (e: { currentTarget: HTMLInputElement | HTMLSelectElement }) =>
    dispatch({ type: 'draft-changed', key, text: e.currentTarget.value });
  const value = draft?.text ?? '';
  const input =
    spec.kind === 'enum' ? (
      <select class="value-select" aria-label={key} data-key={key} value={value} onInput={onInput}>
        {spec.values.map((v) => (
          <option key={v} value={v}>
            {v}
          </option>
        ))}
      </select>
    ) : (
      <input
        type="text"
        class="value"
        inputMode="decimal"
        spellcheck={false}
        autocomplete="off"
        aria-label={key}
        data-key={key}
        value={value}
        onInput={onInput}
      />
    );
  const rowClass = [changed && !error ? 'changed' : '', error ? 'invalid' : ''].filter(Boolean).join(' ');
  return (
    <tr data-key={key} class={rowClass}>
      <td>
        <div class="mono">{key}</div>
        <div class="desc">{spec.description}</div>
      </td>
      <td class="num current">{current === undefined ? '' : formatParamValue(current)}</td>
      <td hidden={!writable}>
        {writable ? input : null}
        <div class="field-error" hidden={!error}>
          {error ?? ''}
        </div>
      </td>
      <td class={`small accepted${spec.kind === 'enum' ? '' : ' range'}`} title={describeAccepted(spec)}>
        {compactAccepted(spec)}
      </td>
      <td class="num muted">{formatParamValue(spec.default)}</td>
    </tr>
  );
}

function Hints({ head, next }: { head: Version; next: Version['params'] | null }) {
  return (
    <div class="hints" id="hints">
      {hintCardsWithPreview(head.params, next).map((card) => (
        <div class="hint" data-hint={card.id} key={card.id}>
          <div class="label">{card.label}</div>
          <div class="value">{card.value}</div>
          <div class="muted small">{card.detail}</div>
          {card.next ? <div class="next">{`after this edit: ${card.next}`}</div> : null}
        </div>
      ))}
    </div>
  );
}

/** Why there is nothing to edit: the token's scope, or the edge has not said yet. */
function ReadOnlyNote({ access }: { access: 'unknown' | 'read' | 'write' }) {
  return (
    <p class="read-only" id="read-only">
      {access === 'read'
        ? 'Read-only: this token has read scope, so it can watch this set but not change it (no edits, rollbacks or halt). Sign in with a write-scope token to change it.'
        : 'Checking what this token may do…'}
    </p>
  );
}

export function ParamsCard({
  state,
  controller,
  dispatch,
}: {
  state: DashboardState;
  controller: DashboardController;
  dispatch: Dispatch;
}) {
  const { head, drafts, set } = state;
  const writable = canWrite(state);
  const check = head && drafts ? checkEdits(drafts, head.params) : null;
  const issueOf = new Map(check?.issues.map((i) => [i.field, i.message]) ?? []);
  const keys = Object.keys(check?.patch ?? {}) as ParamKey[];
  const blocked = keys.length === 0 || (check?.issues.length ?? 0) > 0 || state.busy;

  function submit(event: SubmitEvent) {
    event.preventDefault();
    void controller.applyEdits();
  }

  return (
    <section class="card" id="params-card">
      <div class="head">
        <h2 id="params-title">{head ? `Parameters · ${head.set} v${head.version}` : `Parameters · ${set ?? ''} (loading)`}</h2>
      </div>
      <p class="muted small meta" id="params-meta">
        {head ? `by ${head.author}, ${formatTime(head.created_at)} — ${head.message}` : ''}
      </p>
      {head ? <Hints head={head} next={check?.next ?? null} /> : <div class="hints" id="hints" />}
      {head ? <WhatIfCard current={head.params} edited={check?.next ?? null} version={head.version} /> : null}
      {writable ? null : <ReadOnlyNote access={state.session.kind === 'signed-in' ? state.session.access : 'unknown'} />}
      {writable && state.conflict ? (
        <ConflictBanner state={state} conflict={state.conflict} controller={controller} dispatch={dispatch} />
      ) : null}
      <form id="edit-form" noValidate onSubmit={submit}>
        <table id="params-table">
          <thead>
            <tr>
              <th>Parameter</th>
              <th class="num">Current</th>
              <th hidden={!writable}>New value</th>
              <th>Accepted</th>
              <th class="num">Default</th>
            </tr>
          </thead>
          <tbody>
            {PARAM_KEYS.map((key) => (
              <ParamRow
                key={key}
                paramKey={key}
                writable={writable}
                draft={drafts?.[key]}
                current={head?.params[key]}
                changed={Object.hasOwn(check?.patch ?? {}, key)}
                error={issueOf.get(key) ?? state.edgeIssues[key]}
                dispatch={dispatch}
              />
            ))}
          </tbody>
        </table>
        <div class="editor-foot" hidden={!writable}>
          <div class="pending" id="pending">
            {keys.length === 0 || !head ? (
              <span class="muted">No edits. Change a value above to prepare a new version.</span>
            ) : (
              <>
                <strong>{`${keys.length}${keys.length === 1 ? ' change: ' : ' changes: '}`}</strong>
                {keys.map((k) => describeChange(k, head.params[k], check?.patch[k])).join(', ')}
              </>
            )}
          </div>
          <div id="edit-errors">
            <NoticeView notice={state.editNotice} />
          </div>
          <label for="message">
            Change message <span class="muted small">(required: why this change?)</span>
          </label>
          <textarea
            id="message"
            maxLength={500}
            placeholder="e.g. widen: realized vol doubled after the funding print"
            value={state.message}
            onInput={(e) => dispatch({ type: 'message-changed', text: e.currentTarget.value })}
          />
          <div class="row">
            <button type="submit" class="primary" id="apply" disabled={blocked}>
              Apply change
            </button>
            <button type="button" id="reset" onClick={() => dispatch({ type: 'drafts-discarded' })}>
              Discard edits
            </button>
          </div>
        </div>
      </form>
      {writable ? <JsonEditor json={state.json} controller={controller} dispatch={dispatch} /> : null}
    </section>
  );
}
