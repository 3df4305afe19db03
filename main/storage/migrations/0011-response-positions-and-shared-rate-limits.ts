// Migration 11: (1) stored responses keep their insertion order in a column of their own,
// `position`, instead of SQLite's rowid, so the size cap drops the same response first on both
// engines (migration 8 did the same for models); (2) the tables the shared rate limiter keeps its
// state in, so rpm, tpm and max_parallel_requests hold across replicas in team mode (one lock row
// per key, per-second request/token buckets, parallel-request leases). SQLite gets the same
// tables so "schema version 11" means the same on both, but the desktop keeps its in-memory limiter.
//
// Rows stored before this step keep position 0: a tie in the same millisecond among them falls
// to the engine's order, as before; every later row is numbered by the repository's insert.

export const version = 11;
export const name = 'response-positions-and-shared-rate-limits';

export const sql = `
ALTER TABLE stored_responses ADD COLUMN position INTEGER NOT NULL DEFAULT 0;
CREATE INDEX stored_responses_position ON stored_responses (position);

CREATE TABLE rate_limit_keys (
  -- One row per virtual key: every unit of shared rate-limit work locks it first.
  key_id TEXT PRIMARY KEY,
  -- Epoch ms of the last lock; only so the lock can be an upsert that writes something.
  locked_at INTEGER NOT NULL
) STRICT;
CREATE TABLE rate_limit_buckets (
  key_id TEXT NOT NULL,
  -- floor(epoch ms / 1000) of the replica clock that counted it.
  second INTEGER NOT NULL,
  requests INTEGER NOT NULL,
  tokens INTEGER NOT NULL,
  PRIMARY KEY (key_id, second)
) STRICT;
CREATE INDEX rate_limit_buckets_second ON rate_limit_buckets (second);
CREATE TABLE rate_limit_leases (
  key_id TEXT NOT NULL,
  lease_id TEXT NOT NULL,
  -- The replica holding it, so one statement renews all of a live replica's leases.
  replica_id TEXT NOT NULL,
  -- Epoch ms after which the slot counts as free (its replica died or stopped renewing).
  lease_until INTEGER NOT NULL,
  PRIMARY KEY (key_id, lease_id)
) STRICT;
CREATE INDEX rate_limit_leases_replica ON rate_limit_leases (replica_id);
CREATE INDEX rate_limit_leases_lease_until ON rate_limit_leases (lease_until);
`;

export const postgresql = `
ALTER TABLE stored_responses ADD COLUMN position BIGINT NOT NULL DEFAULT 0;
CREATE INDEX stored_responses_position ON stored_responses (position);

CREATE TABLE rate_limit_keys (
  key_id TEXT PRIMARY KEY,
  locked_at BIGINT NOT NULL
);
CREATE TABLE rate_limit_buckets (
  key_id TEXT NOT NULL,
  second BIGINT NOT NULL,
  requests BIGINT NOT NULL,
  tokens BIGINT NOT NULL,
  PRIMARY KEY (key_id, second)
);
CREATE INDEX rate_limit_buckets_second ON rate_limit_buckets (second);
CREATE TABLE rate_limit_leases (
  key_id TEXT NOT NULL,
  lease_id TEXT NOT NULL,
  replica_id TEXT NOT NULL,
  lease_until BIGINT NOT NULL,
  PRIMARY KEY (key_id, lease_id)
);
CREATE INDEX rate_limit_leases_replica ON rate_limit_leases (replica_id);
CREATE INDEX rate_limit_leases_lease_until ON rate_limit_leases (lease_until);
`;
