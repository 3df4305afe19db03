// The message of a form's field error, shown under the field it names (and nowhere else). Its id,
// `${formId}-err`, is what the field's aria-describedby points at (see describeField).
import type { FieldError } from './field-error.js';

export interface FieldErrorTextProps<V> {
  formId: string;
  fieldError: FieldError<V> | null;
  field: keyof V;
}

export function FieldErrorText<V>({ formId, fieldError, field }: FieldErrorTextProps<V>) {
  return fieldError?.field === field ? (
    <p id={`${formId}-err`} className="field-error" role="alert">
      {fieldError.message}
    </p>
  ) : null;
}
