/**
 * A decision behind a confirmation: a modal dialog that says what the decision does and asks for a
 * reason (the audit trail) before anything is sent. The kill switch, a rollback and a rollout's
 * promote/abort are each one of these; element ids are `${id}-dialog`, `-form`, `-title`,
 * `-message`, `-errors`, `-cancel` and `-confirm`. Esc closes a modal dialog by itself: its close
 * event goes to `onClose`.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import type { Notice } from '../dashboard-state.ts';
import { NoticeView } from './notice-view.tsx';

export interface ReasonDialogProps {
  id: string;
  /** The decision being confirmed, or null when the dialog is closed. */
  form: { title: string; reason: string; error: Notice | null; busy: boolean } | null;
  /** What the decision does (shown between the title and the reason). */
  children?: ComponentChildren;
  confirmLabel: string;
  danger?: boolean;
  onReason: (text: string) => void;
  onClose: () => void;
  onConfirm: () => void;
}

export function ReasonDialog({
  id,
  form,
  children,
  confirmLabel,
  danger = true,
  onReason,
  onClose,
  onConfirm,
}: ReasonDialogProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const reason = useRef<HTMLTextAreaElement>(null);
  const open = form !== null;
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
    <dialog id={`${id}-dialog`} ref={dialog} onClose={onClose}>
      {form ? (
        <div id={`${id}-form`}>
          <h3 id={`${id}-title`}>{form.title}</h3>
          {children}
          <label for={`${id}-message`}>
            Reason <span class="muted small">(required)</span>
          </label>
          <textarea
            id={`${id}-message`}
            ref={reason}
            maxLength={500}
            value={form.reason}
            onInput={(e) => onReason(e.currentTarget.value)}
          />
          <div id={`${id}-errors`}>
            <NoticeView notice={form.error} />
          </div>
          <div class="row">
            <button type="button" id={`${id}-cancel`} onClick={onClose}>
              Cancel
            </button>
            <button type="button" class={danger ? 'danger' : ''} id={`${id}-confirm`} disabled={form.busy} onClick={onConfirm}>
              {confirmLabel}
            </button>
          </div>
        </div>
      ) : null}
    </dialog>
  );
}
