import { describe, expect, it } from 'vitest';
import { budgetLine } from '../../../../renderer/src/pages/overview/budget-line.js';

describe('budgetLine', () => {
  it('reads spend against a budget with its share and period', () => {
    expect(budgetLine(1.2, 5, '30d')).toBe('$1.20 of $5.00 (24%), resets every 30d');
    expect(budgetLine(0.0042, 1, null)).toBe('$0.0042 of $1.00 (0%)');
    expect(budgetLine(7, 5, null)).toBe('$7.00 of $5.00 (140%)');
  });
  it('says when there is no budget, and never divides by a zero budget', () => {
    expect(budgetLine(1.2, null, '30d')).toBe('$1.20 (no budget)');
    expect(budgetLine(0, 0, null)).toBe('$0.00 of $0.00');
  });
});
