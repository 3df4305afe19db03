// Create a key for an app, or edit its limits: which models it may use, a budget (optionally
// resetting on a schedule), rate limits and an expiry. An empty field means no limit.
import { useId } from 'react';
import { useFormSubmission } from '../../components/use-form-submission.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { BUDGET_PERIODS, EXPIRY_CHOICES, KEEP, type KeyFormValues } from './key-form-values.js';

export interface KeyFormProps {
  mode: 'create' | 'edit';
  initial: KeyFormValues;
  /** Model groups the key may be limited to. */
  models: readonly string[];
  onSubmit: (values: KeyFormValues) => Promise<void>;
  onCancel: () => void;
  /** Teams and users a new key may belong to; the choice is offered when creating a key and there are any. */
  owners?: KeyOwnerChoices;
}

export interface KeyOwnerChoices {
  teams: readonly { id: string; name: string }[];
  users: readonly { id: string; name: string }[];
}

export function KeyForm({ mode, initial, models, onSubmit, onCancel, owners }: KeyFormProps) {
  const id = useId();
  const { values, set, busy, error, fieldError, submit, invalid } = useFormSubmission(initial, onSubmit);
  const toggleModel = (model: string) => set('models', values.models.includes(model) ? values.models.filter((m) => m !== model) : [...values.models, model]);
  // Models the key names that no longer exist stay listed, so saving never drops them silently.
  const choices = [...new Set([...models, ...values.models])];
  const errorFor = (field: keyof KeyFormValues) =>
    fieldError?.field === field ? (
      <p id={`${id}-err`} className="field-error" role="alert">
        {fieldError.message}
      </p>
    ) : null;
  const describedBy = (field: keyof KeyFormValues) => (fieldError?.field === field ? `${id}-err` : undefined);

  return (
    <form className="card form" onSubmit={(e) => void submit(e)} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{mode === 'create' ? 'Create a key' : `Edit ${initial.alias}`}</h2>
      <div className="form-grid">
        <div className="field">
          <label htmlFor={`${id}-alias`}>App name</label>
          <input id={`${id}-alias`} autoFocus value={values.alias} onChange={(e) => set('alias', e.target.value)} placeholder="e.g. cursor, my-script" aria-invalid={invalid('alias')} aria-describedby={describedBy('alias')} />
          {errorFor('alias')}
        </div>
        <div className="field">
          <label htmlFor={`${id}-budget`}>Budget (USD)</label>
          <input id={`${id}-budget`} value={values.maxBudget} onChange={(e) => set('maxBudget', e.target.value)} inputMode="decimal" placeholder="no limit" aria-invalid={invalid('maxBudget')} aria-describedby={describedBy('maxBudget')} />
          {errorFor('maxBudget')}
        </div>
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
        <div className="field">
          <label htmlFor={`${id}-rpm`}>Requests per minute</label>
          <input id={`${id}-rpm`} value={values.rpm} onChange={(e) => set('rpm', e.target.value)} inputMode="numeric" placeholder="no limit" aria-invalid={invalid('rpm')} aria-describedby={describedBy('rpm')} />
          {errorFor('rpm')}
        </div>
        <div className="field">
          <label htmlFor={`${id}-tpm`}>Tokens per minute</label>
          <input id={`${id}-tpm`} value={values.tpm} onChange={(e) => set('tpm', e.target.value)} inputMode="numeric" placeholder="no limit" aria-invalid={invalid('tpm')} aria-describedby={describedBy('tpm')} />
          {errorFor('tpm')}
        </div>
        <div className="field">
          <label htmlFor={`${id}-parallel`}>Parallel requests</label>
          <input id={`${id}-parallel`} value={values.parallel} onChange={(e) => set('parallel', e.target.value)} inputMode="numeric" placeholder="no limit" aria-invalid={invalid('parallel')} aria-describedby={describedBy('parallel')} />
          {errorFor('parallel')}
        </div>
        <div className="field">
          <label htmlFor={`${id}-expires`}>Expires</label>
          <select id={`${id}-expires`} value={values.expiresIn} onChange={(e) => set('expiresIn', e.target.value)}>
            {mode === 'edit' ? <option value={KEEP}>Keep as is</option> : null}
            {EXPIRY_CHOICES.map((c) => (
              <option key={c.value} value={c.value}>
                {c.label}
              </option>
            ))}
          </select>
        </div>
        {mode === 'create' && owners !== undefined && owners.teams.length > 0 ? (
          <div className="field">
            <label htmlFor={`${id}-team`}>Team</label>
            <select id={`${id}-team`} value={values.teamId} onChange={(e) => set('teamId', e.target.value)} aria-describedby={`${id}-team-hint`}>
              <option value="">No team</option>
              {owners.teams.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name}
                </option>
              ))}
            </select>
            <p id={`${id}-team-hint`} className="hint">
              Its spend counts against the team's budget; its models must be among the team's.
            </p>
          </div>
        ) : null}
        {mode === 'create' && owners !== undefined && owners.users.length > 0 ? (
          <div className="field">
            <label htmlFor={`${id}-user`}>User</label>
            <select id={`${id}-user`} value={values.userId} onChange={(e) => set('userId', e.target.value)}>
              <option value="">No user</option>
              {owners.users.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.name}
                </option>
              ))}
            </select>
          </div>
        ) : null}
      </div>
      <fieldset className="models-choice">
        <legend>Models this key may use</legend>
        {choices.length === 0 ? <p className="muted small">No models yet: the key will be allowed every model.</p> : null}
        <div className="checks">
          {choices.map((model) => (
            <label key={model} className="check">
              <input type="checkbox" checked={values.models.includes(model)} onChange={() => toggleModel(model)} /> {model}
            </label>
          ))}
        </div>
        <p className="hint">{values.models.length === 0 ? 'None ticked: every model, including ones added later.' : `Only ${values.models.join(', ')}.`}</p>
      </fieldset>
      {error ? <ErrorNotice error={error} /> : null}
      <div className="actions">
        <button type="submit" className="button-primary" disabled={busy}>
          {busy ? 'Saving…' : mode === 'create' ? 'Create key' : 'Save changes'}
        </button>
        <button type="button" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
      </div>
    </form>
  );
}
