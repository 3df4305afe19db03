// Keys', teams' and users' budgets as alert entries (the desktop's webhook and log line): a team's
// hard and soft budgets are announced separately, each once per threshold, the soft one in words
// that say nothing is refused; a user's budget like a key's; each with the end of its period.
// Real SQLite file.
import { afterEach, describe, expect, it } from 'vitest';
import { budgetAlertMessage } from '../../../main/metering/budget-alerts.js';
import { checkBudgets } from '../../../main/metering/budget-thresholds.js';
import { createAlertBudgetReader } from '../../../main/metering/alert-budgets.js';
import { openDatabase } from '../../../main/storage/open-database.js';
import { silentLog } from '../../support/silent-log.js';
import { tempDir, type TempDir } from '../storage/storage-test-kit.js';

let dir: TempDir | undefined;
afterEach(() => {
  dir?.remove();
  dir = undefined;
});

function database() {
  dir = tempDir();
  const { db } = openDatabase({ file: `${dir.path}/switchboard.db`, log: silentLog });
  db.prepare("INSERT INTO teams (id, team_alias, max_budget_micros, soft_budget_micros, spend_micros, created_at, updated_at) VALUES ('t1', 'research', 10000000, 5000000, 0, 0, 0)").run();
  db.prepare("INSERT INTO teams (id, team_alias, spend_micros, created_at, updated_at) VALUES ('t2', 'no budgets', 0, 0, 0)").run();
  db.prepare("INSERT INTO users (id, user_email, max_budget_micros, budget_duration, budget_reset_at, spend_micros, created_at, updated_at) VALUES ('u1', 'ann@example.com', 2000000, '30d', 1800000000000, 0, 0, 0)").run();
  db.prepare(`INSERT INTO virtual_keys (id, key_hash, key_last4, key_alias, max_budget_micros, spend_micros, created_at, updated_at) VALUES ('k1', '${'1'.repeat(64)}', 'wxyz', NULL, 1000000, 250000, 0, 0)`).run();
  db.prepare(`INSERT INTO virtual_keys (id, key_hash, key_last4, key_alias, spend_micros, created_at, updated_at) VALUES ('k2', '${'2'.repeat(64)}', 'abcd', 'no budget', 0, 0, 0)`).run();
  return db;
}

describe('alert budgets', () => {
  it('lists a key\'s budget, a team\'s budget and soft budget separately, and a user\'s budget; nothing for a team or key without budgets', () => {
    const db = database();
    expect(createAlertBudgetReader(db)()).toEqual([
      { keyId: 'k1', app: 'key …wxyz', spendMicros: 250_000, maxBudgetMicros: 1_000_000 },
      { keyId: 'team:t1', app: "team 'research'", spendMicros: 0, maxBudgetMicros: 10_000_000 },
      { keyId: 'team-soft:t1', app: "team 'research'", spendMicros: 0, maxBudgetMicros: 5_000_000, soft: true },
      { keyId: 'user:u1', app: "user 'ann@example.com'", spendMicros: 0, maxBudgetMicros: 2_000_000 },
    ]);
    // Team mode's read: the same entries, each with the end of its period (0 without a duration).
    expect(createAlertBudgetReader(db, { periods: true })()).toEqual([
      { keyId: 'k1', app: 'key …wxyz', spendMicros: 250_000, maxBudgetMicros: 1_000_000, periodEnd: 0 },
      { keyId: 'team:t1', app: "team 'research'", spendMicros: 0, maxBudgetMicros: 10_000_000, periodEnd: 0 },
      { keyId: 'team-soft:t1', app: "team 'research'", spendMicros: 0, maxBudgetMicros: 5_000_000, soft: true, periodEnd: 0 },
      { keyId: 'user:u1', app: "user 'ann@example.com'", spendMicros: 0, maxBudgetMicros: 2_000_000, periodEnd: 1_800_000_000_000 },
    ]);
    db.close();
  });

  it('announces the soft budget once when crossed, as a warning, while the hard budget stays quiet', () => {
    const db = database();
    const read = createAlertBudgetReader(db);
    db.prepare("UPDATE teams SET spend_micros = 5000000 WHERE id = 't1'").run();
    const first = checkBudgets(read(), new Map());
    expect(first.alerts).toEqual([{ keyId: 'team-soft:t1', app: "team 'research'", level: 100, spendMicros: 5_000_000, maxBudgetMicros: 5_000_000, soft: true }]);
    expect(budgetAlertMessage(first.alerts[0]!)).toBe("Switchboard: team 'research' has reached its $5.00 soft budget ($5.00 spent). Requests are still served: a soft budget only warns.");
    // Once per threshold: the same spend again says nothing.
    expect(checkBudgets(read(), first.announced).alerts).toEqual([]);
    // Then the hard budget's 80%, in the refusing words.
    db.prepare("UPDATE teams SET spend_micros = 8000000 WHERE id = 't1'").run();
    const hard = checkBudgets(read(), first.announced).alerts;
    expect(hard.map((a) => [a.keyId, a.level])).toEqual([['team:t1', 80]]);
    expect(budgetAlertMessage(hard[0]!)).toContain("team 'research' has used 80% of its $10.00 budget");
    db.close();
  });
});
