// The add-member form's fields and their translation to LiteLLM's /team/member_add body: the
// user named by id or by email, a role (LiteLLM's 'user' is a plain member) and an optional
// budget in the team. A user the gateway does not know is created by member_add, as in LiteLLM.
import type { TeamMemberAddRequest } from '../../../../shared/api/team-schemas.js';
import { FieldError } from '../../components/field-error.js';

export interface MemberFormValues {
  /** A user id or an email, as `by` says. */
  user: string;
  by: 'user_id' | 'user_email';
  role: 'admin' | 'user';
  /** USD; empty: the team's member budget default applies. */
  budget: string;
}

export const EMPTY_MEMBER_FORM: MemberFormValues = { user: '', by: 'user_id', role: 'user', budget: '' };

export function toMemberAddRequest(teamId: string, values: MemberFormValues): TeamMemberAddRequest {
  const user = values.user.trim();
  if (user === '') throw new FieldError<MemberFormValues>('user', values.by === 'user_email' ? 'Type the email of the user to add.' : 'Type the user id of the user to add.');
  if (values.by === 'user_email' && !user.includes('@')) throw new FieldError<MemberFormValues>('user', 'An email has an @; to add by user id, choose "User id".');
  const request: TeamMemberAddRequest = { team_id: teamId, member: [{ role: values.role, ...(values.by === 'user_id' ? { user_id: user } : { user_email: user }) }] };
  const budget = parseBudgetInTeam(values.budget);
  if (budget === undefined) throw new FieldError<MemberFormValues>('budget', 'A budget in the team is a number of dollars, 0 or more.');
  if (budget !== null) request.max_budget_in_team = budget;
  return request;
}

/** A typed budget in the team: null for empty (no override), undefined when it is not a valid amount. */
export function parseBudgetInTeam(text: string): number | null | undefined {
  if (text.trim() === '') return null;
  const n = Number(text);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}
