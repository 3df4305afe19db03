// Give an app a rule, or edit one: a budget (optionally resetting on a schedule), rate limits,
// which of the gateway's models it may use and the one its "switchboard/active" requests go to,
// and whether it may call when only allowed apps may. An empty field means no limit. The app's
// name is typed only for a rule on an app that has not called yet (it must match what Usage shows).
import { useId } from 'react';
import { useFormSubmission } from '../../components/use-form-submission.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { BUDGET_PERIODS } from '../keys/key-form-values.js';
import { type AppFormValues } from './app-form-values.js';

export interface AppFormProps {
  mode: 'create' | 'edit';
  initial: AppFormValues;
  /** The gateway's model groups the app may be limited to or sent to by default. */
  models: readonly string[];
  onSubmit: (values: AppFormValues) => Promise<void>;
  onCancel: () => void;
}

export function AppForm({ mode, initial, models, onSubmit, onCancel }: AppFormProps) {
  const id = useId();
  const { values, set, busy, error, fieldError, submit, invalid } = useFormSubmission(initial, onSubmit);
  const toggleModel = (model: string) => set('models', values.models.includes(model) ? values.models.filter((m) => m !== model) : [...values.models, model]);
  // Models the rule names that are no longer served stay listed, so saving never drops them silently.
  const choices = [...new Set([...models, ...values.models])];
  const defaultChoices = [...new Set([...models, ...(values.defaultModel === '' ? [] : [values.defaultModel])])];
  const describedBy = (field: keyof AppFormValues, hint?: string) => [fieldError?.field === field ? `${id}-err` : null, hint ?? null].filter(Boolean).join(' ') || undefined;
  const errorFor = (field: keyof AppFormValues) =>
    fieldError?.field === field ? (
      <p id={`${id}-err`} className="field-error" role="alert">
        {fieldError.message}
      </p>
    ) : null;
  const numberField = (field: 'maxBudget' | 'rpm' | 'tpm', label: string, decimal: boolean, hint?: string) => (
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
      <h2 id={`${id}-title`}>{mode === 'create' ? 'Add a rule for an app' : `Rule for ${initial.app}`}</h2>
      <p className="muted small">Applies to the app's requests without a key; a request that presents a key follows the key's own limits.</p>
      <div className="form-grid">
        {mode === 'create' ? (
          <div className="field">
            <label htmlFor={`${id}-app`}>App name</label>
            <input
              id={`${id}-app`}
              autoFocus
              value={values.app}
              onChange={(e) => set('app', e.target.value)}
              placeholder="e.g. sync_notes.py, QwenCode"
              aria-invalid={invalid('app')}
              aria-describedby={describedBy('app', `${id}-app-hint`)}
            />
            <p id={`${id}-app-hint`} className="hint">
              As Usage and Logs will show it: the program's name, or its User-Agent product.
            </p>
            {errorFor('app')}
          </div>
        ) : null}
        {numberField('maxBudget', 'Budget (USD)', true, "The app's requests are refused once it has spent it.")}
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
        {numberField('rpm', 'Requests per minute', false)}
        {numberField('tpm', 'Tokens per minute', false)}
        <div className="field">
          <label htmlFor={`${id}-default`}>Default model</label>
          <select id={`${id}-default`} value={values.defaultModel} onChange={(e) => set('defaultModel', e.target.value)} aria-invalid={invalid('defaultModel')} aria-describedby={describedBy('defaultModel', `${id}-default-hint`)}>
            <option value="">The active model</option>
            {defaultChoices.map((model) => (
              <option key={model} value={model}>
                {model}
              </option>
            ))}
          </select>
          <p id={`${id}-default-hint`} className="hint">
            Where this app's requests for "switchboard/active" go; the active model is the one the tray or the Models page points at.
          </p>
          {errorFor('defaultModel')}
        </div>
      </div>
      <fieldset className="models-choice">
        <legend>Models this app may use</legend>
        {choices.length === 0 ? <p className="muted small">No models yet: the app will be allowed every model.</p> : null}
        <div className="checks">
          {choices.map((model) => (
            <label key={model} className="check">
              <input type="checkbox" checked={values.models.includes(model)} onChange={() => toggleModel(model)} /> {model}
            </label>
          ))}
        </div>
        <p className="hint">{values.models.length === 0 ? 'None ticked: every model, including ones added later.' : `Only ${values.models.join(', ')}; other models are refused for this app.`}</p>
      </fieldset>
      <div className="field">
        <label className="check">
          <input type="checkbox" checked={values.allowed} onChange={(e) => set('allowed', e.target.checked)} aria-describedby={`${id}-allowed-hint`} /> Allowed when only allowed apps may call
        </label>
        <span id={`${id}-allowed-hint`} className="hint">
          Matters only when "Only allowed apps may call" is on in Settings (open mode, no admin key).
        </span>
      </div>
      {error ? <ErrorNotice error={error} /> : null}
      <div className="actions">
        <button type="submit" className="button-primary" disabled={busy}>
          {busy ? 'Saving…' : mode === 'create' ? 'Add rule' : 'Save rule'}
        </button>
        <button type="button" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
      </div>
    </form>
  );
}
