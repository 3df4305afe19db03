import { describe, expect, it } from 'vitest';
import { EMPTY_APP_FORM, appFormFromDescription, toAppRuleUpdate, toNewAppRule, type AppFormValues } from '../../../../renderer/src/pages/apps/app-form-values.js';
import { appUpdateRequestSchema } from '../../../../shared/api/app-schemas.js';
import { sampleApp } from '../../fake-api.js';
import { FieldError } from '../../../../renderer/src/components/field-error.js';

describe('toNewAppRule', () => {
  it('sends only what was filled in, the budget in USD and limits as integers, valid for /app/update', () => {
    const request = toNewAppRule({ ...EMPTY_APP_FORM, app: ' sync_notes.py ', maxBudget: '0.5', budgetDuration: '1d', rpm: '30', tpm: '', models: ['fast'], defaultModel: 'fast', allowed: true });
    expect(request).toEqual({ app: 'sync_notes.py', max_budget: 0.5, budget_duration: '1d', rpm_limit: 30, models: ['fast'], default_model: 'fast', allowed: true });
    expect(appUpdateRequestSchema.safeParse(request).success).toBe(true);
  });

  it('sends a bare app when only the name is given (not allowed, every model, no limit)', () => {
    expect(toNewAppRule({ ...EMPTY_APP_FORM, app: 'QwenCode' })).toEqual({ app: 'QwenCode' });
  });

  it.each([
    [{ app: '  ' }, 'app'],
    [{ app: 'x'.repeat(257) }, 'app'],
    [{ app: 'a', maxBudget: '-1' }, 'maxBudget'],
    [{ app: 'a', maxBudget: 'ten' }, 'maxBudget'],
    [{ app: 'a', rpm: '1.5' }, 'rpm'],
    [{ app: 'a', tpm: '-3' }, 'tpm'],
  ] as const)('refuses %j naming the field %s', (values, field) => {
    let error: unknown;
    try {
      toNewAppRule({ ...EMPTY_APP_FORM, ...values });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FieldError);
    expect((error as FieldError<AppFormValues>).field).toBe(field);
  });
});

describe('toAppRuleUpdate', () => {
  const app = sampleApp({ max_budget: 2, budget_duration: '1mo', rpm_limit: 60, tpm_limit: 1000, models: ['fast'], default_model: 'fast', allowed: true, has_rule: true });

  it('reads a listed app into the form and sends it back unchanged, leaving the untouched budget period out', () => {
    const before = appFormFromDescription(app);
    expect(before).toEqual({ app: 'sync_notes.py', maxBudget: '2', budgetDuration: '1mo', rpm: '60', tpm: '1000', models: ['fast'], defaultModel: 'fast', allowed: true });
    const request = toAppRuleUpdate(before, before);
    expect(request).toEqual({ app: 'sync_notes.py', max_budget: 2, rpm_limit: 60, tpm_limit: 1000, models: ['fast'], default_model: 'fast', allowed: true });
    expect(appUpdateRequestSchema.safeParse(request).success).toBe(true);
  });

  it('clears emptied fields with null, every model with [], and the default model with null', () => {
    const before = appFormFromDescription(app);
    const request = toAppRuleUpdate({ ...before, maxBudget: '', rpm: ' ', tpm: '', models: [], defaultModel: '', allowed: false }, before);
    expect(request).toEqual({ app: 'sync_notes.py', max_budget: null, rpm_limit: null, tpm_limit: null, models: [], default_model: null, allowed: false });
  });

  it('sends a changed budget period, and null for "never resets"', () => {
    const before = appFormFromDescription(app);
    expect(toAppRuleUpdate({ ...before, budgetDuration: '1d' }, before).budget_duration).toBe('1d');
    expect(toAppRuleUpdate({ ...before, budgetDuration: '' }, before).budget_duration).toBeNull();
  });

  it('keeps the app it edits even if the name field was changed (the name is not editable)', () => {
    const before = appFormFromDescription(app);
    expect(toAppRuleUpdate({ ...before, app: 'other' }, before).app).toBe('sync_notes.py');
  });
});
