import { describe, expect, it } from 'vitest';
import { skippedRows, standaloneRows } from '../../bench/standalone-measurement.js';

describe('standalone-measurement', () => {
  it.each([
    ['PASS under a strict limit', 4, { op: '<', limit: 50 }, 4, 'PASS'],
    ['MISS on a strict limit itself', 50, { op: '<', limit: 50 }, 50, 'MISS'],
    ['MISS over it', 80, { op: '<', limit: 50 }, 80, 'MISS'],
    ['n/a when the value is NaN', Number.NaN, { op: '<', limit: 50 }, undefined, 'n/a'],
    ['blank without a goal', 12, undefined, 12, ''],
  ] as const)('a result row is %s', (_name, value, goal, shown, result) => {
    const [row] = standaloneRows('usage summary', [{ metric: 'query', unit: 'ms', value, ...(goal ? { goal } : {}) }]);
    expect(row).toEqual({ scenario: 'usage summary', metric: 'query', unit: 'ms', value: shown, floor: undefined, goal, result });
  });

  it('shows a skipped measurement as rows without values, with their goals, marked skipped', () => {
    const rows = skippedRows({
      name: 'usage summary, 1,000,000 rows',
      metrics: [{ metric: 'query', unit: 'ms', goal: { op: '<', limit: 50 } }, { metric: 'seed', unit: 'ms' }],
    });
    expect(rows).toEqual([
      { scenario: 'usage summary, 1,000,000 rows', metric: 'query', unit: 'ms', value: undefined, floor: undefined, goal: { op: '<', limit: 50 }, result: 'skipped' },
      { scenario: 'usage summary, 1,000,000 rows', metric: 'seed', unit: 'ms', value: undefined, floor: undefined, goal: undefined, result: 'skipped' },
    ]);
  });
});
