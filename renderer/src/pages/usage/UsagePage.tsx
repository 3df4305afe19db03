// Usage: spend, tokens, requests, errors and latency over a chosen range, per app, model,
// provider and day, each as a chart with its table and a CSV export, and per app over time as a
// stacked chart. Only summaries are fetched (never raw rows), so it stays fast at any volume.
// The chart measure follows the data until the user picks one: requests when nothing cost money.
// Once teams exist, a Team filter narrows every figure to one team's keys (the gateway filters).
import { useId, useMemo, useState } from 'react';
import type { ApiClient } from '../../api/create-api-client.js';
import { RANGE_LABELS, RANGE_PRESETS, defaultCustomDates, resolveRange, type RangePreset } from './usage-range.js';
import { METRIC_LABELS, USAGE_METRICS, defaultMetric, type UsageMetric } from './usage-metrics.js';
import { UsageBreakdown } from './UsageBreakdown.js';
import { UsageTotals } from './UsageTotals.js';
import { UsageOverTime } from './UsageOverTime.js';
import type { UsageSummaryGroup } from '../../../../shared/api/usage-schemas.js';
import { useModelPricing } from '../../api/use-model-pricing.js';
import { TeamFilter } from '../../components/TeamFilter.js';
import type { ViewerTeam } from '../../session/viewer.js';

export interface UsagePageProps {
  api: ApiClient;
  now?: () => number;
  /** A member's session: the teams it admins, whose usage it may also read (undefined for the admin). */
  memberTeams?: readonly ViewerTeam[];
}

export function UsagePage({ api, now = Date.now, memberTeams }: UsagePageProps) {
  const id = useId();
  const [preset, setPreset] = useState<RangePreset>('7d');
  // null: not chosen yet, so the measure follows the range's totals.
  const [chosenMetric, setMetric] = useState<UsageMetric | null>(null);
  const [dates, setDates] = useState(() => defaultCustomDates(now()));
  // "Now" is fixed when the range is chosen or refreshed, so every section reads the same window.
  const [version, setVersion] = useState(0);
  const range = useMemo(() => resolveRange(preset, now(), dates.from, dates.to), [preset, dates.from, dates.to, version, now]);
  const pricing = useModelPricing(api);
  const [totals, setTotals] = useState<UsageSummaryGroup | undefined>(undefined);
  const metric = chosenMetric ?? defaultMetric(totals);
  // '' = every team's usage and the ownerless keys' (the page as it was before teams); for a
  // member, its own usage (the gateway narrows it).
  const [teamId, setTeamId] = useState('');
  const filter = useMemo(() => (teamId === '' ? {} : { teamId }), [teamId]);

  return (
    <div className="stack">
      <form className="toolbar card" onSubmit={(e) => e.preventDefault()} aria-label="Usage range and measure">
        <div className="field">
          <label htmlFor={`${id}-range`}>Range</label>
          <select id={`${id}-range`} value={preset} onChange={(e) => setPreset(e.target.value as RangePreset)}>
            {RANGE_PRESETS.map((p) => (
              <option key={p} value={p}>
                {RANGE_LABELS[p]}
              </option>
            ))}
          </select>
        </div>
        {preset === 'custom' ? (
          <>
            <div className="field">
              <label htmlFor={`${id}-from`}>From</label>
              <input id={`${id}-from`} type="date" value={dates.from} onChange={(e) => setDates((d) => ({ ...d, from: e.target.value }))} />
            </div>
            <div className="field">
              <label htmlFor={`${id}-to`}>To</label>
              <input id={`${id}-to`} type="date" value={dates.to} onChange={(e) => setDates((d) => ({ ...d, to: e.target.value }))} />
            </div>
          </>
        ) : null}
        <TeamFilter api={api} id={`${id}-team`} value={teamId} onChange={setTeamId} {...(memberTeams ? { memberTeams } : {})} />
        <div className="field">
          <label htmlFor={`${id}-metric`}>Chart</label>
          <select id={`${id}-metric`} value={metric} onChange={(e) => setMetric(e.target.value as UsageMetric)}>
            {USAGE_METRICS.map((m) => (
              <option key={m} value={m}>
                {METRIC_LABELS[m]}
              </option>
            ))}
          </select>
        </div>
        <button type="button" onClick={() => setVersion((v) => v + 1)}>
          Refresh
        </button>
      </form>
      {'error' in range ? (
        <p className="notice notice-error" role="alert">
          {range.error}
        </p>
      ) : (
        <>
          <UsageTotals api={api} filter={filter} range={range} version={version} pricing={pricing} onTotals={setTotals} />
          <UsageOverTime api={api} filter={filter} range={range} metric={metric} version={version} pricing={pricing} />
          <UsageBreakdown api={api} filter={filter} groupBy="app" range={range} metric={metric} title="Per app" version={version} pricing={pricing} />
          <UsageBreakdown api={api} filter={filter} groupBy="model" range={range} metric={metric} title="Per model" version={version} pricing={pricing} />
          <UsageBreakdown api={api} filter={filter} groupBy="provider" range={range} metric={metric} title="Per provider" version={version} pricing={pricing} />
          <UsageBreakdown api={api} filter={filter} groupBy="day" range={range} metric={metric} title="Per day" version={version} pricing={pricing} />
        </>
      )}
    </div>
  );
}
