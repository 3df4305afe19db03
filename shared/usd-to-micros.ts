// USD as LiteLLM's wire format carries it (a float: key spend, max_budget) to the integer
// micro-USD everything else counts in. Rounds to the nearest micro-dollar; never formats.

export function usdToMicros(usd: number): number {
  return Math.round(usd * 1_000_000);
}
