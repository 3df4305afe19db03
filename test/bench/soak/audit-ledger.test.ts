// The soak run's ledger audit against a real SQLite file written by the real usage ledger: it
// must see a clean ledger as clean, and each promise broken as broken (so the soak can fail).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type Database from 'better-sqlite3';
import { auditLedger, auditPassed } from '../../../bench/soak/audit-ledger.js';
import { openDatabase } from '../../../main/storage/open-database.js';
import { createUsageLedger } from '../../../main/metering/usage-ledger.js';
import type { Log } from '../../../main/storage/log.js';
import { usageRecord } from '../../main/metering/usage-test-kit.js';
import { silentLog } from '../../support/silent-log.js';


let dir: string;
let file: string;
let db: Database.Database;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'soak-audit-'));
  file = join(dir, 'switchboard.db');
  db = openDatabase({ file, log: silentLog }).db;
  db.prepare(`INSERT INTO virtual_keys (id, key_hash, key_last4, max_budget_micros, spend_micros, created_at, updated_at)
    VALUES ('key_a', ?, 'abcd', 10000, 3000, 0, 0)`).run('a'.repeat(64));
  const ledger = createUsageLedger(db, { clock: { now: () => Date.UTC(2026, 11, 5) }, log: silentLog });
  for (const [requestId, status] of [['r1', 'success'], ['r2', 'success'], ['r3', 'client_aborted']] as const) {
    ledger.record(usageRecord({ requestId, keyId: 'key_a', status, costMicros: 1000 }));
  }
  ledger.close();
});

afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('auditLedger', () => {
  it('passes a ledger where every answered request has its row, rollups agree and spend is within budget', () => {
    const audit = auditLedger(file, { expected: ['r1', 'r2', 'r3'], exclusive: true });
    expect(audit).toMatchObject({ integrity: 'ok', rows: 3, statuses: { success: 2, client_aborted: 1 }, missing: [], unexpected: 0, rollupMismatches: [], overBudget: [] });
    // 3,000 µ$ spent before, plus the three rows the ledger charged: 6,000 of 10,000.
    expect(audit.worstBudgetRatio).toBeCloseTo(0.6);
    expect(auditPassed(audit)).toBe(true);
  });

  it('names an answered request without a row, and a row nobody was answered for', () => {
    const audit = auditLedger(file, { expected: ['r1', 'r2', 'r4'], exclusive: true });
    expect(audit.missing).toEqual(['r4']);
    expect(audit.unexpected).toBe(1);
    expect(auditPassed(audit)).toBe(false);
  });

  it('finds rollups that disagree with the raw log', () => {
    db.prepare("UPDATE usage_daily SET cost_micros = cost_micros + 1 WHERE key_id = 'key_a'").run();
    const audit = auditLedger(file, { expected: ['r1', 'r2', 'r3'] });
    expect(audit.rollupMismatches).toEqual([expect.stringContaining('usage_daily key "key_a"')]);
    expect(auditPassed(audit)).toBe(false);
  });

  it('finds the per-grouping daily rollup disagreeing with the raw log', () => {
    db.prepare("UPDATE usage_daily_groups SET requests = requests + 1 WHERE group_by = 'key' AND group_value = 'key_a'").run();
    const audit = auditLedger(file, { expected: ['r1', 'r2', 'r3'] });
    expect(audit.rollupMismatches).toEqual([expect.stringContaining('usage_daily_groups key "key_a"')]);
    expect(auditPassed(audit)).toBe(false);
  });

  it('finds a key that spent more than its budget', () => {
    db.prepare("UPDATE virtual_keys SET spend_micros = 10001 WHERE id = 'key_a'").run();
    const audit = auditLedger(file, { expected: [] });
    expect(audit.overBudget).toEqual([{ keyId: 'key_a', spendMicros: 10_001, budgetMicros: 10_000 }]);
    expect(auditPassed(audit)).toBe(false);
  });
});
