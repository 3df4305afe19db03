// One line for a spend against a budget, as the member's Overview shows a user's or a team's:
// "$1.20 of $5.00 (24%), resets every 30d", or "$1.20 (no budget)". Amounts arrive in USD as the
// LiteLLM-shaped answers carry them and are shown through the one money formatter.
import { formatUsd } from '../../../../shared/format-usd.js';

export function budgetLine(spendUsd: number, maxBudgetUsd: number | null, duration: string | null): string {
  const spend = formatUsd(Math.round(spendUsd * 1_000_000));
  if (maxBudgetUsd === null) return `${spend} (no budget)`;
  const max = formatUsd(Math.round(maxBudgetUsd * 1_000_000));
  const share = maxBudgetUsd > 0 ? ` (${Math.min(999, Math.round((spendUsd / maxBudgetUsd) * 100))}%)` : '';
  return `${spend} of ${max}${share}${duration ? `, resets every ${duration}` : ''}`;
}
