/**
 * A colleague's version arrived while the operator had edits pending: what they changed, which of
 * those keys the operator is editing too, and the two ways on — write my edits on top of the new
 * version, or drop them. Nothing is sent until one is chosen.
 */
import type { DashboardController } from '../controller.ts';
import type { DashboardState, EditConflict } from '../dashboard-state.ts';
import type { Dispatch } from '../store.ts';
import { DiffTable } from './diff-table.tsx';

function editedKeys(state: DashboardState): Set<string> {
  const keys = new Set<string>();
  for (const [key, draft] of Object.entries(state.drafts ?? {})) if (draft.touched) keys.add(key);
  return keys;
}

export function ConflictBanner({
  state,
  conflict,
  controller,
  dispatch,
}: {
  state: DashboardState;
  conflict: EditConflict;
  controller: DashboardController;
  dispatch: Dispatch;
}) {
  const { base, head } = conflict;
  const mine = editedKeys(state);
  const both = conflict.changes.filter((c) => mine.has(c.key)).map((c) => c.key);
  const form = state.json.touched && mine.size === 0 ? 'json' : 'edit';
  return (
    <div class="conflict" id="conflict" role="alert">
      <p>
        <strong>{`v${head.version} arrived while you were editing v${base.version}`}</strong>
        {` — ${head.author}: "${head.message}". Your edits are kept and nothing was sent.`}
      </p>
      <DiffTable changes={conflict.changes} />
      {both.length > 0 ? (
        <p class="both" id="conflict-both">
          {`Changed by both: ${both.join(', ')} — re-applying writes your value${both.length === 1 ? '' : 's'}.`}
        </p>
      ) : null}
      <div class="row">
        <button type="button" class="primary" id="conflict-reapply" onClick={() => void controller.reapplyEdits(form)}>
          {`Re-apply my edits on v${head.version}`}
        </button>
        <button type="button" id="conflict-discard" onClick={() => dispatch({ type: 'drafts-discarded' })}>
          Discard my edits
        </button>
      </div>
    </div>
  );
}
