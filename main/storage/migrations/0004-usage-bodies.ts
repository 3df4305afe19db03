// Migration 4: request and response bodies, kept only while body logging is on, in their own
// table beside usage_log so the raw-row scans of summaries never page through prompt text.
// Never holds a row without its usage_log row: deleting the usage row (retention) deletes it.

export const version = 4;
export const name = 'usage-bodies';

export const sql = `
-- One row per request that was logged with bodies; request_id is usage_log's.
CREATE TABLE usage_bodies (
  request_id TEXT PRIMARY KEY,
  request_body TEXT,
  response_body TEXT
) STRICT;

-- Retention prunes usage_log only; the bodies go with their row (a primary-key probe per
-- deleted row, nothing when body logging was never on).
CREATE TRIGGER usage_bodies_follow_usage_log AFTER DELETE ON usage_log
BEGIN
  DELETE FROM usage_bodies WHERE request_id = old.request_id;
END;
`;

/** The same step for PostgreSQL (team mode): the trigger calls a function, as PostgreSQL requires. */
export const postgresql = `
CREATE TABLE usage_bodies (
  request_id TEXT PRIMARY KEY,
  request_body TEXT,
  response_body TEXT
);

CREATE FUNCTION usage_bodies_follow_usage_log() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM usage_bodies WHERE request_id = old.request_id;
  RETURN old;
END;
$$;
CREATE TRIGGER usage_bodies_follow_usage_log AFTER DELETE ON usage_log
  FOR EACH ROW EXECUTE FUNCTION usage_bodies_follow_usage_log();
`;
