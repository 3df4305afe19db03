// A limit typed into a form: empty means none (null); otherwise a number, 0 or more, and whole when
// `integer`. Anything else throws a FieldError naming the field, shown there by the form.
import { FieldError } from './field-error.js';

export function optionalNumber<K extends PropertyKey>(text: string, field: K, message: string, integer: boolean): number | null {
  if (text.trim() === '') return null;
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0 || (integer && !Number.isSafeInteger(n))) throw new FieldError<Record<K, unknown>>(field, message);
  return n;
}
