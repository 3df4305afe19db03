// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FieldError } from '../../../renderer/src/components/field-error.js';
import { LimitField } from '../../../renderer/src/components/LimitField.js';

afterEach(cleanup);

interface Values {
  maxBudget: string;
  rpm: string;
  models: string[];
}

function form(fieldError: FieldError<Values> | null = null) {
  return { values: { maxBudget: '5', rpm: '', models: [] }, set: vi.fn(), fieldError, invalid: (field: keyof Values) => (fieldError?.field === field ? (true as const) : undefined) };
}

describe('LimitField', () => {
  it('edits its own value, empty meaning no limit, described by its hint', () => {
    const f = form();
    render(<LimitField form={f} formId="f" field="maxBudget" label="Budget (USD)" decimal hint="Refused once spent." />);
    const input = screen.getByLabelText('Budget (USD)') as HTMLInputElement;
    expect(input.value).toBe('5');
    expect(input.placeholder).toBe('no limit');
    expect(input.inputMode).toBe('decimal');
    expect(input.getAttribute('aria-describedby')).toBe('f-maxBudget-hint');
    expect(input.getAttribute('aria-invalid')).toBeNull();
    fireEvent.change(input, { target: { value: '7.5' } });
    expect(f.set).toHaveBeenCalledWith('maxBudget', '7.5');
  });

  it('shows the field error that names it, invalid and described by the message first', () => {
    render(<LimitField form={form(new FieldError<Values>('rpm', 'A whole number, 0 or more.'))} formId="f" field="rpm" label="Requests per minute" hint="Per key." />);
    const input = screen.getByLabelText('Requests per minute') as HTMLInputElement;
    expect(input.inputMode).toBe('numeric');
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(input.getAttribute('aria-describedby')).toBe('f-err f-rpm-hint');
    expect(screen.getByRole('alert').textContent).toBe('A whole number, 0 or more.');
  });

  it("does not show another field's error", () => {
    render(<LimitField form={form(new FieldError<Values>('maxBudget', 'No.'))} formId="f" field="rpm" label="Requests per minute" />);
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.getByLabelText('Requests per minute').getAttribute('aria-describedby')).toBeNull();
  });
});
