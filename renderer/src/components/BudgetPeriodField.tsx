// When a budget starts over: never, or one of the usual periods. A period the gateway holds that
// the list does not offer (set through the API, e.g. "45d") stays selectable, so saving keeps it.
import { BUDGET_PERIODS } from '../pages/keys/key-form-values.js';

export interface BudgetPeriodFieldProps {
  inputId: string;
  value: string;
  onChange: (value: string) => void;
}

export function BudgetPeriodField({ inputId, value, onChange }: BudgetPeriodFieldProps) {
  return (
    <div className="field">
      <label htmlFor={inputId}>Budget period</label>
      <select id={inputId} value={value} onChange={(e) => onChange(e.target.value)}>
        {BUDGET_PERIODS.map((p) => (
          <option key={p.value} value={p.value}>
            {p.label}
          </option>
        ))}
        {BUDGET_PERIODS.some((p) => p.value === value) ? null : <option value={value}>Resets every {value}</option>}
      </select>
    </div>
  );
}
