// Create a key for an app, or edit its limits: which models it may use, a budget (optionally
// resetting on a schedule), rate limits and an expiry. An empty field means no limit.
import { useId } from 'react';
import { useFormSubmission } from '../../components/use-form-submission.js';
import { describeField } from '../../components/describe-field.js';
import { FieldErrorText } from '../../components/FieldErrorText.js';
import { LimitField } from '../../components/LimitField.js';
import { BudgetPeriodField } from '../../components/BudgetPeriodField.js';
import { ModelChecklist } from '../../components/ModelChecklist.js';
import { FormActions } from '../../components/FormActions.js';
import { EXPIRY_CHOICES, KEEP, type KeyFormValues } from './key-form-values.js';

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
  const form = useFormSubmission(initial, onSubmit);
  const { values, set, busy, error, fieldError, submit, invalid } = form;

  return (
    <form className="card form" onSubmit={(e) => void submit(e)} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{mode === 'create' ? 'Create a key' : `Edit ${initial.alias}`}</h2>
      <div className="form-grid">
        <div className="field">
          <label htmlFor={`${id}-alias`}>App name</label>
          <input id={`${id}-alias`} autoFocus value={values.alias} onChange={(e) => set('alias', e.target.value)} placeholder="e.g. cursor, my-script" aria-invalid={invalid('alias')} aria-describedby={describeField(id, fieldError, 'alias')} />
          <FieldErrorText formId={id} fieldError={fieldError} field="alias" />
        </div>
        <LimitField form={form} formId={id} field="maxBudget" label="Budget (USD)" decimal />
        <BudgetPeriodField inputId={`${id}-period`} value={values.budgetDuration} onChange={(v) => set('budgetDuration', v)} />
        <LimitField form={form} formId={id} field="rpm" label="Requests per minute" />
        <LimitField form={form} formId={id} field="tpm" label="Tokens per minute" />
        <LimitField form={form} formId={id} field="parallel" label="Parallel requests" />
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
      <ModelChecklist
        legend="Models this key may use"
        models={models}
        chosen={values.models}
        onChange={(chosen) => set('models', chosen)}
        noModelsText="No models yet: the key will be allowed every model."
        onlyHintEnd="."
      />
      <FormActions error={error} busy={busy} submitLabel={mode === 'create' ? 'Create key' : 'Save changes'} onCancel={onCancel} />
    </form>
  );
}
