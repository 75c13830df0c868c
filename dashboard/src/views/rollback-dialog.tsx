/**
 * Rollback behind a confirmation: a modal dialog that shows what the rollback would change in the
 * running version and asks for a reason (the audit trail) before anything is sent.
 */
import type { DashboardController } from '../controller.ts';
import type { RollbackDialog as Dialog } from '../dashboard-state.ts';
import type { Dispatch } from '../store.ts';
import { DiffTable } from './diff-table.tsx';
import { NoticeView } from './notice-view.tsx';
import { ReasonDialog } from './reason-dialog.tsx';

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
  return (
    <ReasonDialog
      id="rollback"
      form={rollback && { ...rollback, title: `Roll back ${set} from v${rollback.from} to v${rollback.target}?` }}
      confirmLabel="Roll back"
      onReason={(text) => dispatch({ type: 'rollback-reason', text })}
      onClose={() => dispatch({ type: 'rollback-closed' })}
      onConfirm={() => void controller.confirmRollback()}
    >
      {rollback ? (
        <>
          <p class="muted small">
            A rollback creates a new version equal to the target; every runner applies it within a second.
          </p>
          <div class="scroll" id="rollback-diff">
            <WhatChanges changes={rollback.changes} />
          </div>
        </>
      ) : null}
    </ReasonDialog>
  );
}
