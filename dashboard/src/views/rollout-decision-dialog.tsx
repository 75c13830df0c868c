/**
 * Promote or abort a rollout behind a confirmation: a modal dialog that says what the decision does
 * and asks for a reason (the audit trail: it is the decision's message in the rollout's events).
 */
import { useEffect, useRef } from 'preact/hooks';
import type { DashboardController } from '../controller.ts';
import type { RolloutDecisionDialog as Dialog } from '../dashboard-state.ts';
import type { Dispatch } from '../store.ts';
import { NoticeView } from './notice-view.tsx';

export function RolloutDecisionDialog({
  dialog: state,
  lastStage,
  controller,
  dispatch,
}: {
  dialog: Dialog | null;
  /** Whether the rollout is at its last stage (a promotion then reaches every runner). */
  lastStage: boolean;
  controller: DashboardController;
  dispatch: Dispatch;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const reason = useRef<HTMLTextAreaElement>(null);
  const open = state !== null;
  useEffect(() => {
    const node = dialog.current;
    if (!node) return;
    if (open && !node.open) {
      node.showModal();
      reason.current?.focus();
    }
    if (!open && node.open) node.close();
  }, [open]);

  const promote = state?.action === 'promote';
  return (
    <dialog id="decision-dialog" ref={dialog} onClose={() => dispatch({ type: 'decision-closed' })}>
      {state ? (
        <div id="decision-form">
          <h3>{promote ? `Promote rollout ${state.id}?` : `Abort rollout ${state.id}?`}</h3>
          <p class="small">
            {promote
              ? lastStage
                ? 'The candidate becomes the head: every runner of the set gets it, and the rollout ends.'
                : 'The next stage starts now: its runners get the candidate, without waiting for the bake time.'
              : 'The candidate is rolled back: a rollback version with the control params reaches every runner at once, and the rollout ends.'}
          </p>
          <label for="decision-message">
            Reason <span class="muted small">(required)</span>
          </label>
          <textarea
            id="decision-message"
            ref={reason}
            maxLength={500}
            value={state.reason}
            onInput={(e) => dispatch({ type: 'decision-reason', text: e.currentTarget.value })}
          />
          <div id="decision-errors">
            <NoticeView notice={state.error} />
          </div>
          <div class="row">
            <button type="button" id="decision-cancel" onClick={() => dispatch({ type: 'decision-closed' })}>
              Cancel
            </button>
            <button
              type="button"
              class={promote ? '' : 'danger'}
              id="decision-confirm"
              disabled={state.busy}
              onClick={() => void controller.confirmRolloutDecision()}
            >
              {promote ? 'Promote' : 'Abort the rollout'}
            </button>
          </div>
        </div>
      ) : null}
    </dialog>
  );
}
