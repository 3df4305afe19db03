// Give an app a rule, or edit one: a budget (optionally resetting on a schedule), rate limits,
// which of the gateway's models it may use and the one its "switchboard/active" requests go to,
// and whether it may call when only allowed apps may. An empty field means no limit. The app's
// name is typed only for a rule on an app that has not called yet (it must match what Usage shows).
import { useId } from 'react';
import { useFormSubmission } from '../../components/use-form-submission.js';
import { describeField } from '../../components/describe-field.js';
import { FieldErrorText } from '../../components/FieldErrorText.js';
import { LimitField } from '../../components/LimitField.js';
import { BudgetPeriodField } from '../../components/BudgetPeriodField.js';
import { ModelChecklist } from '../../components/ModelChecklist.js';
import { FormActions } from '../../components/FormActions.js';
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
  const form = useFormSubmission(initial, onSubmit);
  const { values, set, busy, error, fieldError, submit, invalid } = form;
  // A default model the gateway no longer serves stays selectable, so saving never drops it silently.
  const defaultChoices = [...new Set([...models, ...(values.defaultModel === '' ? [] : [values.defaultModel])])];
  const describedBy = (field: keyof AppFormValues, hint?: string) => describeField(id, fieldError, field, hint);
  const errorFor = (field: keyof AppFormValues) => <FieldErrorText formId={id} fieldError={fieldError} field={field} />;

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
        <LimitField form={form} formId={id} field="maxBudget" label="Budget (USD)" decimal hint="The app's requests are refused once it has spent it." />
        <BudgetPeriodField inputId={`${id}-period`} value={values.budgetDuration} onChange={(v) => set('budgetDuration', v)} />
        <LimitField form={form} formId={id} field="rpm" label="Requests per minute" />
        <LimitField form={form} formId={id} field="tpm" label="Tokens per minute" />
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
      <ModelChecklist
        legend="Models this app may use"
        models={models}
        chosen={values.models}
        onChange={(chosen) => set('models', chosen)}
        noModelsText="No models yet: the app will be allowed every model."
        onlyHintEnd="; other models are refused for this app."
      />
      <div className="field">
        <label className="check">
          <input type="checkbox" checked={values.allowed} onChange={(e) => set('allowed', e.target.checked)} aria-describedby={`${id}-allowed-hint`} /> Allowed when only allowed apps may call
        </label>
        <span id={`${id}-allowed-hint`} className="hint">
          Matters only when "Only allowed apps may call" is on in Settings (open mode, no admin key).
        </span>
      </div>
      <FormActions error={error} busy={busy} submitLabel={mode === 'create' ? 'Add rule' : 'Save rule'} onCancel={onCancel} />
    </form>
  );
}
