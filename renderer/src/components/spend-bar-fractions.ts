// Where a spend bar is drawn: the share of the budget spent and where the soft budget sits, both
// as fractions of the bar (0..1). The bar's scale is the hard budget, or the soft budget when only
// that is set; with neither there is no bar. Spend past the scale fills the bar and says so.
export interface SpendBarFractions {
  /** Filled share of the bar, 0..1. */
  spent: number;
  /** Where the soft budget mark sits, 0..1; null when there is no soft budget (or it is the scale itself). */
  soft: number | null;
  /** Spend reached the budget the bar is drawn against. */
  over: boolean;
  /** Spend reached the soft budget (a warning; requests are still served). */
  pastSoft: boolean;
}

export function spendBarFractions(spend: number, maxBudget: number | null, softBudget: number | null): SpendBarFractions | null {
  const scale = maxBudget ?? softBudget;
  if (scale === null) return null;
  const fraction = (value: number) => (scale > 0 ? Math.min(1, Math.max(0, value / scale)) : 1);
  const spent = fraction(spend);
  const soft = softBudget !== null && maxBudget !== null ? fraction(softBudget) : null;
  return { spent, soft, over: spend >= scale, pastSoft: softBudget !== null && spend >= softBudget };
}
