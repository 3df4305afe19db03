import { describe, expect, it } from 'vitest';
import { EMPTY_TEAM_FORM, teamFormFromDescription, toTeamNewRequest, toTeamUpdateFields, type TeamFormValues } from '../../../../renderer/src/pages/teams/team-form-values.js';
import { teamNewRequestSchema, teamUpdateRequestSchema } from '../../../../shared/api/team-schemas.js';
import { sampleTeam } from '../../fake-api.js';
import { FieldError } from '../../../../renderer/src/components/field-error.js';

describe('toTeamNewRequest', () => {
  it('sends only what was filled in, budgets in USD and limits as integers, valid for /team/new', () => {
    const request = toTeamNewRequest({ ...EMPTY_TEAM_FORM, alias: ' research ', models: ['gpt-4o'], maxBudget: '50', softBudget: '40', budgetDuration: '1mo', memberBudget: '10', rpm: '60', tpm: '' });
    expect(request).toEqual({ team_alias: 'research', models: ['gpt-4o'], max_budget: 50, soft_budget: 40, budget_duration: '1mo', team_member_budget: 10, rpm_limit: 60 });
    expect(teamNewRequestSchema.safeParse(request).success).toBe(true);
  });

  it('sends a bare team when only the name is given', () => {
    expect(toTeamNewRequest({ ...EMPTY_TEAM_FORM, alias: 'solo' })).toEqual({ team_alias: 'solo', models: [] });
  });

  it.each([
    [{ alias: '  ' }, 'alias'],
    [{ alias: 'a', maxBudget: '-1' }, 'maxBudget'],
    [{ alias: 'a', softBudget: 'ten' }, 'softBudget'],
    [{ alias: 'a', maxBudget: '5', softBudget: '6' }, 'softBudget'],
    [{ alias: 'a', memberBudget: 'x' }, 'memberBudget'],
    [{ alias: 'a', rpm: '1.5' }, 'rpm'],
    [{ alias: 'a', tpm: '-3' }, 'tpm'],
  ] as const)('refuses %j naming the field %s', (values, field) => {
    let error: unknown;
    try {
      toTeamNewRequest({ ...EMPTY_TEAM_FORM, ...values });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FieldError);
    expect((error as FieldError<TeamFormValues>).field).toBe(field);
  });
});

describe('toTeamUpdateFields', () => {
  const team = sampleTeam({ max_budget: 10, soft_budget: 8, budget_duration: '1mo', rpm_limit: 60, team_member_budget: 2 });

  it('clears an emptied limit with null and leaves an untouched budget period out', () => {
    const before = teamFormFromDescription(team);
    const fields = toTeamUpdateFields({ ...before, rpm: '', maxBudget: '20' }, before);
    expect(fields).toEqual({ team_alias: 'research', models: [], max_budget: 20, soft_budget: 8, team_member_budget: 2, rpm_limit: null, tpm_limit: null });
    expect(teamUpdateRequestSchema.safeParse({ team_id: team.team_id, ...fields }).success).toBe(true);
  });

  it('sends a changed budget period, and null when it no longer resets', () => {
    const before = teamFormFromDescription(team);
    expect(toTeamUpdateFields({ ...before, budgetDuration: '7d' }, before).budget_duration).toBe('7d');
    expect(toTeamUpdateFields({ ...before, budgetDuration: '' }, before).budget_duration).toBeNull();
  });
});
