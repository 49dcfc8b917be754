import { useId, useRef, useState, type ReactNode } from 'react';
import { Button } from './Button';

interface ConfirmButtonProps {
  /** The button's text, e.g. "Deactivate". */
  children: ReactNode;
  /** The question in the confirm step, e.g. "Deactivate alice?". */
  title: string;
  /** What will happen, in a sentence. */
  description: ReactNode;
  /** The confirm button's text, e.g. "Yes, deactivate". */
  confirmLabel: string;
  /** A fuller name for the opening button (screen readers), when its text alone is ambiguous in a table. */
  label?: string;
  variant?: 'secondary' | 'danger' | 'link';
  busy?: boolean;
  onConfirm: () => unknown;
}

/**
 * An action that asks first, in a modal <dialog> (focus moves into it, Escape cancels, focus returns to the button):
 * the accessible replacement for window.confirm. Cancel has the focus, so Enter alone does nothing harmful.
 */
export function ConfirmButton({ children, title, description, confirmLabel, label, variant = 'secondary', busy, onConfirm }: ConfirmButtonProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [open, setOpen] = useState(false);
  const id = useId();
  const show = () => {
    setOpen(true);
    dialog.current?.showModal();
  };
  const close = () => {
    dialog.current?.close();
    setOpen(false);
  };
  return (
    <>
      <Button variant={variant} onClick={show} busy={busy} aria-label={label} aria-haspopup="dialog">
        {children}
      </Button>
      <dialog ref={dialog} className="confirm-dialog" aria-labelledby={`${id}-title`} aria-describedby={`${id}-text`} onClose={() => setOpen(false)}>
        {open && (
          <>
            <h2 id={`${id}-title`}>{title}</h2>
            <p id={`${id}-text`}>{description}</p>
            <div className="actions">
              <Button autoFocus onClick={close}>
                Cancel
              </Button>
              <Button
                variant={variant === 'danger' ? 'danger' : 'primary'}
                onClick={() => {
                  close();
                  void onConfirm();
                }}
              >
                {confirmLabel}
              </Button>
            </div>
          </>
        )}
      </dialog>
    </>
  );
}
