// describeUser: a user record in LiteLLM's user table shape (snake_case, USD, ISO dates). The one
// place a user becomes JSON for a client.
import { isoOrNull, microsToUsd } from './owner-columns.js';
import type { UserRecord } from './user-repository.js';

export interface UserDescription {
  user_id: string;
  user_email: string | null;
  user_role: string;
  max_budget: number | null;
  spend: number;
  budget_duration: string | null;
  budget_reset_at: string | null;
  models: string[];
  metadata: Record<string, unknown>;
  created_at: string;
  updated_at: string;
}

export function describeUser(user: UserRecord): UserDescription {
  return {
    user_id: user.id,
    user_email: user.userEmail,
    user_role: user.userRole,
    max_budget: microsToUsd(user.maxBudgetMicros),
    spend: user.spendMicros / 1_000_000,
    budget_duration: user.budgetDuration,
    budget_reset_at: isoOrNull(user.budgetResetAt),
    models: user.models,
    metadata: user.metadata,
    created_at: new Date(user.createdAt).toISOString(),
    updated_at: new Date(user.updatedAt).toISOString(),
  };
}
