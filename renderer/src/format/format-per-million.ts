// Token prices for people: LiteLLM's USD per token as USD per million tokens, the unit price
// lists use ($2.50 / 1M), in the unit-price form of the money format (shared/format-usd.ts). Never rounds a price
// below a dollar: those show to the micro-dollar ($0.075 / 1M).
import { formatUsdPrice } from '../../../shared/format-usd.js';

export function formatPerMillion(usdPerToken: number | null | undefined): string {
  if (usdPerToken === null || usdPerToken === undefined) return '—';
  // USD per token x 1e6 tokens x 1e6 micro-USD per USD.
  return `${formatUsdPrice(usdPerToken * 1e12)} / 1M`;
}
