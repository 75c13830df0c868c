/**
 * Rollback behind a confirmation: a modal dialog that shows what the rollback would change in the
 * running version and asks for a reason (the audit trail) before anything is sent.
 */
import { useEffect, useRef } from 'preact/hooks';
import type { DashboardController } from '../controller.ts';
import type { RollbackDialog as Dialog } from '../dashboard-state.ts';
import type { Dispatch } from '../store.ts';
import { DiffTable } from './diff-table.tsx';
import { NoticeView } from './notice-view.tsx';

function WhatChanges({ changes }: { changes: Dialog['changes'] }) {
  switch (changes.kind) {
    case 'loading':
      return <p class="muted">Loading what changes…</p>;
    case 'failed':
      return <NoticeView notice={{ kind: 'failure', context: 'Diff unavailable', failure: changes.failure }} />;
    case 'loaded':
      return (
        <>
          <p class="small">{`This rollback changes ${changes.value.length} key(s) of the running version:`}</p>
          <DiffTable changes={changes.value} />
        </>
      );
  }
}

export function RollbackDialog({
  set,
  rollback,
  controller,
  dispatch,
}: {
  set: string;
  rollback: Dialog | null;
  controller: DashboardController;
  dispatch: Dispatch;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const reason = useRef<HTMLTextAreaElement>(null);
  const open = rollback !== null;
  useEffect(() => {
    const node = dialog.current;
    if (!node) return;
    if (open && !node.open) {
      node.showModal();
      reason.current?.focus();
    }
    if (!open && node.open) node.close();
  }, [open]);

  return (
    // Esc closes a modal dialog by itself: its close event tells the store.
    <dialog id="rollback-dialog" ref={dialog} onClose={() => dispatch({ type: 'rollback-closed' })}>
      {rollback ? (
        <div id="rollback-form">
          <h3 id="rollback-title">{`Roll back ${set} from v${rollback.from} to v${rollback.target}?`}</h3>
          <p class="muted small">
            A rollback creates a new version equal to the target; every runner applies it within a second.
          </p>
          <div class="scroll" id="rollback-diff">
            <WhatChanges changes={rollback.changes} />
          </div>
          <label for="rollback-message">
            Reason <span class="muted small">(required)</span>
          </label>
          <textarea
            id="rollback-message"
            ref={reason}
            maxLength={500}
            value={rollback.reason}
            onInput={(e) => dispatch({ type: 'rollback-reason', text: e.currentTarget.value })}
          />
          <div id="rollback-errors">
            <NoticeView notice={rollback.error} />
          </div>
          <div class="row">
            <button type="button" id="rollback-cancel" onClick={() => dispatch({ type: 'rollback-closed' })}>
              Cancel
            </button>
            <button
              type="button"
              class="danger"
              id="rollback-confirm"
              disabled={rollback.busy}
              onClick={() => void controller.confirmRollback()}
            >
              Roll back
            </button>
          </div>
        </div>
      ) : null}
    </dialog>
  );
}
