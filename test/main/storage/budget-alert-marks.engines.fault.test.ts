// Budget alert marks, once per engine from one definition: a threshold is claimed once per budget,
// period and amount (only a rise is news: 80 then 100, never 80 after 100); many claims at once
// from two connections (two replicas) let exactly one through; a new period or a raised budget is
// claimed again; pruning drops only periods that ended, never a budget without a duration.
import { describe, expect, it } from 'vitest';
import { createBudgetAlertMarks, type BudgetAlertMark } from '../../../main/storage/budget-alert-marks.js';
import { ENGINES, useStorageEngines } from './storage-engines-kit.js';

const engines = useStorageEngines();
const mark = (level: 80 | 100, overrides: Partial<BudgetAlertMark> = {}): BudgetAlertMark => ({ budgetId: 'team:t1', periodEnd: 5_000, maxBudgetMicros: 10_000_000, level, ...overrides });

describe.each(ENGINES)('createBudgetAlertMarks on %s', (engine) => {
  it('claims each threshold once: 80 then 100, a repeat or a lower level after a higher one is not news', async () => {
    const marks = createBudgetAlertMarks((await engines.open(engine)).connection);
    expect(await marks.claim(mark(80), 1)).toBe(true);
    expect(await marks.claim(mark(80), 2)).toBe(false);
    expect(await marks.claim(mark(100), 3)).toBe(true);
    expect(await marks.claim(mark(100), 4)).toBe(false);
    expect(await marks.claim(mark(80), 5)).toBe(false);
    // Straight to 100 on another budget: one claim; its 80 is not announced afterwards.
    expect(await marks.claim(mark(100, { budgetId: 'key_1' }), 6)).toBe(true);
    expect(await marks.claim(mark(80, { budgetId: 'key_1' }), 7)).toBe(false);
  });

  it('claims again in a new budget period and for a raised budget', async () => {
    const marks = createBudgetAlertMarks((await engines.open(engine)).connection);
    expect(await marks.claim(mark(100), 1)).toBe(true);
    expect(await marks.claim(mark(80, { periodEnd: 9_000 }), 2)).toBe(true);
    expect(await marks.claim(mark(80, { maxBudgetMicros: 20_000_000 }), 3)).toBe(true);
  });

  it('lets exactly one of many simultaneous claims from two connections through', async () => {
    const database = await engines.open(engine);
    const replicas = [createBudgetAlertMarks(database.connection), createBudgetAlertMarks(await database.reconnect())];
    const claims = await Promise.all(Array.from({ length: 20 }, (_, i) => Promise.resolve(replicas[i % 2]!.claim(mark(80), i))));
    expect(claims.filter(Boolean)).toHaveLength(1);
    const raised = await Promise.all(Array.from({ length: 20 }, (_, i) => Promise.resolve(replicas[i % 2]!.claim(mark(100), 100 + i))));
    expect(raised.filter(Boolean)).toHaveLength(1);
  });

  it('prunes the marks of periods that ended before the cutoff, and keeps budgets without a duration', async () => {
    const marks = createBudgetAlertMarks((await engines.open(engine)).connection);
    await marks.claim(mark(80, { periodEnd: 1_000 }), 1);
    await marks.claim(mark(80, { periodEnd: 3_000 }), 1);
    await marks.claim(mark(80, { periodEnd: 0 }), 1);
    expect(await marks.prune(2_000)).toBe(1);
    expect(await marks.claim(mark(80, { periodEnd: 1_000 }), 2)).toBe(true);
    expect(await marks.claim(mark(80, { periodEnd: 3_000 }), 2)).toBe(false);
    expect(await marks.claim(mark(80, { periodEnd: 0 }), 2)).toBe(false);
  });
});
