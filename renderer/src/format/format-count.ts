// Whole numbers for people: 1,234,567. Compact form (1.2M) for chart labels.
const full = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });

export function formatCount(n: number): string {
  return Number.isFinite(n) ? full.format(n) : '—';
}

export function formatCompactCount(n: number): string {
  return Number.isFinite(n) ? compact.format(n) : '—';
}
