// Add or edit a dashboard-managed model: provider, the model's name at the provider, base URL,
// where its key lives (a keychain entry or an environment variable, never the key itself) and
// prices. The gateway validates again and its message is shown next to the form.
import { useId } from 'react';
import { useFormSubmission } from '../../components/use-form-submission.js';
import { describeField } from '../../components/describe-field.js';
import { FieldErrorText } from '../../components/FieldErrorText.js';
import { FormActions } from '../../components/FormActions.js';
import { findProvider, PROVIDER_CHOICES } from './provider-choices.js';
import { type KeySource, type ModelFormValues } from './model-form-values.js';

export interface ModelFormProps {
  initial: ModelFormValues;
  mode: 'add' | 'edit';
  /** Keychain entries the gateway knows of (for the key picker); empty when unavailable. */
  keychainNames: readonly string[];
  onSubmit: (values: ModelFormValues) => Promise<void>;
  onCancel: () => void;
}

export function ModelForm({ initial, mode, keychainNames, onSubmit, onCancel }: ModelFormProps) {
  const id = useId();
  const { values, set, busy, error, fieldError, submit } = useFormSubmission(initial, onSubmit);
  const provider = findProvider(values.provider);

  const describedBy = (field: keyof ModelFormValues) => describeField(id, fieldError, field);
  const fieldErrorText = (field: keyof ModelFormValues) => <FieldErrorText formId={id} fieldError={fieldError} field={field} />;

  return (
    <form className="card form" onSubmit={(e) => void submit(e)} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{mode === 'add' ? 'Add a model' : `Edit ${initial.modelName}`}</h2>
      <div className="form-grid">
        <div className="field">
          <label htmlFor={`${id}-name`}>Model name</label>
          <input id={`${id}-name`} autoFocus value={values.modelName} onChange={(e) => set('modelName', e.target.value)} placeholder="e.g. fast" aria-describedby={describedBy('modelName') ?? `${id}-name-hint`} aria-invalid={fieldError?.field === 'modelName' || undefined} />
          <span id={`${id}-name-hint`} className="hint">What apps send as "model". Several deployments may share one name.</span>
          {fieldErrorText('modelName')}
        </div>
        <div className="field">
          <label htmlFor={`${id}-provider`}>Provider</label>
          <select id={`${id}-provider`} value={values.provider} onChange={(e) => set('provider', e.target.value)}>
            {PROVIDER_CHOICES.map((p) => (
              <option key={p.prefix} value={p.prefix}>
                {p.label}
              </option>
            ))}
            {provider ? null : <option value={values.provider}>{values.provider}</option>}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-upstream`}>Model at the provider</label>
          <input id={`${id}-upstream`} value={values.upstreamModel} onChange={(e) => set('upstreamModel', e.target.value)} placeholder={provider?.example ?? ''} spellCheck={false} aria-describedby={describedBy('upstreamModel')} aria-invalid={fieldError?.field === 'upstreamModel' || undefined} />
          {fieldErrorText('upstreamModel')}
        </div>
        <div className="field">
          <label htmlFor={`${id}-base`}>Base URL</label>
          <input id={`${id}-base`} value={values.apiBase} onChange={(e) => set('apiBase', e.target.value)} placeholder={provider?.defaultApiBase ?? 'https://… (required)'} spellCheck={false} inputMode="url" />
          <span className="hint">{provider?.defaultApiBase ? 'Leave empty for the default shown.' : 'Required for this provider.'}</span>
        </div>
        {provider?.needsApiVersion || values.apiVersion !== '' ? (
          <div className="field">
            <label htmlFor={`${id}-version`}>API version</label>
            <input id={`${id}-version`} value={values.apiVersion} onChange={(e) => set('apiVersion', e.target.value)} placeholder="2024-10-21" />
          </div>
        ) : null}
        <div className="field">
          <label htmlFor={`${id}-keysource`}>Provider key</label>
          <select id={`${id}-keysource`} value={values.keySource} onChange={(e) => set('keySource', e.target.value as KeySource)}>
            <option value="none">None (local server)</option>
            <option value="keychain">From the OS keychain</option>
            <option value="env">From an environment variable</option>
          </select>
        </div>
        {values.keySource !== 'none' ? (
          <div className="field">
            <label htmlFor={`${id}-keyname`}>{values.keySource === 'env' ? 'Variable name' : 'Keychain entry'}</label>
            <input
              id={`${id}-keyname`}
              value={values.keyName}
              onChange={(e) => set('keyName', e.target.value)}
              list={values.keySource === 'keychain' ? `${id}-keychain` : undefined}
              placeholder={values.keySource === 'env' ? 'OPENAI_API_KEY' : 'openai'}
              spellCheck={false}
              aria-describedby={describedBy('keyName')}
              aria-invalid={fieldError?.field === 'keyName' || undefined}
            />
            <datalist id={`${id}-keychain`}>
              {keychainNames.map((n) => (
                <option key={n} value={n} />
              ))}
            </datalist>
            {fieldErrorText('keyName')}
          </div>
        ) : null}
        <div className="field">
          <label htmlFor={`${id}-in`}>Input price (USD per 1M tokens)</label>
          <input id={`${id}-in`} value={values.inputPrice} onChange={(e) => set('inputPrice', e.target.value)} inputMode="decimal" placeholder={provider?.local ? '0 (local)' : 'from the price list'} aria-describedby={describedBy('inputPrice')} aria-invalid={fieldError?.field === 'inputPrice' || undefined} />
          {fieldErrorText('inputPrice')}
        </div>
        <div className="field">
          <label htmlFor={`${id}-out`}>Output price (USD per 1M tokens)</label>
          <input id={`${id}-out`} value={values.outputPrice} onChange={(e) => set('outputPrice', e.target.value)} inputMode="decimal" placeholder={provider?.local ? '0 (local)' : 'from the price list'} aria-describedby={describedBy('outputPrice')} aria-invalid={fieldError?.field === 'outputPrice' || undefined} />
          {fieldErrorText('outputPrice')}
        </div>
        <div className="field">
          <label htmlFor={`${id}-ctx`}>Context window (tokens)</label>
          <input id={`${id}-ctx`} value={values.maxInputTokens} onChange={(e) => set('maxInputTokens', e.target.value)} inputMode="numeric" placeholder="optional" aria-describedby={describedBy('maxInputTokens')} aria-invalid={fieldError?.field === 'maxInputTokens' || undefined} />
          {fieldErrorText('maxInputTokens')}
        </div>
      </div>
      <FormActions error={error} busy={busy} submitLabel={mode === 'add' ? 'Add model' : 'Save changes'} onCancel={onCancel} />
    </form>
  );
}
