// Migration 12: a version counter per cached topic (keys, models, settings), so replicas sharing one
// PostgreSQL database (team mode) learn within a second that another changed what they cache. On
// PostgreSQL a statement trigger on each source table bumps its topic's version and NOTIFYs
// 'switchboard_changes' in the same transaction (see change-feed.ts, which LISTENs and polls the
// versions as a safety net). SQLite gets the same table and rows but no triggers: one process owns
// an SQLite file, its repositories already tell its own caches, and its writes stay as they were.
//
// virtual_keys notifies only for the columns a key cache holds that admin actions change. Never for
// spend_micros, reserved_micros, last_used_at (every request writes them: a notification per request
// would be a storm; admission reads spend and reservations from the database itself) nor for
// budget_reset_at and updated_at alone (the budget reset sweep writes them with spend, and nothing
// decides from the cached copies). A key update through the repository always names one of the
// listed columns, and inserts, deletes and TRUNCATE (a backup restore) notify too.
//
// The NOTIFY payload is `topic:version`, so a listener can tell a notification from a version its
// poll already saw and reload once, not twice. FOR EACH STATEMENT and at most once per transaction
// and topic: a bulk change, an upsert (which fires both INSERT and UPDATE triggers) is one bump.

export const version = 12;
export const name = 'change-versions';

/** The topics, one per cached source table; the change feed reports these names. */
export const CHANGE_TOPICS = ['keys', 'models', 'settings'] as const;

/** The virtual_keys columns whose change must reach every replica's key cache. */
export const KEY_CACHE_COLUMNS = [
  'key_hash', 'key_last4', 'key_alias', 'models', 'max_budget_micros', 'budget_duration',
  'rpm_limit', 'tpm_limit', 'max_parallel_requests', 'expires_at', 'blocked', 'metadata',
] as const;

const seedRows = CHANGE_TOPICS.map((topic) => `('${topic}', 0)`).join(', ');

export const sql = `
CREATE TABLE change_versions (
  topic TEXT PRIMARY KEY,
  version INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
INSERT INTO change_versions (topic, version) VALUES ${seedRows};
`;

export const postgresql = `
CREATE TABLE change_versions (
  topic TEXT PRIMARY KEY,
  version BIGINT NOT NULL
);
INSERT INTO change_versions (topic, version) VALUES ${seedRows};

CREATE FUNCTION change_versions_bump() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  bumped BIGINT;
BEGIN
  -- Once per transaction and topic: an upsert fires both the INSERT and the UPDATE statement
  -- triggers, and a unit of work may make several statements; each replica reloads once anyway.
  -- A transaction-local setting (SET LOCAL semantics, fine under PgBouncer's transaction mode).
  IF current_setting('switchboard.changed_' || TG_ARGV[0], true) = 'yes' THEN
    RETURN NULL;
  END IF;
  PERFORM set_config('switchboard.changed_' || TG_ARGV[0], 'yes', true);
  -- The row lock orders concurrent bumps: versions grow in commit order, so "version moved" is
  -- a reliable signal for the poll.
  UPDATE change_versions SET version = version + 1 WHERE topic = TG_ARGV[0] RETURNING version INTO bumped;
  PERFORM pg_notify('switchboard_changes', TG_ARGV[0] || ':' || bumped);
  RETURN NULL;
END;
$$;

CREATE TRIGGER virtual_keys_changed
  AFTER INSERT OR DELETE OR UPDATE OF ${KEY_CACHE_COLUMNS.join(', ')} ON virtual_keys
  FOR EACH STATEMENT EXECUTE FUNCTION change_versions_bump('keys');
CREATE TRIGGER virtual_keys_truncated AFTER TRUNCATE ON virtual_keys
  FOR EACH STATEMENT EXECUTE FUNCTION change_versions_bump('keys');
CREATE TRIGGER models_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON models
  FOR EACH STATEMENT EXECUTE FUNCTION change_versions_bump('models');
CREATE TRIGGER settings_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON settings
  FOR EACH STATEMENT EXECUTE FUNCTION change_versions_bump('settings');
`;
