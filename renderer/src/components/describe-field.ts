// A field's aria-describedby: the field error's message when the error names this field (so a
// screen reader reads why the value was refused), then the field's hint if it has one.
import type { FieldError } from './field-error.js';

export function describeField<V>(formId: string, fieldError: FieldError<V> | null, field: keyof V, hintId?: string): string | undefined {
  return [fieldError?.field === field ? `${formId}-err` : null, hintId ?? null].filter(Boolean).join(' ') || undefined;
}
