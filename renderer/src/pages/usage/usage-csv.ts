// CSV export of a usage summary: one row per group with every measure, RFC 4180 quoting, and
// cells that a spreadsheet would run as a formula (app names come from User-Agent headers)
// prefixed with an apostrophe (OWASP "CSV injection").
import type { UsageSummary } from '../../../../shared/api/usage-schemas.js';

const COLUMNS = [
  'requests',
  'errors',
  'rejected',
  'prompt_tokens',
  'completion_tokens',
  'total_tokens',
  'cached_tokens',
  'reasoning_tokens',
  'spend_usd',
  'p50_latency_ms',
  'p95_latency_ms',
] as const;

export function usageToCsv(summary: UsageSummary): string {
  const header = [summary.group_by, 'label', ...COLUMNS];
  const rows = summary.groups.map((g) => [
    g.group,
    g.label ?? '',
    g.requests,
    g.errors,
    g.rejected,
    g.prompt_tokens,
    g.completion_tokens,
    g.total_tokens,
    g.cached_tokens,
    g.reasoning_tokens,
    // Exact: micro-USD to six decimals, no float noise.
    (g.spend_micros / 1_000_000).toFixed(6),
    g.p50_latency_ms ?? '',
    g.p95_latency_ms ?? '',
  ]);
  return [header, ...rows].map((row) => row.map((cell) => csvCell(String(cell))).join(',')).join('\r\n') + '\r\n';
}

export function csvCell(text: string): string {
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvFileName(groupBy: string, start: number, end: number): string {
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  return `switchboard-usage-by-${groupBy}-${day(start)}-to-${day(end)}.csv`;
}
