// A limit typed as a number: a budget, a rate limit, parallel requests. Empty means no limit (the
// placeholder says so); the form's parser checks the number and throws a FieldError naming it.
import { describeField } from './describe-field.js';
import { FieldErrorText } from './FieldErrorText.js';
import type { FormSubmission } from './use-form-submission.js';

/** The fields of a form's values that hold text, the ones an input can edit. */
export type TextFieldOf<V> = { [K in keyof V]: V[K] extends string ? K : never }[keyof V];

export interface LimitFieldProps<V> {
  form: Pick<FormSubmission<V>, 'values' | 'set' | 'fieldError' | 'invalid'>;
  /** The form's useId(); the input's id is `${formId}-${field}`. */
  formId: string;
  field: TextFieldOf<V>;
  label: string;
  /** Money takes decimals; counts do not (the keyboard offered on touch screens). */
  decimal?: boolean;
  hint?: string;
}

export function LimitField<V>({ form, formId, field, label, decimal, hint }: LimitFieldProps<V>) {
  const inputId = `${formId}-${String(field)}`;
  const hintId = hint ? `${inputId}-hint` : undefined;
  return (
    <div className="field">
      <label htmlFor={inputId}>{label}</label>
      <input
        id={inputId}
        value={form.values[field] as string}
        onChange={(e) => form.set(field, e.target.value as V[TextFieldOf<V>])}
        inputMode={decimal ? 'decimal' : 'numeric'}
        placeholder="no limit"
        aria-invalid={form.invalid(field)}
        aria-describedby={describeField(formId, form.fieldError, field, hintId)}
      />
      {hint ? (
        <p id={hintId} className="hint">
          {hint}
        </p>
      ) : null}
      <FieldErrorText formId={formId} fieldError={form.fieldError} field={field} />
    </div>
  );
}
