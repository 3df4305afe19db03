// Deleting the last deployment of the active model: the confirm step asks which model apps
// sending the active alias get instead, so the switch is a choice, never a silent fallback.
// Same two-click pattern as ConfirmButton (no modal; Escape or Cancel backs out).
import { useEffect, useId, useRef, useState } from 'react';

export interface DeleteActiveModelButtonProps {
  /** e.g. "Delete gpt-local (hosted_vllm/qwen3)". */
  ariaLabel: string;
  question: string;
  /** The active alias, e.g. `switchboard/active`. */
  alias: string;
  /** The model groups that remain after the delete; the first is preselected. */
  remaining: readonly string[];
  onConfirm: (switchTo: string | undefined) => void | Promise<void>;
}

export function DeleteActiveModelButton({ ariaLabel, question, alias, remaining, onConfirm }: DeleteActiveModelButtonProps) {
  const id = useId();
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [choice, setChoice] = useState<string | undefined>(undefined);
  const selectRef = useRef<HTMLSelectElement>(null);
  const deleteRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (asking) (selectRef.current ?? deleteRef.current)?.focus();
  }, [asking]);

  if (!asking) {
    return (
      <button type="button" className="button-small button-danger-quiet" aria-label={ariaLabel} onClick={() => setAsking(true)}>
        Delete
      </button>
    );
  }
  const target = choice ?? remaining[0];
  const confirm = async () => {
    setBusy(true);
    try {
      await onConfirm(target);
    } finally {
      setBusy(false);
      setAsking(false);
    }
  };
  return (
    <span className="confirm confirm-active-model" role="group" aria-label={question} onKeyDown={(e) => e.key === 'Escape' && setAsking(false)}>
      <span className="confirm-question">
        {question} It is the active model{remaining.length === 0 ? `: no other model is left, so apps sending ${alias} get an error until you add one.` : '.'}
      </span>
      {target !== undefined ? (
        <span className="field-inline">
          <label htmlFor={`${id}-next`}>Apps sending <code className="inline-code">{alias}</code> get instead</label>{' '}
          <select id={`${id}-next`} ref={selectRef} value={target} onChange={(e) => setChoice(e.target.value)} disabled={busy}>
            {remaining.map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </select>
        </span>
      ) : null}
      <button ref={deleteRef} type="button" className="button-small button-danger" onClick={() => void confirm()} disabled={busy}>
        {target === undefined ? 'Delete' : `Delete and switch to ${target}`}
      </button>
      <button type="button" className="button-small" onClick={() => setAsking(false)} disabled={busy}>
        Cancel
      </button>
    </span>
  );
}
