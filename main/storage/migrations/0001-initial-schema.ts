// Migration 1: virtual keys with budgets, budget reservations, the per-request usage log, its
// daily rollups and the settings table. Money is integer micro-USD, times are epoch ms.
// A plaintext key is never stored: only its SHA-256 (hex) and its last 4 characters.

export const version = 1;
export const name = 'initial-schema';

/**
 * Latency histogram buckets of usage_daily: column lat_bNN counts successful requests whose
 * latency_ms is in (bound[NN-1], bound[NN]]; the last bucket is open-ended. Keep in step with
 * LATENCY_BUCKET_BOUNDS_MS in main/metering/usage-rollups.ts (a test checks they agree).
 */
const LATENCY_BUCKET_COUNT = 22;
const latencyColumns = Array.from({ length: LATENCY_BUCKET_COUNT }, (_, i) => `  lat_b${String(i).padStart(2, '0')} INTEGER NOT NULL DEFAULT 0,`).join('\n');

export const sql = `
CREATE TABLE virtual_keys (
  id TEXT PRIMARY KEY,
  key_hash TEXT NOT NULL UNIQUE CHECK (length(key_hash) = 64),
  key_last4 TEXT NOT NULL,
  key_alias TEXT UNIQUE,
  models TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(models)),
  max_budget_micros INTEGER CHECK (max_budget_micros IS NULL OR max_budget_micros >= 0),
  budget_duration TEXT,
  budget_reset_at INTEGER,
  spend_micros INTEGER NOT NULL DEFAULT 0 CHECK (spend_micros >= 0),
  reserved_micros INTEGER NOT NULL DEFAULT 0 CHECK (reserved_micros >= 0),
  rpm_limit INTEGER CHECK (rpm_limit IS NULL OR rpm_limit >= 0),
  tpm_limit INTEGER CHECK (tpm_limit IS NULL OR tpm_limit >= 0),
  max_parallel_requests INTEGER CHECK (max_parallel_requests IS NULL OR max_parallel_requests >= 0),
  expires_at INTEGER,
  blocked INTEGER NOT NULL DEFAULT 0 CHECK (blocked IN (0, 1)),
  metadata TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(metadata)),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  last_used_at INTEGER
) STRICT;

CREATE INDEX virtual_keys_budget_reset_at ON virtual_keys (budget_reset_at) WHERE budget_reset_at IS NOT NULL;

-- One row per request holding worst-case money against a key's budget. Deleting the row is the
-- exactly-once claim: settle and release both DELETE ... RETURNING, so a second call finds nothing.
CREATE TABLE budget_reservations (
  request_id TEXT PRIMARY KEY,
  key_id TEXT NOT NULL REFERENCES virtual_keys (id) ON DELETE CASCADE,
  amount_micros INTEGER NOT NULL CHECK (amount_micros >= 0),
  created_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE INDEX budget_reservations_key_id ON budget_reservations (key_id);

-- No foreign key to virtual_keys: usage history outlives a deleted key.
CREATE TABLE usage_log (
  request_id TEXT PRIMARY KEY,
  ts INTEGER NOT NULL,
  key_id TEXT,
  key_alias TEXT,
  app TEXT NOT NULL,
  user_agent TEXT,
  requested_model TEXT NOT NULL,
  model_group TEXT NOT NULL,
  deployment_id TEXT,
  provider TEXT NOT NULL,
  prompt_tokens INTEGER NOT NULL DEFAULT 0,
  completion_tokens INTEGER NOT NULL DEFAULT 0,
  cached_tokens INTEGER NOT NULL DEFAULT 0,
  cache_creation_tokens INTEGER NOT NULL DEFAULT 0,
  reasoning_tokens INTEGER NOT NULL DEFAULT 0,
  cost_micros INTEGER NOT NULL DEFAULT 0 CHECK (cost_micros >= 0),
  latency_ms INTEGER NOT NULL DEFAULT 0,
  ttft_ms INTEGER,
  status TEXT NOT NULL CHECK (status IN ('success', 'upstream_error', 'client_aborted', 'upstream_stalled', 'rejected', 'error')),
  http_status INTEGER NOT NULL,
  error_code TEXT,
  usage_estimated INTEGER NOT NULL DEFAULT 0 CHECK (usage_estimated IN (0, 1)),
  endpoint TEXT NOT NULL,
  retries INTEGER NOT NULL DEFAULT 0,
  fallbacks INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE INDEX usage_log_ts ON usage_log (ts);
CREATE INDEX usage_log_key_id_ts ON usage_log (key_id, ts);
CREATE INDEX usage_log_model_group_ts ON usage_log (model_group, ts);

-- Daily (UTC) rollups, written in the same transaction as the raw rows they summarise.
-- '' stands for "none" in key_id and provider: NULLs would never match in the primary key.
CREATE TABLE usage_daily (
  day TEXT NOT NULL,
  app TEXT NOT NULL,
  key_id TEXT NOT NULL,
  model_group TEXT NOT NULL,
  provider TEXT NOT NULL,
  requests INTEGER NOT NULL DEFAULT 0,
  errors INTEGER NOT NULL DEFAULT 0,
  prompt_tokens INTEGER NOT NULL DEFAULT 0,
  completion_tokens INTEGER NOT NULL DEFAULT 0,
  cached_tokens INTEGER NOT NULL DEFAULT 0,
  cache_creation_tokens INTEGER NOT NULL DEFAULT 0,
  reasoning_tokens INTEGER NOT NULL DEFAULT 0,
  cost_micros INTEGER NOT NULL DEFAULT 0,
  latency_sum_ms INTEGER NOT NULL DEFAULT 0,
  latency_max_ms INTEGER NOT NULL DEFAULT 0,
${latencyColumns}
  PRIMARY KEY (day, app, key_id, model_group, provider)
) STRICT, WITHOUT ROWID;

CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL CHECK (json_valid(value))
) STRICT, WITHOUT ROWID;
`;

/**
 * The same schema for PostgreSQL (team mode). INTEGER columns that hold money, times or counts
 * are BIGINT (SQLite's INTEGER is 64-bit); JSON stays TEXT, as on SQLite, checked by a cast that
 * raises on invalid JSON. Constraint names are explicit so later steps can replace them.
 */
const pgLatencyColumns = Array.from({ length: LATENCY_BUCKET_COUNT }, (_, i) => `  lat_b${String(i).padStart(2, '0')} BIGINT NOT NULL DEFAULT 0,`).join('\n');

export const postgresql = `
CREATE TABLE virtual_keys (
  id TEXT PRIMARY KEY,
  key_hash TEXT NOT NULL UNIQUE CHECK (length(key_hash) = 64),
  key_last4 TEXT NOT NULL,
  key_alias TEXT UNIQUE,
  models TEXT NOT NULL DEFAULT '[]' CHECK (models::jsonb IS NOT NULL),
  max_budget_micros BIGINT CHECK (max_budget_micros IS NULL OR max_budget_micros >= 0),
  budget_duration TEXT,
  budget_reset_at BIGINT,
  spend_micros BIGINT NOT NULL DEFAULT 0 CHECK (spend_micros >= 0),
  reserved_micros BIGINT NOT NULL DEFAULT 0 CHECK (reserved_micros >= 0),
  rpm_limit BIGINT CHECK (rpm_limit IS NULL OR rpm_limit >= 0),
  tpm_limit BIGINT CHECK (tpm_limit IS NULL OR tpm_limit >= 0),
  max_parallel_requests BIGINT CHECK (max_parallel_requests IS NULL OR max_parallel_requests >= 0),
  expires_at BIGINT,
  blocked BIGINT NOT NULL DEFAULT 0 CHECK (blocked IN (0, 1)),
  metadata TEXT NOT NULL DEFAULT '{}' CHECK (metadata::jsonb IS NOT NULL),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  last_used_at BIGINT
);

CREATE INDEX virtual_keys_budget_reset_at ON virtual_keys (budget_reset_at) WHERE budget_reset_at IS NOT NULL;

CREATE TABLE budget_reservations (
  request_id TEXT PRIMARY KEY,
  key_id TEXT NOT NULL REFERENCES virtual_keys (id) ON DELETE CASCADE,
  amount_micros BIGINT NOT NULL CHECK (amount_micros >= 0),
  created_at BIGINT NOT NULL
);

CREATE INDEX budget_reservations_key_id ON budget_reservations (key_id);

CREATE TABLE usage_log (
  request_id TEXT PRIMARY KEY,
  ts BIGINT NOT NULL,
  key_id TEXT,
  key_alias TEXT,
  app TEXT NOT NULL,
  user_agent TEXT,
  requested_model TEXT NOT NULL,
  model_group TEXT NOT NULL,
  deployment_id TEXT,
  provider TEXT NOT NULL,
  prompt_tokens BIGINT NOT NULL DEFAULT 0,
  completion_tokens BIGINT NOT NULL DEFAULT 0,
  cached_tokens BIGINT NOT NULL DEFAULT 0,
  cache_creation_tokens BIGINT NOT NULL DEFAULT 0,
  reasoning_tokens BIGINT NOT NULL DEFAULT 0,
  cost_micros BIGINT NOT NULL DEFAULT 0 CHECK (cost_micros >= 0),
  latency_ms BIGINT NOT NULL DEFAULT 0,
  ttft_ms BIGINT,
  status TEXT NOT NULL CONSTRAINT usage_log_status_check CHECK (status IN ('success', 'upstream_error', 'client_aborted', 'upstream_stalled', 'rejected', 'error')),
  http_status BIGINT NOT NULL,
  error_code TEXT,
  usage_estimated BIGINT NOT NULL DEFAULT 0 CHECK (usage_estimated IN (0, 1)),
  endpoint TEXT NOT NULL,
  retries BIGINT NOT NULL DEFAULT 0,
  fallbacks BIGINT NOT NULL DEFAULT 0
);

CREATE INDEX usage_log_ts ON usage_log (ts);
CREATE INDEX usage_log_key_id_ts ON usage_log (key_id, ts);
CREATE INDEX usage_log_model_group_ts ON usage_log (model_group, ts);

CREATE TABLE usage_daily (
  day TEXT NOT NULL,
  app TEXT NOT NULL,
  key_id TEXT NOT NULL,
  model_group TEXT NOT NULL,
  provider TEXT NOT NULL,
  requests BIGINT NOT NULL DEFAULT 0,
  errors BIGINT NOT NULL DEFAULT 0,
  prompt_tokens BIGINT NOT NULL DEFAULT 0,
  completion_tokens BIGINT NOT NULL DEFAULT 0,
  cached_tokens BIGINT NOT NULL DEFAULT 0,
  cache_creation_tokens BIGINT NOT NULL DEFAULT 0,
  reasoning_tokens BIGINT NOT NULL DEFAULT 0,
  cost_micros BIGINT NOT NULL DEFAULT 0,
  latency_sum_ms BIGINT NOT NULL DEFAULT 0,
  latency_max_ms BIGINT NOT NULL DEFAULT 0,
${pgLatencyColumns}
  PRIMARY KEY (day, app, key_id, model_group, provider)
);

CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL CHECK (value::jsonb IS NOT NULL)
);
`;
