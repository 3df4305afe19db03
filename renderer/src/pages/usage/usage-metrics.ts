// The measures a usage chart can show, each read from a summary group and formatted for its bar.
import type { UsageSummaryGroup } from '../../../../shared/api/usage-schemas.js';
import { formatSpend } from '../../../../shared/format-usd.js';
import { formatCompactCount } from '../../format/format-count.js';
import { formatLatency } from '../../format/format-latency.js';

export const USAGE_METRICS = ['spend', 'tokens', 'requests', 'errors', 'p50', 'p95'] as const;
export type UsageMetric = (typeof USAGE_METRICS)[number];

export const METRIC_LABELS: Record<UsageMetric, string> = {
  spend: 'Spend',
  tokens: 'Tokens',
  requests: 'Requests',
  errors: 'Errors',
  p50: 'Latency (median)',
  p95: 'Latency (p95)',
};

export function metricValue(metric: UsageMetric, g: UsageSummaryGroup): number {
  switch (metric) {
    case 'spend':
      return g.spend_micros;
    case 'tokens':
      return g.total_tokens;
    case 'requests':
      return g.requests;
    case 'errors':
      return g.errors;
    case 'p50':
      return g.p50_latency_ms ?? 0;
    case 'p95':
      return g.p95_latency_ms ?? 0;
  }
}

/** `priced`: false when the group's spend is on unpriced models only ($0 reads "free"). */
export function metricDisplay(metric: UsageMetric, g: UsageSummaryGroup, priced = true): string {
  switch (metric) {
    case 'spend':
      return formatSpend(g.spend_micros, priced);
    case 'tokens':
      return formatCompactCount(g.total_tokens);
    case 'requests':
      return formatCompactCount(g.requests);
    case 'errors':
      return formatCompactCount(g.errors);
    case 'p50':
      return formatLatency(g.p50_latency_ms);
    case 'p95':
      return formatLatency(g.p95_latency_ms);
  }
}

/**
 * The chart's measure until the user picks one: spend while there is any, else requests, so a
 * local-model user (everything free) never opens on a flat $0 chart.
 */
export function defaultMetric(totals: Pick<UsageSummaryGroup, 'spend_micros' | 'requests'> | undefined): UsageMetric {
  return totals === undefined || totals.spend_micros > 0 || totals.requests === 0 ? 'spend' : 'requests';
}
