/**
 * Promote or abort a rollout behind a confirmation: it says what the decision does and asks for a
 * reason (the audit trail: it is the decision's message in the rollout's events).
 */
import type { DashboardController } from '../controller.ts';
import type { RolloutDecisionDialog as Dialog } from '../dashboard-state.ts';
import type { Dispatch } from '../store.ts';
import { ReasonDialog } from './reason-dialog.tsx';

export function RolloutDecisionDialog({
  dialog,
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
  const promote = dialog?.action === 'promote';
  return (
    <ReasonDialog
      id="decision"
      form={dialog && { ...dialog, title: promote ? `Promote rollout ${dialog.id}?` : `Abort rollout ${dialog.id}?` }}
      confirmLabel={promote ? 'Promote' : 'Abort the rollout'}
      danger={!promote}
      onReason={(text) => dispatch({ type: 'decision-reason', text })}
      onClose={() => dispatch({ type: 'decision-closed' })}
      onConfirm={() => void controller.confirmRolloutDecision()}
    >
      <p class="small">
        {promote
          ? lastStage
            ? 'The candidate becomes the head: every runner of the set gets it, and the rollout ends.'
            : 'The next stage starts now: its runners get the candidate, without waiting for the bake time.'
          : 'The candidate is rolled back: a rollback version with the control params reaches every runner at once, and the rollout ends.'}
      </p>
    </ReasonDialog>
  );
}
