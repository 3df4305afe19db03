// The state every dashboard form keeps the same way: its values, a busy flag while the gateway
// answers, and what the last submit failed with: a field's own error (an instance of the form's
// error class, shown at that field) or anything else (shown as a notice). Editing any field clears
// both, because an error reports on what was submitted, not on a value no longer there.
import { useState, type FormEvent } from 'react';

export interface FormSubmission<V, E> {
  values: V;
  set: <K extends keyof V>(key: K, value: V[K]) => void;
  busy: boolean;
  error: unknown;
  fieldError: E | null;
  submit: (event: FormEvent) => Promise<void>;
  /** For aria-invalid: true on the field the last field error names. */
  invalid: (field: keyof V) => true | undefined;
}

/**
 * `onSubmit` may answer the values the form starts over with (a form that stays open for the next
 * entry); answering nothing keeps what was submitted.
 */
export function useFormSubmission<V extends object, E extends Error & { field: keyof V }>(
  initial: V,
  FieldError: abstract new (...args: never[]) => E,
  onSubmit: (values: V) => Promise<V | void>,
): FormSubmission<V, E> {
  const [values, setValues] = useState(initial);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [fieldError, setFieldError] = useState<E | null>(null);
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
      if (e instanceof FieldError) setFieldError(e);
      else setError(e);
    } finally {
      setBusy(false);
    }
  };
  const invalid = (field: keyof V) => (fieldError?.field === field ? true : undefined);
  return { values, set, busy, error, fieldError, submit, invalid };
}
