// Migration 18: apps as first-class entities (issue 19 items 3 and 4). An "app" is the name usage
// is recorded under for a request with NO virtual key (open mode, the admin key, a keyless Ollama
// client): `apps` holds one row per name ever seen (first_seen, last_seen) and the rule a user may
// give it without a key: a budget (spend and reservations exactly like a key's), rpm/tpm limits,
// allowed models, a default model for the active alias, and `allowed` (general_settings.
// only_allowed_apps). first_seen is NULL for a row a user created with a rule before the program
// first called. `app_budget_reservations` holds each keyless request's worst case against its
// app's budget, like budget_reservations does for keys (whose key_id is NOT NULL, hence a table
// of its own); no foreign key, so deleting an app's rule never cascades into money in flight.
// Keyless callers already in the hourly rollups are backfilled as seen (to the hour).
//
// The 'apps' change topic (migration 12's and 16's pattern): on PostgreSQL a statement trigger
// bumps it when a rule column changes or a row is inserted or deleted, so every replica re-reads
// its rule cache within about a second. Never for spend, reservations, last_seen or resets: those
// change with traffic, and admission reads budgets from the database itself.

export const version = 18;
export const name = 'apps';

/** The apps columns each replica's rule cache holds (see main/apps/app-rules.ts). */
export const APP_CACHE_COLUMNS = ['max_budget_micros', 'budget_duration', 'rpm_limit', 'tpm_limit', 'models', 'default_model', 'allowed', 'first_seen'] as const;

/**
 * The tables, indexes and backfill, written once for both engines (they differ only in the integer
 * type, SQLite's STRICT WITHOUT ROWID tables and its json_valid check), so the two schemas cannot
 * drift. The text each engine runs is the one this migration shipped with, byte for byte.
 */
function schema(int: 'INTEGER' | 'BIGINT', tableOptions: string, modelsCheck: string): string {
  return `
CREATE TABLE apps (
  app TEXT PRIMARY KEY,
  first_seen ${int},
  last_seen ${int},
  max_budget_micros ${int} CHECK (max_budget_micros IS NULL OR max_budget_micros >= 0),
  budget_duration TEXT,
  budget_reset_at ${int},
  spend_micros ${int} NOT NULL DEFAULT 0 CHECK (spend_micros >= 0),
  reserved_micros ${int} NOT NULL DEFAULT 0 CHECK (reserved_micros >= 0),
  rpm_limit ${int} CHECK (rpm_limit IS NULL OR rpm_limit >= 0),
  tpm_limit ${int} CHECK (tpm_limit IS NULL OR tpm_limit >= 0),
  models TEXT NOT NULL DEFAULT '[]'${modelsCheck},
  default_model TEXT,
  allowed ${int} NOT NULL DEFAULT 0 CHECK (allowed IN (0, 1)),
  updated_at ${int} NOT NULL
)${tableOptions};
CREATE INDEX apps_budget_reset_at ON apps (budget_reset_at) WHERE budget_reset_at IS NOT NULL;

CREATE TABLE app_budget_reservations (
  request_id TEXT PRIMARY KEY,
  app TEXT NOT NULL,
  amount_micros ${int} NOT NULL CHECK (amount_micros >= 0),
  created_at ${int} NOT NULL,
  lease_until ${int}
)${tableOptions};
CREATE INDEX app_budget_reservations_app ON app_budget_reservations (app);
CREATE INDEX app_budget_reservations_lease_until ON app_budget_reservations (lease_until) WHERE lease_until IS NOT NULL;

INSERT INTO change_versions (topic, version) VALUES ('apps', 0);

-- Apps that called before this version (requests without a key, key_id '' in the hourly rollups
-- retention kept) are seen already: listed, and not announced as new at their next request.
-- first_seen and last_seen to the hour.
INSERT INTO apps (app, first_seen, last_seen, updated_at)
SELECT app, min(hour), max(hour), max(hour) FROM usage_hourly WHERE key_id = '' GROUP BY app;
`;
}

export const sql = schema('INTEGER', ' STRICT, WITHOUT ROWID', ' CHECK (json_valid(models))');

export const postgresql = `${schema('BIGINT', '', '')}CREATE TRIGGER apps_changed
  AFTER INSERT OR DELETE OR UPDATE OF ${APP_CACHE_COLUMNS.join(', ')} ON apps
  FOR EACH STATEMENT EXECUTE FUNCTION change_versions_bump('apps');
CREATE TRIGGER apps_truncated AFTER TRUNCATE ON apps
  FOR EACH STATEMENT EXECUTE FUNCTION change_versions_bump('apps');
`;
