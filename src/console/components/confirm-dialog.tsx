import type { ReactNode } from 'react';
import { Dialog } from './dialog';
import { ErrorText } from './error-text';

export interface ConfirmDialogProps {
  title: string;
  /** What happens, and what cannot be undone. */
  children: ReactNode;
  /** The button that does it: the same verb as the button that asked ("Revoke", "Delete"). */
  confirmLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
  pending: boolean;
  /** The failure of the last attempt, shown in the dialog, where the admin acted. */
  error: unknown;
  danger?: boolean;
}

/** "Are you sure?" for a destructive action, as a modal dialog; focus starts on Cancel, the safe choice. */
export function ConfirmDialog({ title, children, confirmLabel, onConfirm, onCancel, pending, error, danger = true }: ConfirmDialogProps) {
  return (
    <Dialog title={title} onClose={onCancel} busy={pending}>
      <div className="dialog__body">{children}</div>
      <ErrorText error={error} />
      <div className="actions">
        <button
          type="button"
          className={danger ? 'button button--danger' : 'button'}
          onClick={onConfirm}
          disabled={pending}
          aria-busy={pending || undefined}
        >
          {confirmLabel}
        </button>
        <button type="button" className="button button--secondary" onClick={onCancel} disabled={pending} data-autofocus>
          Cancel
        </button>
      </div>
    </Dialog>
  );
}
