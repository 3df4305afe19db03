import { describe, expect, it } from 'vitest';
import { budgetLevel, checkBudgets, type BudgetLevel, type KeyBudget } from '../../../main/metering/budget-thresholds.js';

const USD = 1_000_000;
const key = (spendMicros: number, maxBudgetMicros: number | null = 10 * USD, keyId = 'key_a', app = 'Cursor'): KeyBudget => ({ keyId, app, spendMicros, maxBudgetMicros });

describe('budget-thresholds', () => {
  it.each<[number, number | null, BudgetLevel | null]>([
    [0, 10 * USD, null],
    [7_999_999, 10 * USD, null],
    [8 * USD, 10 * USD, 80],
    [9_999_999, 10 * USD, 80],
    [10 * USD, 10 * USD, 100],
    [12 * USD, 10 * USD, 100],
    [5 * USD, null, null],
    [0, 0, null],
    [1, 0, null],
    [4, 5, 80],
    [3, 5, null],
    [1e15, 1e15, 100],
  ])('spend %d of budget %s is level %s', (spend, max, level) => {
    expect(budgetLevel(spend, max)).toBe(level);
  });

  it('alerts once at 80%, not again on the next poll', () => {
    const first = checkBudgets([key(8 * USD)], new Map());
    expect(first.alerts).toEqual([{ keyId: 'key_a', app: 'Cursor', level: 80, spendMicros: 8 * USD, maxBudgetMicros: 10 * USD }]);
    const second = checkBudgets([key(8.5 * USD)], first.announced);
    expect(second.alerts).toEqual([]);
  });

  it('alerts again when the budget is used up', () => {
    const at80 = checkBudgets([key(8 * USD)], new Map());
    const at100 = checkBudgets([key(10 * USD)], at80.announced);
    expect(at100.alerts.map((a) => a.level)).toEqual([100]);
    expect(checkBudgets([key(11 * USD)], at100.announced).alerts).toEqual([]);
  });

  it('jumps straight to one 100% alert when spend passes both thresholds between polls', () => {
    expect(checkBudgets([key(10 * USD)], new Map()).alerts.map((a) => a.level)).toEqual([100]);
  });

  it('re-arms after the budget resets', () => {
    const used = checkBudgets([key(10 * USD)], new Map());
    const reset = checkBudgets([key(0)], used.announced);
    expect(reset.alerts).toEqual([]);
    expect(reset.announced.size).toBe(0);
    expect(checkBudgets([key(8 * USD)], reset.announced).alerts.map((a) => a.level)).toEqual([80]);
  });

  it('does not repeat 80% when a used-up budget is raised, but alerts when the raised one runs out', () => {
    const used = checkBudgets([key(10 * USD)], new Map());
    const raised = checkBudgets([key(10 * USD, 12 * USD)], used.announced);
    expect(raised.alerts).toEqual([]);
    expect(checkBudgets([key(12 * USD, 12 * USD)], raised.announced).alerts.map((a) => a.level)).toEqual([100]);
  });

  it('tracks each app on its own and forgets deleted keys', () => {
    const both = checkBudgets([key(8 * USD, 10 * USD, 'key_a', 'Cursor'), key(1 * USD, 1 * USD, 'key_b', 'Aider')], new Map());
    expect(both.alerts.map((a) => [a.app, a.level])).toEqual([['Cursor', 80], ['Aider', 100]]);
    const afterDelete = checkBudgets([key(8 * USD, 10 * USD, 'key_a', 'Cursor')], both.announced);
    expect([...afterDelete.announced.keys()]).toEqual(['key_a']);
  });

  it('ignores keys without a budget', () => {
    expect(checkBudgets([key(1_000 * USD, null)], new Map())).toEqual({ alerts: [], announced: new Map() });
  });
});
