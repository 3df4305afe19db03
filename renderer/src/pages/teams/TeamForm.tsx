// Create a team or edit it: its name, a budget (optionally resetting on a schedule) and a soft
// budget that only warns, which of the gateway's models its keys may use, each member's default
// budget in the team, and rate limits. An empty field means no limit.
import { useId } from 'react';
import { useFormSubmission } from '../../components/use-form-submission.js';
import { describeField } from '../../components/describe-field.js';
import { FieldErrorText } from '../../components/FieldErrorText.js';
import { LimitField } from '../../components/LimitField.js';
import { BudgetPeriodField } from '../../components/BudgetPeriodField.js';
import { ModelChecklist } from '../../components/ModelChecklist.js';
import { FormActions } from '../../components/FormActions.js';
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
  const form = useFormSubmission(initial, onSubmit);
  const { values, set, busy, error, fieldError, submit, invalid } = form;

  return (
    <form className="card form" onSubmit={(e) => void submit(e)} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{mode === 'create' ? 'Create a team' : `Edit ${initial.alias}`}</h2>
      <div className="form-grid">
        <div className="field">
          <label htmlFor={`${id}-alias`}>Team name</label>
          <input id={`${id}-alias`} autoFocus value={values.alias} onChange={(e) => set('alias', e.target.value)} placeholder="e.g. research, client-acme" aria-invalid={invalid('alias')} aria-describedby={describeField(id, fieldError, 'alias')} />
          <FieldErrorText formId={id} fieldError={fieldError} field="alias" />
        </div>
        <LimitField form={form} formId={id} field="maxBudget" label="Team budget (USD)" decimal hint="Requests are refused once the team has spent it." />
        <LimitField form={form} formId={id} field="softBudget" label="Soft budget (USD)" decimal hint="Warns at 80% and 100%; requests are still served." />
        <BudgetPeriodField inputId={`${id}-period`} value={values.budgetDuration} onChange={(v) => set('budgetDuration', v)} />
        <LimitField form={form} formId={id} field="memberBudget" label="Budget per member (USD)" decimal hint="Each member's default budget in this team." />
        <LimitField form={form} formId={id} field="rpm" label="Requests per minute" />
        <LimitField form={form} formId={id} field="tpm" label="Tokens per minute" />
      </div>
      <ModelChecklist
        legend="Models this team's keys may use"
        models={models}
        chosen={values.models}
        onChange={(chosen) => set('models', chosen)}
        noModelsText="No models yet: the team will be allowed every model."
        onlyHintEnd="; a key of this team may not name others."
      />
      <FormActions error={error} busy={busy} submitLabel={mode === 'create' ? 'Create team' : 'Save changes'} onCancel={onCancel} />
    </form>
  );
}
