// describeTeam: a team record in LiteLLM's team table shape (snake_case, USD, ISO dates,
// members_with_roles with LiteLLM's role names: 'admin' and 'user'), and a membership in LiteLLM's
// team_memberships shape. The one place a team becomes JSON for a client.
import { isoOrNull, microsToUsd } from './owner-columns.js';
import type { TeamMember, TeamRecord, TeamRole } from './team-repository.js';

export interface TeamMemberDescription {
  user_id: string;
  user_email: string | null;
  role: 'admin' | 'user';
}

export interface TeamMembershipDescription {
  team_id: string;
  user_id: string;
  spend: number;
  max_budget_in_team: number | null;
}

export interface TeamDescription {
  team_id: string;
  team_alias: string | null;
  models: string[];
  max_budget: number | null;
  soft_budget: number | null;
  spend: number;
  budget_duration: string | null;
  budget_reset_at: string | null;
  tpm_limit: number | null;
  rpm_limit: number | null;
  team_member_budget: number | null;
  metadata: Record<string, unknown>;
  blocked: boolean;
  members_with_roles: TeamMemberDescription[];
  created_at: string;
  updated_at: string;
}

/** Our 'member' is LiteLLM's 'user' on the wire. */
export function wireRole(role: TeamRole): 'admin' | 'user' {
  return role === 'admin' ? 'admin' : 'user';
}

export function storedRole(role: 'admin' | 'user'): TeamRole {
  return role === 'admin' ? 'admin' : 'member';
}

export function describeTeam(team: TeamRecord): TeamDescription {
  return {
    team_id: team.id,
    team_alias: team.teamAlias,
    models: team.models,
    max_budget: microsToUsd(team.maxBudgetMicros),
    soft_budget: microsToUsd(team.softBudgetMicros),
    spend: team.spendMicros / 1_000_000,
    budget_duration: team.budgetDuration,
    budget_reset_at: isoOrNull(team.budgetResetAt),
    tpm_limit: team.tpmLimit,
    rpm_limit: team.rpmLimit,
    team_member_budget: microsToUsd(team.teamMemberBudgetMicros),
    metadata: team.metadata,
    blocked: team.blocked,
    members_with_roles: team.members.map((m) => ({ user_id: m.userId, user_email: m.userEmail, role: wireRole(m.role) })),
    created_at: new Date(team.createdAt).toISOString(),
    updated_at: new Date(team.updatedAt).toISOString(),
  };
}

export function describeMembership(teamId: string, member: TeamMember): TeamMembershipDescription {
  return { team_id: teamId, user_id: member.userId, spend: member.spendMicros / 1_000_000, max_budget_in_team: microsToUsd(member.maxBudgetInTeamMicros) };
}
