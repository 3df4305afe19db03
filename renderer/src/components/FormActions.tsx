// The end of an add/edit form: what the last submit failed with (unless a field shows it), the
// submit button (saying "Saving…" while the gateway answers) and Cancel. Both buttons wait while busy
// so the form cannot be sent twice or closed under a save.
import { ErrorNotice } from './ErrorNotice.js';

export interface FormActionsProps {
  error: unknown;
  busy: boolean;
  submitLabel: string;
  onCancel: () => void;
}

export function FormActions({ error, busy, submitLabel, onCancel }: FormActionsProps) {
  return (
    <>
      {error ? <ErrorNotice error={error} /> : null}
      <div className="actions">
        <button type="submit" className="button-primary" disabled={busy}>
          {busy ? 'Saving…' : submitLabel}
        </button>
        <button type="button" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
      </div>
    </>
  );
}
