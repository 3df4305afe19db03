// Usage per app over the range as stacked columns (one per UTC day, or per hour for ranges of
// two days or less), with a legend, a text summary for screen readers and the same numbers as
// a table. Served by /usage/timeline (rollups), so it stays fast at any volume.
import type { UsageFilter } from '../../api/create-api-client.js';
import { useId } from 'react';
import type { ApiClient } from '../../api/create-api-client.js';
import { useApi } from '../../api/use-api.js';
import type { ModelPricing } from '../../api/use-model-pricing.js';
import { LoadState } from '../../components/LoadState.js';
import { TableWrap } from '../../components/TableWrap.js';
import { SERIES_COLOURS, StackedColumnChart, type StackedColumn, type StackedSeries } from '../../components/StackedColumnChart.js';
import type { UsageTimeline, UsageTimelinePoint } from '../../../../shared/api/usage-schemas.js';
import { formatSpend } from '../../../../shared/format-usd.js';
import { formatCompactCount, formatCount } from '../../format/format-count.js';
import { timeZoneLabel } from '../../format/format-date-time.js';
import { METRIC_LABELS, type UsageMetric } from './usage-metrics.js';
import type { TimeRange } from './usage-range.js';

export interface UsageOverTimeProps {
  api: ApiClient;
  range: TimeRange;
  metric: UsageMetric;
  version: number;
  /** Narrows every figure (e.g. to one team's keys); none: all usage. */
  filter?: UsageFilter;
  pricing?: ModelPricing;
}

/** The measures a stack can add up; latency percentiles cannot be stacked, so they show requests. */
type StackMetric = 'spend' | 'tokens' | 'requests' | 'errors';

const HOUR_BUCKETS_UP_TO_MS = 2 * 86_400_000;
const OTHER_APPS = 'Other apps';

export function stackMetric(metric: UsageMetric): StackMetric {
  return metric === 'spend' || metric === 'tokens' || metric === 'errors' ? metric : 'requests';
}

function pointValue(metric: StackMetric, p: UsageTimelinePoint): number {
  switch (metric) {
    case 'spend':
      return p.spend_micros;
    case 'tokens':
      return p.total_tokens;
    case 'requests':
      return p.requests;
    case 'errors':
      return p.errors;
  }
}

const pad = (n: number) => String(n).padStart(2, '0');

function bucketTitle(timeline: UsageTimeline, start: number): string {
  const date = new Date(start);
  if (timeline.bucket === 'day') return `${date.toISOString().slice(0, 10)} (UTC)`;
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())} ${timeZoneLabel(date)}`;
}

function bucketLabel(timeline: UsageTimeline, start: number): string {
  const date = new Date(start);
  return timeline.bucket === 'day' ? date.toISOString().slice(5, 10) : `${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** Apps as series: the seven biggest by this measure, the rest together as "Other apps". */
export function stackSeries(timeline: UsageTimeline, metric: StackMetric): { series: StackedSeries[]; seriesOf: (app: string) => number } {
  const totals = new Map<string, number>(timeline.apps.map((app) => [app, 0]));
  for (const p of timeline.points) totals.set(p.app, (totals.get(p.app) ?? 0) + pointValue(metric, p));
  const ranked = [...totals.entries()].sort((a, b) => b[1] - a[1] || timeline.apps.indexOf(a[0]) - timeline.apps.indexOf(b[0])).map(([app]) => app);
  const named = ranked.length > SERIES_COLOURS ? ranked.slice(0, SERIES_COLOURS - 1) : ranked;
  const series = named.map((app, i) => ({ name: app === '' ? '(none)' : app, colour: i }));
  if (ranked.length > named.length) series.push({ name: OTHER_APPS, colour: SERIES_COLOURS - 1 });
  const index = new Map(named.map((app, i) => [app, i]));
  return { series, seriesOf: (app) => index.get(app) ?? SERIES_COLOURS - 1 };
}

export function UsageOverTime({ api, range, metric, version, pricing, filter = {} }: UsageOverTimeProps) {
  const id = useId();
  const bucket = range.end - range.start <= HOUR_BUCKETS_UP_TO_MS ? 'hour' : 'day';
  const timeline = useApi(() => api.usageTimeline(bucket, range.start, range.end, filter), [api, bucket, range.start, range.end, version, filter.teamId, filter.userId, filter.keyId]);
  const measure = stackMetric(metric);
  const priced = !(pricing?.allFree ?? false);
  const display = (value: number): string => (measure === 'spend' ? formatSpend(value, priced) : formatCompactCount(value));
  const fullDisplay = (value: number): string => (measure === 'spend' ? formatSpend(value, priced) : formatCount(value));
  const title = `${METRIC_LABELS[measure]} per ${bucket} by app`;
  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Apps over time</h2>
      <LoadState loadable={timeline} label="usage over time" isEmpty={(t) => t.points.length === 0} empty={<p>No requests in this range.</p>}>
        {(t) => {
          const { series, seriesOf } = stackSeries(t, measure);
          const cells = new Map<number, number[]>();
          const perSeries = new Array<number>(series.length).fill(0);
          for (const p of t.points) {
            const values = cells.get(p.bucket_start) ?? new Array<number>(series.length).fill(0);
            const s = seriesOf(p.app);
            values[s] = (values[s] ?? 0) + pointValue(measure, p);
            perSeries[s] = (perSeries[s] ?? 0) + pointValue(measure, p);
            cells.set(p.bucket_start, values);
          }
          const columns: StackedColumn[] = t.buckets.map((start) => ({ label: bucketLabel(t, start), title: bucketTitle(t, start), values: cells.get(start) ?? [] }));
          const summary = `${title}: ${series.map((s, i) => `${s.name} ${fullDisplay(perSeries[i] ?? 0)}`).join(', ')} in all.`;
          const rows = t.points.filter((p) => pointValue(measure, p) > 0 || measure === 'spend');
          return (
            <figure className="chart" aria-labelledby={`${id}-caption`} aria-describedby={`${id}-summary`}>
              <figcaption id={`${id}-caption`} className="chart-title">
                {title}
              </figcaption>
              <p id={`${id}-summary`} className="visually-hidden">
                {summary}
              </p>
              <StackedColumnChart columns={columns} series={series} display={display} />
              <ul className="chart-legend" aria-label="Apps">
                {series.map((s, i) => (
                  <li key={s.name}>
                    <span className={`chart-swatch series-${s.colour}`} aria-hidden="true" />
                    <span className="chart-legend-name" title={s.name}>
                      {s.name}
                    </span>{' '}
                    <span className="muted">{fullDisplay(perSeries[i] ?? 0)}</span>
                  </li>
                ))}
              </ul>
              <details className="chart-table">
                <summary>Show as a table</summary>
                <TableWrap label={title}>
                  <table className="table table-numbers">
                    <caption className="visually-hidden">{title}</caption>
                    <thead>
                      <tr>
                        <th scope="col">{t.bucket === 'day' ? 'Day (UTC)' : `Hour (${timeZoneLabel(new Date(range.end))})`}</th>
                        <th scope="col">App</th>
                        <th scope="col">{METRIC_LABELS[measure]}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {rows.map((p) => (
                        <tr key={`${p.bucket_start}-${p.app}`}>
                          <td>{bucketTitle(t, p.bucket_start).replace(/ \(UTC\)$/, '')}</td>
                          <th scope="row">{p.app === '' ? '(none)' : p.app}</th>
                          <td>{fullDisplay(pointValue(measure, p))}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </TableWrap>
              </details>
            </figure>
          );
        }}
      </LoadState>
    </section>
  );
}
