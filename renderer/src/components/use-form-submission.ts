// The state every dashboard form keeps the same way: its values, a busy flag while the gateway
// answers, and what the last submit failed with: a field's own error (a FieldError, shown at that
// field) or anything else (shown as a notice). Editing any field clears
// both, because an error reports on what was submitted, not on a value no longer there.
import { useState, type FormEvent } from 'react';
import { FieldError } from './field-error.js';

export interface FormSubmission<V> {
  values: V;
  set: <K extends keyof V>(key: K, value: V[K]) => void;
  busy: boolean;
  error: unknown;
  fieldError: FieldError<V> | null;
  submit: (event: FormEvent) => Promise<void>;
  /** For aria-invalid: true on the field the last field error names. */
  invalid: (field: keyof V) => true | undefined;
}

/**
 * `onSubmit` may answer the values the form starts over with (a form that stays open for the next
 * entry); answering nothing keeps what was submitted.
 */
export function useFormSubmission<V extends object>(initial: V, onSubmit: (values: V) => Promise<V | void>): FormSubmission<V> {
  const [values, setValues] = useState(initial);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [fieldError, setFieldError] = useState<FieldError<V> | null>(null);
  const set = <K extends keyof V>(key: K, value: V[K]) => {
    setError(null);
    setFieldError(null);
    setValues((v) => ({ ...v, [key]: value }));
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setFieldError(null);
    try {
      const next = await onSubmit(values);
      if (next) setValues(next);
    } catch (e) {
      // The form's own parser threw it, so it names one of this form's fields.
      if (e instanceof FieldError) setFieldError(e as FieldError<V>);
      else setError(e);
    } finally {
      setBusy(false);
    }
  };
  const invalid = (field: keyof V) => (fieldError?.field === field ? true : undefined);
  return { values, set, busy, error, fieldError, submit, invalid };
}
