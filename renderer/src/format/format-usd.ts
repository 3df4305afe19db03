// Money for people: USD with as many decimals as a small amount needs ($0.000135, $0.42, $12.30).
// The API sends integer micro-USD; this is the only place that turns it into text.

export function formatUsd(usd: number): string {
  if (!Number.isFinite(usd)) return '—';
  const sign = usd < 0 ? '-' : '';
  const abs = Math.abs(usd);
  if (abs === 0) return '$0.00';
  if (abs >= 1) return `${sign}$${abs.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
  if (abs >= 0.01) return `${sign}$${abs.toFixed(4).replace(/0{1,2}$/, '')}`;
  // Six decimals is one micro-dollar, the ledger's unit.
  const text = abs.toFixed(6).replace(/0+$/, '');
  return `${sign}$${text === '0.' ? '0.000001' : text}`;
}

export function formatMicros(micros: number): string {
  return formatUsd(micros / 1_000_000);
}

/** USD per token (LiteLLM's unit) as USD per million tokens, the unit price lists use. */
export function formatPerMillion(usdPerToken: number | null | undefined): string {
  if (usdPerToken === null || usdPerToken === undefined) return '—';
  const perMillion = Math.round(usdPerToken * 1_000_000 * 1e6) / 1e6;
  return `${formatUsd(perMillion)} / 1M`;
}
