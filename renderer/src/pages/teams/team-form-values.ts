// The team form's fields and their translation to LiteLLM /team/new and /team/update bodies:
// budgets typed in USD, limits as whole numbers, an empty field meaning "no limit". On edit an
// emptied field is sent as null (remove the limit) and an untouched budget period is not sent,
// so saving other fields never restarts the team's budget period by accident.
import type { TeamDescription, TeamNewRequest, TeamUpdateFields } from '../../../../shared/api/team-schemas.js';
import { FieldError } from '../../components/field-error.js';
import { optionalNumber } from '../../components/optional-number.js';

export interface TeamFormValues {
  alias: string;
  /** Empty: every model. */
  models: string[];
  maxBudget: string;
  softBudget: string;
  budgetDuration: string;
  /** Each member's default budget in the team (USD). */
  memberBudget: string;
  rpm: string;
  tpm: string;
}

export const EMPTY_TEAM_FORM: TeamFormValues = { alias: '', models: [], maxBudget: '', softBudget: '', budgetDuration: '', memberBudget: '', rpm: '', tpm: '' };

export function teamFormFromDescription(team: TeamDescription): TeamFormValues {
  const text = (n: number | null) => (n === null ? '' : String(n));
  return {
    alias: team.team_alias ?? '',
    models: [...team.models],
    maxBudget: text(team.max_budget),
    softBudget: text(team.soft_budget),
    budgetDuration: team.budget_duration ?? '',
    memberBudget: text(team.team_member_budget),
    rpm: text(team.rpm_limit),
    tpm: text(team.tpm_limit),
  };
}

interface TeamValues {
  team_alias: string;
  models: string[];
  max_budget: number | null;
  soft_budget: number | null;
  team_member_budget: number | null;
  rpm_limit: number | null;
  tpm_limit: number | null;
}

function readValues(values: TeamFormValues): TeamValues {
  const alias = values.alias.trim();
  if (alias === '') throw new FieldError<TeamFormValues>('alias', 'Name the team; keys, usage and budgets are shown under this name.');
  const maxBudget = optionalNumber(values.maxBudget, 'maxBudget', 'A budget is a number of dollars, 0 or more.', false);
  const softBudget = optionalNumber(values.softBudget, 'softBudget', 'A soft budget is a number of dollars, 0 or more.', false);
  // The gateway would accept it, but a warning that can only come after the refusal is no warning.
  if (softBudget !== null && maxBudget !== null && softBudget > maxBudget) throw new FieldError<TeamFormValues>('softBudget', 'The soft budget warns before the budget is reached: make it at most the budget.');
  return {
    team_alias: alias,
    models: values.models,
    max_budget: maxBudget,
    soft_budget: softBudget,
    team_member_budget: optionalNumber(values.memberBudget, 'memberBudget', 'A member budget is a number of dollars, 0 or more.', false),
    rpm_limit: optionalNumber(values.rpm, 'rpm', 'Requests per minute is a whole number.', true),
    tpm_limit: optionalNumber(values.tpm, 'tpm', 'Tokens per minute is a whole number.', true),
  };
}

/** /team/new's body: only the fields that were filled in. */
export function toTeamNewRequest(values: TeamFormValues): TeamNewRequest {
  const v = readValues(values);
  const request: TeamNewRequest = { team_alias: v.team_alias, models: v.models };
  if (v.max_budget !== null) request.max_budget = v.max_budget;
  if (v.soft_budget !== null) request.soft_budget = v.soft_budget;
  if (values.budgetDuration !== '') request.budget_duration = values.budgetDuration;
  if (v.team_member_budget !== null) request.team_member_budget = v.team_member_budget;
  if (v.rpm_limit !== null) request.rpm_limit = v.rpm_limit;
  if (v.tpm_limit !== null) request.tpm_limit = v.tpm_limit;
  return request;
}

/** /team/update's fields: every field (null clears it), the budget period only when it changed. */
export function toTeamUpdateFields(values: TeamFormValues, before: TeamFormValues): TeamUpdateFields {
  const fields: TeamUpdateFields = { ...readValues(values) };
  if (values.budgetDuration !== before.budgetDuration) fields.budget_duration = values.budgetDuration === '' ? null : values.budgetDuration;
  return fields;
}
