// Fills a PostgreSQL usage_log with synthetic rows server-side (generate_series, no client round
// trip per row), for the usage-scale bench and the query-plan test: `rows` rows spread evenly over
// [start, start + days), across 50 keys, 50 apps and 50 models. Deterministic. Test tooling only:
// the gateway never runs this (its SQL lives here, beside the bench, not under main/storage).
import type pg from 'pg';

const DAY = 86_400_000;

/** Inserts in chunks of `chunk` rows, each its own statement, so no transaction grows huge. */
export async function fillUsageRows(pool: pg.Pool, options: { rows: number; start: number; days: number; chunk?: number }): Promise<void> {
  const chunk = options.chunk ?? 1_000_000;
  const span = options.days * DAY;
  for (let from = 1; from <= options.rows; from += chunk) {
    const to = Math.min(options.rows, from + chunk - 1);
    await pool.query(
      `INSERT INTO usage_log (request_id, ts, key_id, key_alias, app, user_agent, requested_model, model_group, deployment_id, provider,
         prompt_tokens, completion_tokens, cost_micros, latency_ms, ttft_ms, status, http_status, endpoint)
       SELECT 'req-' || lpad(g::text, 10, '0'), $1::bigint + ((g - 1)::bigint * $2::bigint / $3::bigint),
         'key-' || (g % 50), 'alias-' || (g % 50), 'app-' || ((g / 7) % 50), 'bench/1.0',
         'model-' || ((g / 3) % 50), 'model-' || ((g / 3) % 50), 'dep-' || ((g / 3) % 50), 'provider-' || ((g / 3) % 5),
         100 + g % 900, 50 + g % 400, (g % 1000) * 37, 100 + (g * 7919) % 5000, 50,
         CASE WHEN g % 50 = 0 THEN 'upstream_error' WHEN g % 97 = 0 THEN 'rejected' ELSE 'success' END,
         200, '/v1/chat/completions'
       FROM generate_series($4::bigint, $5::bigint) AS g`,
      [options.start, span, options.rows, from, to],
    );
  }
}

/**
 * The 50 keys fillUsageRows spends on, as virtual keys with owners, so filters by team and user
 * have keys to find: key-N belongs to team-(N % 5) (10 keys each) and user-(N % 25) (2 keys each).
 * Leaves keys that already exist alone.
 */
export async function ownBenchKeys(pool: pg.Pool): Promise<void> {
  await pool.query(
    `INSERT INTO virtual_keys (id, key_hash, key_alias, key_last4, team_id, user_id, created_at, updated_at)
     SELECT 'key-' || n, lpad(to_hex(n), 64, '0'), 'alias-' || n, 'abcd', 'team-' || (n % 5), 'user-' || (n % 25), 0, 0
     FROM generate_series(0, 49) AS n ON CONFLICT DO NOTHING`,
  );
}
