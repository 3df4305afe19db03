// describeKey: a key record in LiteLLM's /key/info, /key/list and /key/generate response shape
// (snake_case, USD, ISO dates). The one place a record becomes JSON for a client, so the mask
// `sk-...abcd` is all that is ever shown of the secret; the hash is not even in the record.
import type { VirtualKeyRecord } from './key-repository.js';
import { maskKey } from './virtual-keys.js';

export interface KeyDescription {
  /** Our key id; LiteLLM clients pass `token` back to /key/update, /key/delete, /key/info. */
  token: string;
  key_id: string;
  key_name: string;
  key_alias: string | null;
  models: string[];
  spend: number;
  max_budget: number | null;
  budget_duration: string | null;
  budget_reset_at: string | null;
  rpm_limit: number | null;
  tpm_limit: number | null;
  max_parallel_requests: number | null;
  expires: string | null;
  blocked: boolean;
  metadata: Record<string, unknown>;
  created_at: string;
  updated_at: string;
  last_active: string | null;
  /** The owning team and user (null for a key of nobody's). */
  team_id: string | null;
  user_id: string | null;
}

export function describeKey(record: VirtualKeyRecord): KeyDescription {
  return {
    token: record.id,
    key_id: record.id,
    key_name: maskKey(record.keyLast4),
    key_alias: record.keyAlias,
    models: record.models,
    spend: record.spendMicros / 1_000_000,
    max_budget: record.maxBudgetMicros === null ? null : record.maxBudgetMicros / 1_000_000,
    budget_duration: record.budgetDuration,
    budget_reset_at: iso(record.budgetResetAt),
    rpm_limit: record.rpmLimit,
    tpm_limit: record.tpmLimit,
    max_parallel_requests: record.maxParallelRequests,
    expires: iso(record.expiresAt),
    blocked: record.blocked,
    metadata: record.metadata,
    created_at: new Date(record.createdAt).toISOString(),
    updated_at: new Date(record.updatedAt).toISOString(),
    last_active: iso(record.lastUsedAt),
    team_id: record.teamId,
    user_id: record.userId,
  };
}

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}
