import { describe, expect, it } from 'vitest';
import { EMPTY_MEMBER_FORM, parseBudgetInTeam, toMemberAddRequest, type MemberFormValues } from '../../../../renderer/src/pages/teams/member-form-values.js';
import { teamMemberAddRequestSchema } from '../../../../shared/api/team-schemas.js';
import { FieldError } from '../../../../renderer/src/components/field-error.js';

describe('toMemberAddRequest', () => {
  it("names the user by id with LiteLLM's role, valid for /team/member_add", () => {
    const request = toMemberAddRequest('team-1', { ...EMPTY_MEMBER_FORM, user: ' ann ', role: 'admin', budget: '2.5' });
    expect(request).toEqual({ team_id: 'team-1', member: [{ role: 'admin', user_id: 'ann' }], max_budget_in_team: 2.5 });
    expect(teamMemberAddRequestSchema.safeParse(request).success).toBe(true);
  });

  it('names the user by email, with no budget override when the budget is empty', () => {
    expect(toMemberAddRequest('team-1', { ...EMPTY_MEMBER_FORM, by: 'user_email', user: 'ann@example.com' })).toEqual({ team_id: 'team-1', member: [{ role: 'user', user_email: 'ann@example.com' }] });
  });

  it.each([
    [{ user: '' }, 'user'],
    [{ by: 'user_email', user: 'ann' }, 'user'],
    [{ user: 'ann', budget: '-1' }, 'budget'],
    [{ user: 'ann', budget: 'lots' }, 'budget'],
  ] as const)('refuses %j naming the field %s', (values, field) => {
    expect(() => toMemberAddRequest('team-1', { ...EMPTY_MEMBER_FORM, ...values })).toThrow(FieldError);
    try {
      toMemberAddRequest('team-1', { ...EMPTY_MEMBER_FORM, ...values });
    } catch (e) {
      expect((e as FieldError<MemberFormValues>).field).toBe(field);
    }
  });
});

describe('parseBudgetInTeam', () => {
  it.each([
    ['', null],
    ['  ', null],
    ['0', 0],
    ['3.75', 3.75],
    ['-1', undefined],
    ['abc', undefined],
  ] as const)('%j is %s', (text, value) => {
    expect(parseBudgetInTeam(text)).toBe(value);
  });
});
