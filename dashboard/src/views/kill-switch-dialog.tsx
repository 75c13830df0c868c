/**
 * The kill switch behind a confirmation: a modal dialog that says what halting does and asks for a
 * reason (the audit trail) before `trading_mode=halted` is sent.
 */
import { useEffect, useRef } from 'preact/hooks';
import type { DashboardController } from '../controller.ts';
import type { KillSwitchDialog as Dialog } from '../dashboard-state.ts';
import type { Dispatch } from '../store.ts';
import { NoticeView } from './notice-view.tsx';

export function KillSwitchDialog({
  set,
  dialog: state,
  controller,
  dispatch,
}: {
  set: string;
  dialog: Dialog | null;
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

  return (
    <dialog id="kill-dialog" ref={dialog} onClose={() => dispatch({ type: 'kill-closed' })}>
      {state ? (
        <div id="kill-form">
          <h3>{`Halt trading on ${set}?`}</h3>
          <p class="small">
            Sets <span class="mono">trading_mode</span> to <strong>halted</strong> in a new version: every runner following this
            set cancels its resting orders and quotes nothing until a later version resumes. It is written on top of whatever
            version is current, and changes nothing else.
          </p>
          <label for="kill-message">
            Reason <span class="muted small">(required)</span>
          </label>
          <textarea
            id="kill-message"
            ref={reason}
            maxLength={500}
            value={state.reason}
            onInput={(e) => dispatch({ type: 'kill-reason', text: e.currentTarget.value })}
          />
          <div id="kill-errors">
            <NoticeView notice={state.error} />
          </div>
          <div class="row">
            <button type="button" id="kill-cancel" onClick={() => dispatch({ type: 'kill-closed' })}>
              Cancel
            </button>
            <button
              type="button"
              class="danger"
              id="kill-confirm"
              disabled={state.busy}
              onClick={() => void controller.confirmKillSwitch()}
            >
              Halt trading
            </button>
          </div>
        </div>
      ) : null}
    </dialog>
  );
}
