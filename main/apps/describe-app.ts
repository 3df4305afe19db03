// describeApp: an app record as the /app/* routes answer it (snake_case, USD, ISO dates), with
// today's requests and spend read from the usage rollups by the caller. The one place an app
// becomes JSON for a client.
import { isoOrNull, microsToUsd } from '../keys/owner-columns.js';
import { hasRule, type AppRecord } from './app-repository.js';
import type { AppDescription } from '../../shared/api/app-schemas.js';

export interface AppToday {
  requests: number;
  spendMicros: number;
}

const NOTHING_TODAY: AppToday = { requests: 0, spendMicros: 0 };

export function describeApp(record: AppRecord, today: AppToday = NOTHING_TODAY): AppDescription {
  return {
    app: record.app,
    first_seen: isoOrNull(record.firstSeen),
    last_seen: isoOrNull(record.lastSeen),
    spend: record.spendMicros / 1_000_000,
    max_budget: microsToUsd(record.maxBudgetMicros),
    budget_duration: record.budgetDuration,
    budget_reset_at: isoOrNull(record.budgetResetAt),
    rpm_limit: record.rpmLimit,
    tpm_limit: record.tpmLimit,
    models: record.models,
    default_model: record.defaultModel,
    allowed: record.allowed,
    has_rule: hasRule(record),
    requests_today: today.requests,
    spend_today: today.spendMicros / 1_000_000,
  };
}
