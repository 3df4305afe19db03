import { describe, expect, it } from 'vitest';
import { EMPTY_KEY_FORM, KEEP, keyFormFromDescription, toKeyFields, type KeyFormValues } from '../../../../renderer/src/pages/keys/key-form-values.js';
import { keyFieldsSchema } from '../../../../shared/api/key-schemas.js';
import { sampleKey } from '../../fake-api.js';
import { FieldError } from '../../../../renderer/src/components/field-error.js';

describe('key form values', () => {
  it('sends only what was set on create, and a budget period only with a budget', () => {
    expect(toKeyFields({ ...EMPTY_KEY_FORM, alias: 'app', budgetDuration: '1d' }, 'create')).toEqual({ key_alias: 'app', models: [] });
    const fields = toKeyFields({ ...EMPTY_KEY_FORM, alias: 'app', maxBudget: '12.5', budgetDuration: '1d', tpm: '1000', parallel: '2', expiresIn: '30d' }, 'create');
    expect(fields).toEqual({ key_alias: 'app', models: [], max_budget: 12.5, budget_duration: '1d', tpm_limit: 1000, max_parallel_requests: 2, duration: '30d' });
    expect(keyFieldsSchema.safeParse(fields).success).toBe(true);
  });

  it('on edit sends cleared limits as null and leaves the schedule and expiry alone unless changed', () => {
    const before = keyFormFromDescription(sampleKey({ budget_duration: '30d', rpm_limit: 10, expires: '2027-01-01T00:00:00.000Z' }));
    expect(before.expiresIn).toBe(KEEP);
    const fields = toKeyFields({ ...before, rpm: '' }, 'edit', before);
    expect(fields).toEqual({ key_alias: 'cursor', models: [], max_budget: 2, rpm_limit: null, tpm_limit: null, max_parallel_requests: null });
    expect(toKeyFields({ ...before, budgetDuration: '', expiresIn: '' }, 'edit', before)).toMatchObject({ budget_duration: null, duration: null });
  });

  it.each([
    [{ alias: '' }, 'alias'],
    [{ maxBudget: '-1' }, 'maxBudget'],
    [{ rpm: '1.5' }, 'rpm'],
    [{ tpm: 'lots' }, 'tpm'],
    [{ parallel: '-2' }, 'parallel'],
  ])('refuses %j naming the field', (change, field) => {
    expect(() => toKeyFields({ ...EMPTY_KEY_FORM, alias: 'a', ...change }, 'create')).toThrow(FieldError);
    try {
      toKeyFields({ ...EMPTY_KEY_FORM, alias: 'a', ...change }, 'create');
    } catch (e) {
      expect((e as FieldError<KeyFormValues>).field).toBe(field);
    }
  });

describe('toKeyFields: the owners of a new key', () => {
  it('sends the chosen team and user on create, and neither when none is chosen', () => {
    expect(toKeyFields({ ...EMPTY_KEY_FORM, alias: 'ann-laptop', teamId: 'team-1', userId: 'ann' }, 'create')).toEqual({ key_alias: 'ann-laptop', models: [], team_id: 'team-1', user_id: 'ann' });
    expect(toKeyFields({ ...EMPTY_KEY_FORM, alias: 'solo' }, 'create')).toEqual({ key_alias: 'solo', models: [] });
  });

  it('never moves a key to another owner on edit (the edit form does not offer it)', () => {
    const before = keyFormFromDescription(sampleKey({ team_id: 'team-1', user_id: 'ann' }));
    expect(before).toMatchObject({ teamId: 'team-1', userId: 'ann' });
    const fields = toKeyFields({ ...before, teamId: '' }, 'edit', before);
    expect(fields).not.toHaveProperty('team_id');
    expect(fields).not.toHaveProperty('user_id');
  });
});
});
