// Migration 7: a failed request's row says why, and refusals by policy are counted apart from
// errors. usage_errors holds the message the client got, the upstream's status and a short,
// redacted excerpt of its body, beside usage_log (as usage_bodies is) so summaries never page
// through text; it goes with its usage row. The rollups gain `rejected`, a subset of `errors`
// (which keeps meaning "not a success"), filled from the raw rows that are still kept.

export const version = 7;
export const name = 'usage-errors-and-rejected-counts';

export const sql = `
CREATE TABLE usage_errors (
  request_id TEXT PRIMARY KEY,
  message TEXT,
  upstream_status INTEGER,
  upstream_excerpt TEXT
) STRICT;

CREATE TRIGGER usage_errors_follow_usage_log AFTER DELETE ON usage_log
BEGIN
  DELETE FROM usage_errors WHERE request_id = old.request_id;
END;

ALTER TABLE usage_daily ADD COLUMN rejected INTEGER NOT NULL DEFAULT 0;
ALTER TABLE usage_hourly ADD COLUMN rejected INTEGER NOT NULL DEFAULT 0;

-- Days and hours whose raw rows retention already pruned keep counting their refusals as errors.
UPDATE usage_daily SET rejected = (
  SELECT count(*) FROM usage_log AS u
  WHERE u.ts >= CAST(strftime('%s', usage_daily.day) AS INTEGER) * 1000
    AND u.ts < CAST(strftime('%s', usage_daily.day) AS INTEGER) * 1000 + 86400000
    AND u.status = 'rejected' AND u.app = usage_daily.app AND coalesce(u.key_id, '') = usage_daily.key_id
    AND u.model_group = usage_daily.model_group AND u.provider = usage_daily.provider
) WHERE errors > 0;
UPDATE usage_hourly SET rejected = (
  SELECT count(*) FROM usage_log AS u
  WHERE u.ts >= usage_hourly.hour AND u.ts < usage_hourly.hour + 3600000
    AND u.status = 'rejected' AND u.app = usage_hourly.app AND coalesce(u.key_id, '') = usage_hourly.key_id
    AND u.model_group = usage_hourly.model_group AND u.provider = usage_hourly.provider
) WHERE errors > 0;
`;

/** The same step for PostgreSQL (team mode); day bounds come from a date cast instead of strftime. */
export const postgresql = `
CREATE TABLE usage_errors (
  request_id TEXT PRIMARY KEY,
  message TEXT,
  upstream_status BIGINT,
  upstream_excerpt TEXT
);

CREATE FUNCTION usage_errors_follow_usage_log() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM usage_errors WHERE request_id = old.request_id;
  RETURN old;
END;
$$;
CREATE TRIGGER usage_errors_follow_usage_log AFTER DELETE ON usage_log
  FOR EACH ROW EXECUTE FUNCTION usage_errors_follow_usage_log();

ALTER TABLE usage_daily ADD COLUMN rejected BIGINT NOT NULL DEFAULT 0;
ALTER TABLE usage_hourly ADD COLUMN rejected BIGINT NOT NULL DEFAULT 0;

UPDATE usage_daily SET rejected = (
  SELECT count(*) FROM usage_log AS u
  WHERE u.ts >= (extract(epoch FROM usage_daily.day::date) * 1000)::bigint
    AND u.ts < (extract(epoch FROM usage_daily.day::date) * 1000)::bigint + 86400000
    AND u.status = 'rejected' AND u.app = usage_daily.app AND coalesce(u.key_id, '') = usage_daily.key_id
    AND u.model_group = usage_daily.model_group AND u.provider = usage_daily.provider
) WHERE errors > 0;
UPDATE usage_hourly SET rejected = (
  SELECT count(*) FROM usage_log AS u
  WHERE u.ts >= usage_hourly.hour AND u.ts < usage_hourly.hour + 3600000
    AND u.status = 'rejected' AND u.app = usage_hourly.app AND coalesce(u.key_id, '') = usage_hourly.key_id
    AND u.model_group = usage_hourly.model_group AND u.provider = usage_hourly.provider
) WHERE errors > 0;
`;
