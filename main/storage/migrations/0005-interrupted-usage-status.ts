// Migration 5: usage_log accepts the status 'interrupted': the row the next start writes for a
// budgeted request whose process died before recording it, charged at its reserved amount.
// SQLite cannot widen a CHECK in place, so the table is rebuilt (sqlite.org/lang_altertable.html,
// "other kinds of table schema changes"): a one-time copy of every row, then the indexes and the
// bodies trigger again. Never drops a row; the whole migration is one transaction.
export const version = 5;
export const name = 'interrupted-usage-status';

const COLUMNS = `request_id, ts, key_id, key_alias, app, user_agent, requested_model, model_group, deployment_id, provider,
  prompt_tokens, completion_tokens, cached_tokens, cache_creation_tokens, reasoning_tokens, cost_micros, latency_ms, ttft_ms,
  status, http_status, error_code, usage_estimated, endpoint, retries, fallbacks`;

export const sql = `
CREATE TABLE usage_log_v5 (
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
  status TEXT NOT NULL CHECK (status IN ('success', 'upstream_error', 'client_aborted', 'upstream_stalled', 'rejected', 'error', 'interrupted')),
  http_status INTEGER NOT NULL,
  error_code TEXT,
  usage_estimated INTEGER NOT NULL DEFAULT 0 CHECK (usage_estimated IN (0, 1)),
  endpoint TEXT NOT NULL,
  retries INTEGER NOT NULL DEFAULT 0,
  fallbacks INTEGER NOT NULL DEFAULT 0
) STRICT;
INSERT INTO usage_log_v5 (${COLUMNS}) SELECT ${COLUMNS} FROM usage_log ORDER BY rowid;
-- Takes its indexes and the usage_bodies trigger with it; fires no trigger (no row is deleted).
DROP TABLE usage_log;
ALTER TABLE usage_log_v5 RENAME TO usage_log;
CREATE INDEX usage_log_ts ON usage_log (ts);
CREATE INDEX usage_log_key_id_ts ON usage_log (key_id, ts);
CREATE INDEX usage_log_model_group_ts ON usage_log (model_group, ts);
CREATE TRIGGER usage_bodies_follow_usage_log AFTER DELETE ON usage_log
BEGIN
  DELETE FROM usage_bodies WHERE request_id = old.request_id;
END;
`;

/** PostgreSQL widens a CHECK in place: no rebuild, no copy. */
export const postgresql = `
ALTER TABLE usage_log DROP CONSTRAINT usage_log_status_check;
ALTER TABLE usage_log ADD CONSTRAINT usage_log_status_check
  CHECK (status IN ('success', 'upstream_error', 'client_aborted', 'upstream_stalled', 'rejected', 'error', 'interrupted'));
`;
