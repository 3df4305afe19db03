// One breakdown of usage (per app, model, provider or day) over the chosen range: a chart of the
// chosen measure, the full table, and CSV export. Served by /usage/summary, so it stays fast
// with millions of rows (the server reads daily rollups). Per app, each app links to its requests
// in Logs.
import type { UsageFilter } from '../../api/create-api-client.js';
import type { ApiClient } from '../../api/create-api-client.js';
import { useApi } from '../../api/use-api.js';
import { LoadState } from '../../components/LoadState.js';
import { HorizontalBarChart } from '../../components/HorizontalBarChart.js';
import { ColumnChart } from '../../components/ColumnChart.js';
import type { UsageGroupBy, UsageSummaryGroup } from '../../../../shared/api/usage-schemas.js';
import { formatSpend } from '../../../../shared/format-usd.js';
import type { ModelPricing } from '../../api/use-model-pricing.js';
import { formatCount } from '../../format/format-count.js';
import { formatLatency } from '../../format/format-latency.js';
import { METRIC_LABELS, metricDisplay, metricValue, type UsageMetric } from './usage-metrics.js';
import { csvFileName, usageToCsv } from './usage-csv.js';
import { saveTextFile } from '../../components/save-text-file.js';
import { TableWrap } from '../../components/TableWrap.js';
import { utcDaysIn, type TimeRange } from './usage-range.js';
import { logsOfApp } from '../logs/logs-app-link.js';

export interface UsageBreakdownProps {
  api: ApiClient;
  groupBy: UsageGroupBy;
  range: TimeRange;
  metric: UsageMetric;
  title: string;
  /** Bumped to reload. */
  version: number;
  /** Narrows every figure (e.g. to one team's keys); none: all usage. */
  filter?: UsageFilter;
  /** Which models are unpriced, so their $0 reads "free". */
  pricing?: ModelPricing;
}

const GROUP_HEADINGS: Record<UsageGroupBy, string> = { app: 'App', model: 'Model', provider: 'Provider', day: 'Day (UTC)', key: 'Key' };

export function groupName(groupBy: UsageGroupBy, g: UsageSummaryGroup): string {
  if (groupBy === 'key') return g.group === '' ? '(admin key)' : (g.label ?? g.group);
  // An empty model or provider is a request refused before routing (a bad or blocked key).
  if (g.group === '') return groupBy === 'model' || groupBy === 'provider' ? '(refused before routing)' : '(none)';
  return g.group;
}

export function UsageBreakdown({ api, groupBy, range, metric, title, version, pricing, filter = {} }: UsageBreakdownProps) {
  // Models and providers are known one by one; an app, key or day may mix them, so it is free only when every model is.
  const priced = (g: UsageSummaryGroup): boolean =>
    !(pricing === undefined ? false : groupBy === 'model' || groupBy === 'provider' ? pricing.isFree(g.group) : pricing.allFree);
  const summary = useApi(() => api.usageSummary(groupBy, range.start, range.end, filter), [api, groupBy, range.start, range.end, version, filter.teamId, filter.userId, filter.keyId]);
  const id = `usage-${groupBy}`;
  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <div className="card-head">
        <h2 id={`${id}-title`}>{title}</h2>
        <button
          type="button"
          className="button-small"
          disabled={summary.data === undefined || summary.data.groups.length === 0}
          onClick={() => summary.data && saveTextFile(csvFileName(groupBy, range.start, range.end), usageToCsv(summary.data), 'text/csv;charset=utf-8')}
          aria-label={`Export usage per ${groupBy} as CSV`}
        >
          Export CSV
        </button>
      </div>
      <LoadState loadable={summary} label={`usage per ${groupBy}`} isEmpty={(s) => s.groups.length === 0} empty={<p>No requests in this range.</p>}>
        {(s) => {
          const groups = groupBy === 'day' ? fillDays(s.groups, range) : [...s.groups].sort((a, b) => metricValue(metric, b) - metricValue(metric, a));
          const bars = groups.map((g) => ({ label: groupName(groupBy, g), value: metricValue(metric, g), display: metricDisplay(metric, g, priced(g)) }));
          return (
            <>
              {groupBy === 'day' ? <ColumnChart title={`${METRIC_LABELS[metric]} per day`} bars={bars} /> : <HorizontalBarChart title={`${METRIC_LABELS[metric]} per ${groupBy}`} bars={bars} />}
              <TableWrap label={title}>
                <table className="table table-numbers table-cards">
                  <caption className="visually-hidden">{title}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{GROUP_HEADINGS[groupBy]}</th>
                      <th scope="col">Requests</th>
                      <th scope="col">Errors</th>
                      <th scope="col">Rejected</th>
                      <th scope="col">Tokens in</th>
                      <th scope="col">Tokens out</th>
                      <th scope="col">Spend</th>
                      <th scope="col">Median</th>
                      <th scope="col">p95</th>
                    </tr>
                  </thead>
                  <tbody>
                    {s.groups.map((g) => (
                      <tr key={g.group}>
                        <th scope="row">
                          {groupBy === 'app' && g.group !== '' ? (
                            <a href={logsOfApp(g.group)} title={`Requests of ${g.group} in Logs`}>
                              {groupName(groupBy, g)}
                            </a>
                          ) : (
                            groupName(groupBy, g)
                          )}
                        </th>
                        <td data-label="Requests">{formatCount(g.requests)}</td>
                        <td data-label="Errors" className={g.errors > 0 ? 'bad' : undefined}>{formatCount(g.errors)}</td>
                        <td data-label="Rejected">{formatCount(g.rejected)}</td>
                        <td data-label="Tokens in">{formatCount(g.prompt_tokens)}</td>
                        <td data-label="Tokens out">{formatCount(g.completion_tokens)}</td>
                        <td data-label="Spend">{formatSpend(g.spend_micros, priced(g))}</td>
                        <td data-label="Median">{formatLatency(g.p50_latency_ms)}</td>
                        <td data-label="p95">{formatLatency(g.p95_latency_ms)}</td>
                      </tr>
                    ))}
                  </tbody>
                  <tfoot>
                    <tr>
                      <th scope="row">Total</th>
                      <td data-label="Requests">{formatCount(s.totals.requests)}</td>
                      <td data-label="Errors">{formatCount(s.totals.errors)}</td>
                      <td data-label="Rejected">{formatCount(s.totals.rejected)}</td>
                      <td data-label="Tokens in">{formatCount(s.totals.prompt_tokens)}</td>
                      <td data-label="Tokens out">{formatCount(s.totals.completion_tokens)}</td>
                      <td data-label="Spend">{formatSpend(s.totals.spend_micros, !(pricing?.allFree ?? false))}</td>
                      <td data-label="Median">{formatLatency(s.totals.p50_latency_ms)}</td>
                      <td data-label="p95">{formatLatency(s.totals.p95_latency_ms)}</td>
                    </tr>
                  </tfoot>
                </table>
              </TableWrap>
            </>
          );
        }}
      </LoadState>
    </section>
  );
}

function fillDays(groups: readonly UsageSummaryGroup[], range: TimeRange): UsageSummaryGroup[] {
  const byDay = new Map(groups.map((g) => [g.group, g]));
  return utcDaysIn(range).map(
    (day) =>
      byDay.get(day) ?? { group: day, label: null, spend_micros: 0, spend: 0, prompt_tokens: 0, completion_tokens: 0, cached_tokens: 0, reasoning_tokens: 0, total_tokens: 0, requests: 0, errors: 0, rejected: 0, p50_latency_ms: null, p95_latency_ms: null },
  );
}
