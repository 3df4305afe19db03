// A destructive action behind a second, explicit click: the first shows the question and moves
// focus to "confirm"; Escape or Cancel backs out. No modal, so keyboard users never get trapped.
import { useEffect, useRef, useState } from 'react';

export interface ConfirmButtonProps {
  /** The button's text, e.g. "Delete". */
  label: string;
  /** The question, e.g. "Delete the key for cursor? Apps using it stop working." */
  question: string;
  /** Text of the confirming button (defaults to label). */
  confirmLabel?: string;
  /** Accessible name of the first button when label alone is ambiguous in a table. */
  ariaLabel?: string;
  onConfirm: () => void | Promise<void>;
  disabled?: boolean;
}

export function ConfirmButton({ label, question, confirmLabel, ariaLabel, onConfirm, disabled }: ConfirmButtonProps) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const confirmRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (asking) confirmRef.current?.focus();
  }, [asking]);

  if (!asking) {
    return (
      <button type="button" className="button-small button-danger-quiet" aria-label={ariaLabel} onClick={() => setAsking(true)} disabled={disabled}>
        {label}
      </button>
    );
  }
  const confirm = async () => {
    setBusy(true);
    try {
      await onConfirm();
    } finally {
      setBusy(false);
      setAsking(false);
    }
  };
  return (
    <span className="confirm" role="group" aria-label={question} onKeyDown={(e) => e.key === 'Escape' && setAsking(false)}>
      <span className="confirm-question">{question}</span>
      <button ref={confirmRef} type="button" className="button-small button-danger" onClick={() => void confirm()} disabled={busy}>
        {confirmLabel ?? label}
      </button>
      <button type="button" className="button-small" onClick={() => setAsking(false)} disabled={busy}>
        Cancel
      </button>
    </span>
  );
}
