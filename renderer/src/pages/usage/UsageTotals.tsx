// The range's totals as headline numbers (one /usage/summary call; its totals row).
import type { ApiClient } from '../../api/create-api-client.js';
import { useApi } from '../../api/use-api.js';
import { LoadState } from '../../components/LoadState.js';
import { StatTile } from '../../components/StatTile.js';
import { formatUsd } from '../../../../shared/format-usd.js';
import { formatCount } from '../../format/format-count.js';
import { formatLatency } from '../../format/format-latency.js';
import type { TimeRange } from './usage-range.js';

export function UsageTotals({ api, range, version }: { api: ApiClient; range: TimeRange; version: number }) {
  const summary = useApi(() => api.usageSummary('provider', range.start, range.end), [api, range.start, range.end, version]);
  return (
    <section className="card" aria-label="Totals for the range">
      <LoadState loadable={summary} label="totals">
        {(s) => (
          <div className="stats">
            <StatTile label="Spend" value={formatUsd(s.totals.spend_micros)} />
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
