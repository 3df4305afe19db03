// Migration 3: hourly usage rollups, so a summary whose range starts or ends inside a day reads
// at most an hour of raw rows at each end; and a settled flag on budget reservations, so a
// request settled directly is not charged again when its usage row is written.

export const version = 3;
export const name = 'hourly-rollups-and-settled-reservations';

/** Same buckets as usage_daily (see LATENCY_BUCKET_BOUNDS_MS in main/metering/usage-rollups.ts). */
const LATENCY_BUCKET_COUNT = 22;
const latencyColumns = Array.from({ length: LATENCY_BUCKET_COUNT }, (_, i) => `  lat_b${String(i).padStart(2, '0')} INTEGER NOT NULL DEFAULT 0,`).join('\n');

export const sql = `
-- hour = epoch ms of the UTC hour's start. Pruned together with the raw rows it summarises.
-- IF NOT EXISTS: development databases from before this migration was split out already have it.
CREATE TABLE IF NOT EXISTS usage_hourly (
  hour INTEGER NOT NULL,
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
  PRIMARY KEY (hour, app, key_id, model_group, provider)
) STRICT, WITHOUT ROWID;

-- 1 once settle() charged the request directly: the row stays as a tombstone (amount 0) until
-- the request's usage row is written, which then must not charge it again.
ALTER TABLE budget_reservations ADD COLUMN settled INTEGER NOT NULL DEFAULT 0 CHECK (settled IN (0, 1));
`;

const pgLatencyColumns = Array.from({ length: LATENCY_BUCKET_COUNT }, (_, i) => `  lat_b${String(i).padStart(2, '0')} BIGINT NOT NULL DEFAULT 0,`).join('\n');

/** The same step for PostgreSQL (team mode); see 0001 for the type mapping. */
export const postgresql = `
CREATE TABLE usage_hourly (
  hour BIGINT NOT NULL,
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
  PRIMARY KEY (hour, app, key_id, model_group, provider)
);

ALTER TABLE budget_reservations ADD COLUMN settled BIGINT NOT NULL DEFAULT 0 CHECK (settled IN (0, 1));
`;
