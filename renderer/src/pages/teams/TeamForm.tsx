// Create a team or edit it: its name, a budget (optionally resetting on a schedule) and a soft
// budget that only warns, which of the gateway's models its keys may use, each member's default
// budget in the team, and rate limits. An empty field means no limit.
import { useId } from 'react';
import { useFormSubmission } from '../../components/use-form-submission.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { BUDGET_PERIODS } from '../keys/key-form-values.js';
import { type TeamFormValues } from './team-form-values.js';

export interface TeamFormProps {
  mode: 'create' | 'edit';
  initial: TeamFormValues;
  /** The gateway's model groups the team may be limited to. */
  models: readonly string[];
  onSubmit: (values: TeamFormValues) => Promise<void>;
  onCancel: () => void;
}

export function TeamForm({ mode, initial, models, onSubmit, onCancel }: TeamFormProps) {
  const id = useId();
  const { values, set, busy, error, fieldError, submit, invalid } = useFormSubmission(initial, onSubmit);
  const toggleModel = (model: string) => set('models', values.models.includes(model) ? values.models.filter((m) => m !== model) : [...values.models, model]);
  // Models the team names that no longer exist stay listed, so saving never drops them silently.
  const choices = [...new Set([...models, ...values.models])];
  const describedBy = (field: keyof TeamFormValues, hint?: string) => [fieldError?.field === field ? `${id}-err` : null, hint ?? null].filter(Boolean).join(' ') || undefined;
  const errorFor = (field: keyof TeamFormValues) =>
    fieldError?.field === field ? (
      <p id={`${id}-err`} className="field-error" role="alert">
        {fieldError.message}
      </p>
    ) : null;
  const numberField = (field: 'maxBudget' | 'softBudget' | 'memberBudget' | 'rpm' | 'tpm', label: string, decimal: boolean, hint?: string) => (
    <div className="field">
      <label htmlFor={`${id}-${field}`}>{label}</label>
      <input
        id={`${id}-${field}`}
        value={values[field]}
        onChange={(e) => set(field, e.target.value)}
        inputMode={decimal ? 'decimal' : 'numeric'}
        placeholder="no limit"
        aria-invalid={invalid(field)}
        aria-describedby={describedBy(field, hint ? `${id}-${field}-hint` : undefined)}
      />
      {hint ? (
        <p id={`${id}-${field}-hint`} className="hint">
          {hint}
        </p>
      ) : null}
      {errorFor(field)}
    </div>
  );

  return (
    <form className="card form" onSubmit={(e) => void submit(e)} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{mode === 'create' ? 'Create a team' : `Edit ${initial.alias}`}</h2>
      <div className="form-grid">
        <div className="field">
          <label htmlFor={`${id}-alias`}>Team name</label>
          <input id={`${id}-alias`} autoFocus value={values.alias} onChange={(e) => set('alias', e.target.value)} placeholder="e.g. research, client-acme" aria-invalid={invalid('alias')} aria-describedby={describedBy('alias')} />
          {errorFor('alias')}
        </div>
        {numberField('maxBudget', 'Team budget (USD)', true, 'Requests are refused once the team has spent it.')}
        {numberField('softBudget', 'Soft budget (USD)', true, 'Warns at 80% and 100%; requests are still served.')}
        <div className="field">
          <label htmlFor={`${id}-period`}>Budget period</label>
          <select id={`${id}-period`} value={values.budgetDuration} onChange={(e) => set('budgetDuration', e.target.value)}>
            {BUDGET_PERIODS.map((p) => (
              <option key={p.value} value={p.value}>
                {p.label}
              </option>
            ))}
            {BUDGET_PERIODS.some((p) => p.value === values.budgetDuration) ? null : <option value={values.budgetDuration}>Resets every {values.budgetDuration}</option>}
          </select>
        </div>
        {numberField('memberBudget', 'Budget per member (USD)', true, "Each member's default budget in this team.")}
        {numberField('rpm', 'Requests per minute', false)}
        {numberField('tpm', 'Tokens per minute', false)}
      </div>
      <fieldset className="models-choice">
        <legend>Models this team's keys may use</legend>
        {choices.length === 0 ? <p className="muted small">No models yet: the team will be allowed every model.</p> : null}
        <div className="checks">
          {choices.map((model) => (
            <label key={model} className="check">
              <input type="checkbox" checked={values.models.includes(model)} onChange={() => toggleModel(model)} /> {model}
            </label>
          ))}
        </div>
        <p className="hint">{values.models.length === 0 ? 'None ticked: every model, including ones added later.' : `Only ${values.models.join(', ')}; a key of this team may not name others.`}</p>
      </fieldset>
      {error ? <ErrorNotice error={error} /> : null}
      <div className="actions">
        <button type="submit" className="button-primary" disabled={busy}>
          {busy ? 'Saving…' : mode === 'create' ? 'Create team' : 'Save changes'}
        </button>
        <button type="button" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
      </div>
    </form>
  );
}
