// Reads a gateway's SQLite file (read-only, while the gateway runs or after it stopped) and
// checks what the soak run promises about it: the file is intact, every request a client got an
// answer for has exactly one usage row, the rollups equal the raw log, and no key spent more than
// its budget. Never writes to the database and never reads a key or a body.
import Database from 'better-sqlite3';

export interface LedgerAudit {
  integrity: string;
  /** Usage rows in the whole log. */
  rows: number;
  /** Rows per status, e.g. { success: 812, client_aborted: 188 }. */
  statuses: Record<string, number>;
  /** Request ids the client saw that have no usage row. */
  missing: string[];
  /** Usage rows whose request id the client never saw (only counted when `exclusive`). */
  unexpected: number;
  /** Per key: rollup sums that differ from the raw rows ('' = no key). */
  rollupMismatches: string[];
  /** Keys whose recorded spend exceeds their budget, with both amounts. */
  overBudget: { keyId: string; spendMicros: number; budgetMicros: number }[];
  /** The highest spend / budget ratio over keys with a budget (0 when none). */
  worstBudgetRatio: number;
}

export interface AuditOptions {
  /** Request ids whose answers reached the client; each must have a row. */
  expected: Iterable<string>;
  /** Also count rows outside `expected` (a run where every request was seen by the client). */
  exclusive?: boolean;
}

export function auditLedger(databaseFile: string, options: AuditOptions): LedgerAudit {
  const db = new Database(databaseFile, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    // One read transaction: every figure from the same snapshot while the gateway keeps writing.
    return db.transaction(() => readAudit(db, options))();
  } finally {
    db.close();
  }
}

function readAudit(db: Database.Database, options: AuditOptions): LedgerAudit {
  const integrity = String(db.pragma('integrity_check', { simple: true }));
  const statuses: Record<string, number> = {};
  let rows = 0;
  for (const row of db.prepare('SELECT status, COUNT(*) AS n FROM usage_log GROUP BY status').all() as { status: string; n: number }[]) {
    statuses[row.status] = row.n;
    rows += row.n;
  }
  const has = db.prepare('SELECT 1 FROM usage_log WHERE request_id = ?').pluck();
  const expected = new Set(options.expected);
  const missing = [...expected].filter((id) => has.get(id) === undefined);
  let unexpected = 0;
  if (options.exclusive) {
    for (const id of db.prepare('SELECT request_id FROM usage_log').pluck().iterate() as Iterable<string>) {
      if (!expected.has(id)) unexpected++;
    }
  }
  return { integrity, rows, statuses, missing, unexpected, rollupMismatches: rollupMismatches(db), ...budgets(db) };
}

function rollupMismatches(db: Database.Database): string[] {
  const raw = new Map<string, string>();
  for (const row of db.prepare("SELECT COALESCE(key_id, '') AS k, COUNT(*) AS requests, SUM(cost_micros) AS cost, SUM(prompt_tokens + completion_tokens) AS tokens FROM usage_log GROUP BY 1").all() as Sums[]) {
    raw.set(row.k, describe(row));
  }
  const mismatches: string[] = [];
  // Each rollup summed per key: the daily and hourly ones, and the per-grouping daily table's key
  // rows (migration 13), which the summaries read for whole days.
  const rollups: [string, string][] = [
    ['usage_daily', 'SELECT key_id AS k, SUM(requests) AS requests, SUM(cost_micros) AS cost, SUM(prompt_tokens + completion_tokens) AS tokens FROM usage_daily GROUP BY 1'],
    ['usage_hourly', 'SELECT key_id AS k, SUM(requests) AS requests, SUM(cost_micros) AS cost, SUM(prompt_tokens + completion_tokens) AS tokens FROM usage_hourly GROUP BY 1'],
    ['usage_daily_groups', "SELECT group_value AS k, SUM(requests) AS requests, SUM(cost_micros) AS cost, SUM(prompt_tokens + completion_tokens) AS tokens FROM usage_daily_groups WHERE group_by = 'key' GROUP BY 1"],
  ];
  for (const [table, query] of rollups) {
    const rolled = new Map<string, string>();
    for (const row of db.prepare(query).all() as Sums[]) {
      rolled.set(row.k, describe(row));
    }
    for (const key of new Set([...raw.keys(), ...rolled.keys()])) {
      if (raw.get(key) !== rolled.get(key)) mismatches.push(`${table} key "${key}": raw ${raw.get(key) ?? 'none'}, rollup ${rolled.get(key) ?? 'none'}`);
    }
  }
  return mismatches;
}

interface Sums {
  k: string;
  requests: number;
  cost: number;
  tokens: number;
}

function describe(row: Sums): string {
  return `${row.requests} requests, ${row.cost} µ$, ${row.tokens} tokens`;
}

function budgets(db: Database.Database): Pick<LedgerAudit, 'overBudget' | 'worstBudgetRatio'> {
  const keys = db.prepare('SELECT id, spend_micros AS spend, max_budget_micros AS budget FROM virtual_keys WHERE max_budget_micros IS NOT NULL').all() as
    { id: string; spend: number; budget: number }[];
  const overBudget = keys.filter((k) => k.spend > k.budget).map((k) => ({ keyId: k.id, spendMicros: k.spend, budgetMicros: k.budget }));
  const worstBudgetRatio = keys.reduce((worst, k) => Math.max(worst, k.budget === 0 ? (k.spend > 0 ? Infinity : 0) : k.spend / k.budget), 0);
  return { overBudget, worstBudgetRatio };
}

/** True when the audit found nothing wrong. */
export function auditPassed(audit: LedgerAudit): boolean {
  return audit.integrity === 'ok' && audit.missing.length === 0 && audit.unexpected === 0
    && audit.rollupMismatches.length === 0 && audit.overBudget.length === 0;
}
