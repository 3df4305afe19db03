// The range's totals as headline numbers (one /usage/summary call; its totals row).
import type { UsageFilter } from '../../api/create-api-client.js';
import { useEffect } from 'react';
import type { ApiClient } from '../../api/create-api-client.js';
import type { UsageSummaryGroup } from '../../../../shared/api/usage-schemas.js';
import { useApi } from '../../api/use-api.js';
import { LoadState } from '../../components/LoadState.js';
import { StatTile } from '../../components/StatTile.js';
import { formatSpend } from '../../../../shared/format-usd.js';
import type { ModelPricing } from '../../api/use-model-pricing.js';
import { formatCount } from '../../format/format-count.js';
import { formatLatency } from '../../format/format-latency.js';
import type { TimeRange } from './usage-range.js';

export interface UsageTotalsProps {
  api: ApiClient;
  range: TimeRange;
  version: number;
  /** Narrows every figure (e.g. to one team's keys); none: all usage. */
  filter?: UsageFilter;
  pricing?: ModelPricing;
  /** Told the range's totals once loaded (the page picks its chart measure from them). */
  onTotals?: (totals: UsageSummaryGroup) => void;
}

export function UsageTotals({ api, range, version, pricing, onTotals, filter = {} }: UsageTotalsProps) {
  const summary = useApi(() => api.usageSummary('provider', range.start, range.end, filter), [api, range.start, range.end, version, filter.teamId, filter.userId, filter.keyId]);
  useEffect(() => {
    if (summary.data !== undefined) onTotals?.(summary.data.totals);
  }, [summary.data, onTotals]);
  return (
    <section className="card" aria-label="Totals for the range">
      <LoadState loadable={summary} label="totals">
        {(s) => (
          <div className="stats">
            <StatTile label="Spend" value={formatSpend(s.totals.spend_micros, !(pricing?.allFree ?? false))} />
            <StatTile label="Requests" value={formatCount(s.totals.requests)} />
            <StatTile label="Tokens" value={formatCount(s.totals.total_tokens)} hint={`${formatCount(s.totals.prompt_tokens)} in · ${formatCount(s.totals.completion_tokens)} out`} />
            <StatTile label="Errors" value={formatCount(s.totals.errors)} tone={s.totals.errors > 0 ? 'bad' : 'normal'} />
            <StatTile label="Rejected" value={formatCount(s.totals.rejected)} hint="refused by a limit, budget or model list" />
            <StatTile label="Latency p95" value={formatLatency(s.totals.p95_latency_ms)} hint={`median ${formatLatency(s.totals.p50_latency_ms)}`} />
          </div>
        )}
      </LoadState>
    </section>
  );
}
