import { describe, expect, it } from 'vitest';
import { spendBarFractions } from '../../../renderer/src/components/spend-bar-fractions.js';

describe('spendBarFractions', () => {
  it('draws nothing without a budget or a soft budget', () => {
    expect(spendBarFractions(3, null, null)).toBeNull();
  });

  it('fills the share of the budget spent and marks the soft budget on the same scale', () => {
    expect(spendBarFractions(2.5, 10, 8)).toEqual({ spent: 0.25, soft: 0.8, over: false, pastSoft: false });
  });

  it('says the soft budget is passed before the budget is', () => {
    expect(spendBarFractions(9, 10, 8)).toEqual({ spent: 0.9, soft: 0.8, over: false, pastSoft: true });
  });

  it('caps the fill at a full bar when spend passes the budget', () => {
    expect(spendBarFractions(12, 10, null)).toEqual({ spent: 1, soft: null, over: true, pastSoft: false });
  });

  it('measures against the soft budget when it is the only one, with no mark of its own', () => {
    expect(spendBarFractions(2, null, 4)).toEqual({ spent: 0.5, soft: null, over: false, pastSoft: false });
  });

  it('keeps a soft budget above the budget at the end of the bar', () => {
    expect(spendBarFractions(1, 2, 5)?.soft).toBe(1);
  });

  it('treats a zero budget as spent', () => {
    expect(spendBarFractions(0, 0, null)).toEqual({ spent: 1, soft: null, over: true, pastSoft: false });
  });
});
