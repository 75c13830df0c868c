/**
 * The kill switch behind a confirmation: it says what halting does and asks for a reason (the audit
 * trail) before `trading_mode=halted` is sent.
 */
import type { DashboardController } from '../controller.ts';
import type { KillSwitchDialog as Dialog } from '../dashboard-state.ts';
import type { Dispatch } from '../store.ts';
import { ReasonDialog } from './reason-dialog.tsx';

export function KillSwitchDialog({
  set,
  dialog,
  controller,
  dispatch,
}: {
  set: string;
  dialog: Dialog | null;
  controller: DashboardController;
  dispatch: Dispatch;
}) {
  return (
    <ReasonDialog
      id="kill"
      form={dialog && { ...dialog, title: `Halt trading on ${set}?` }}
      confirmLabel="Halt trading"
      onReason={(text) => dispatch({ type: 'kill-reason', text })}
      onClose={() => dispatch({ type: 'kill-closed' })}
      onConfirm={() => void controller.confirmKillSwitch()}
    >
      <p class="small">
        Sets <span class="mono">trading_mode</span> to <strong>halted</strong> in a new version: every runner following this set
        cancels its resting orders and quotes nothing until a later version resumes. It is written on top of whatever version is
        current, and changes nothing else.
      </p>
    </ReasonDialog>
  );
}
