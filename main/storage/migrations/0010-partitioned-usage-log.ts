// Migration 10: usage at team scale. On PostgreSQL usage_log becomes a table partitioned by UTC
// day on ts (epoch ms), so retention drops whole days (no DELETE, no bloat) and a time-bounded
// query reads only its days; a DEFAULT partition takes any row whose day has no partition yet, so
// an insert never fails. Both engines gain the index the /spend/logs model filter needs (it
// matches model_group OR requested_model; model_group already had one).

export const version = 10;
export const name = 'partitioned-usage-log';

export const sql = `
CREATE INDEX usage_log_requested_model_ts ON usage_log (requested_model, ts);
`;

/**
 * The partitions live in their own schema, usage_partitions, so `public` keeps the same tables as
 * SQLite (the engines' column comparison) and the partitions are never mistaken for tables of
 * ours. A partitioned table's unique keys must hold the partition key: (request_id, ts) replaces
 * the request_id key; writers use ON CONFLICT DO NOTHING without a target, which honours it.
 * Existing rows move over once, into a partition per day they cover, plus today and the next 7
 * days (ensureUsagePartitions keeps creating days ahead after that). The delete triggers that take
 * bodies and errors with their row are recreated on the new table (partitions inherit them).
 */
export const postgresql = `
CREATE SCHEMA usage_partitions;

ALTER TABLE usage_log RENAME TO usage_log_v9;
ALTER INDEX usage_log_pkey RENAME TO usage_log_v9_pkey;
DROP INDEX usage_log_ts;
DROP INDEX usage_log_key_id_ts;
DROP INDEX usage_log_model_group_ts;

CREATE TABLE usage_log (LIKE usage_log_v9 INCLUDING DEFAULTS INCLUDING CONSTRAINTS, PRIMARY KEY (request_id, ts)) PARTITION BY RANGE (ts);
CREATE TABLE usage_partitions.usage_log_default PARTITION OF usage_log DEFAULT;

DO $$
DECLARE
  day_start BIGINT;
BEGIN
  FOR day_start IN
    SELECT DISTINCT (ts / 86400000) * 86400000 FROM usage_log_v9
    UNION
    SELECT ((extract(epoch FROM current_date)::bigint + n * 86400) * 1000) FROM generate_series(0, 7) AS n
  LOOP
    EXECUTE format('CREATE TABLE usage_partitions.%I PARTITION OF usage_log FOR VALUES FROM (%s) TO (%s)',
      'usage_log_' || to_char(to_timestamp(day_start / 1000) AT TIME ZONE 'UTC', 'YYYYMMDD'), day_start, day_start + 86400000);
  END LOOP;
END;
$$;

INSERT INTO usage_log SELECT * FROM usage_log_v9;
-- Fires no delete trigger: the bodies and errors stay, now with their row in the new table.
DROP TABLE usage_log_v9;

CREATE INDEX usage_log_ts ON usage_log (ts);
CREATE INDEX usage_log_key_id_ts ON usage_log (key_id, ts);
CREATE INDEX usage_log_model_group_ts ON usage_log (model_group, ts);
CREATE INDEX usage_log_requested_model_ts ON usage_log (requested_model, ts);

CREATE TRIGGER usage_bodies_follow_usage_log AFTER DELETE ON usage_log
  FOR EACH ROW EXECUTE FUNCTION usage_bodies_follow_usage_log();
CREATE TRIGGER usage_errors_follow_usage_log AFTER DELETE ON usage_log
  FOR EACH ROW EXECUTE FUNCTION usage_errors_follow_usage_log();
`;
