// Overview: is the gateway up and where, what did today cost, which app spent what this week,
// is every deployment healthy, and how to connect a client. Each block loads on its own, so
// one failing call never blanks the page. Refreshes every 2 s while visible.
import type { ApiClient } from '../../api/create-api-client.js';
import { useApi } from '../../api/use-api.js';
import type { PageId } from '../../app/use-hash-route.js';
import { LoadState } from '../../components/LoadState.js';
import { StatTile } from '../../components/StatTile.js';
import { CopyButton } from '../../components/CopyButton.js';
import { HorizontalBarChart } from '../../components/HorizontalBarChart.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { formatSpend } from '../../../../shared/format-usd.js';
import { formatCount } from '../../format/format-count.js';
import { FirstRunGuide } from './FirstRunGuide.js';
import { DeploymentHealth } from './DeploymentHealth.js';
import { SetupSnippets } from './SetupSnippets.js';
import { TeamSpend } from './TeamSpend.js';
import { DAY_MS, startOfLocalDay } from './time-ranges.js';
import { Token } from '../../components/Token.js';
import { modelPricing } from '../../api/use-model-pricing.js';

export interface OverviewPageProps {
  api: ApiClient;
  go: (page: PageId) => void;
  recentKey: string | null;
  /** The gateway's origin (tests pass one; the page's own origin otherwise). */
  origin?: string;
  now?: () => number;
}

// A request shows up within 2 s (issue 14): the summaries are read from the rollups, so polling is cheap.
const REFRESH_MS = 2_000;

export function OverviewPage({ api, recentKey, origin = window.location.origin, now = Date.now }: OverviewPageProps) {
  const models = useApi(() => api.listModels(), [api]);
  const keys = useApi(() => api.listKeys(1, 100), [api]);
  const active = useApi(() => api.activeModel(), [api]);
  // The Ollama listener's address, when it is on, is what Ollama clients should be given.
  const settings = useApi(() => api.settings(), [api]);
  // One health report for the guide and the health card: the guide ticks "Add a model" only when
  // a model answers.
  const health = useApi(() => api.health(true), [api]);
  const today = useApi(() => {
    const end = now();
    return api.usageSummary('app', startOfLocalDay(end), end);
  }, [api], { refreshMs: REFRESH_MS });
  const week = useApi(() => {
    const end = now();
    return api.usageSummary('app', end - 7 * DAY_MS, end);
  }, [api], { refreshMs: REFRESH_MS });

  const baseUrl = `${origin}/v1`;
  // Spend on local (unpriced) models only reads "free"; until the models load, "$0.00".
  const priced = !(models.data !== undefined && modelPricing(models.data.data).allFree);
  const modelCount = models.data?.data.length;
  const keyCount = keys.data?.total_count;
  const weekRequests = week.data?.totals.requests;
  const healthReport = health.data;
  const healthKnown = health.status !== 'loading';
  const readiness = {
    healthy: healthReport?.healthy_count ?? 0,
    unanswered: healthReport?.unhealthy_endpoints.map((e) => ({ model: e.model_group, error: e.error })) ?? [],
  };
  const showGuide = modelCount !== undefined && keyCount !== undefined && weekRequests !== undefined && healthKnown
    && (readiness.healthy === 0 || keyCount === 0 || weekRequests === 0);
  const ollamaPort = settings.data?.ollama_api?.listener_port;
  const ollamaOrigin = ollamaPort === undefined || ollamaPort === null ? undefined : `http://127.0.0.1:${ollamaPort}`;
  const clientModels = active.data ? [...(active.data.model ? [active.data.alias] : []), ...active.data.models] : [];

  return (
    <div className="stack">
      {showGuide ? <FirstRunGuide models={readiness} hasKey={keyCount > 0} hasRequest={weekRequests > 0} /> : null}

      <div className="grid-status">
        <section className="card" aria-labelledby="status-title">
          <h2 id="status-title">Gateway</h2>
          <p className="status-line">
            <span className="dot dot-ok" aria-hidden="true" /> Running at <Token value={baseUrl} className="inline-code" />{' '}
            <CopyButton text={baseUrl} label="Copy the gateway address" />
          </p>
          {active.status === 'error' ? <ErrorNotice error={active.error} onRetry={active.reload} /> : null}
          <dl className="facts">
            <dt>Active model</dt>
            <dd>{active.data?.model ? <><code className="inline-code">{active.data.alias}</code> → {active.data.model}</> : active.status === 'loading' ? '…' : 'none yet'}</dd>
            <dt>Models</dt>
            <dd>{modelCount ?? '…'}</dd>
            <dt>App keys</dt>
            <dd>{keyCount ?? '…'}</dd>
          </dl>
        </section>
        <section className="card" aria-labelledby="today-title">
          <h2 id="today-title">Today</h2>
          <LoadState loadable={today} label="today's usage">
            {(summary) => (
              <div className="stats">
                <StatTile label="Requests" value={formatCount(summary.totals.requests)} />
                <StatTile label="Spend" value={formatSpend(summary.totals.spend_micros, priced)} />
                <StatTile label="Errors" value={formatCount(summary.totals.errors)} tone={summary.totals.errors > 0 ? 'bad' : 'normal'} />
                <StatTile label="Rejected" value={formatCount(summary.totals.rejected)} hint="refused by a limit, budget or model list" />
              </div>
            )}
          </LoadState>
        </section>
      </div>

      <section className="card" aria-labelledby="week-title">
        <h2 id="week-title">Spend per app, last 7 days</h2>
        <LoadState
          loadable={week}
          label="this week's usage"
          isEmpty={(s) => s.groups.length === 0}
          empty={<p>No requests in the last 7 days. When apps call the gateway with their keys, their spend shows up here.</p>}
        >
          {(summary) => (
            <HorizontalBarChart
              title={`Total ${formatSpend(summary.totals.spend_micros, priced)} over ${formatCount(summary.totals.requests)} requests`}
              // Nothing spent (local models): bars by requests rather than all empty.
              bars={summary.groups.map((g) => ({ label: g.group, value: summary.totals.spend_micros > 0 ? g.spend_micros : g.requests, display: `${formatSpend(g.spend_micros, priced)} · ${formatCount(g.requests)} req` }))}
            />
          )}
        </LoadState>
      </section>

      <TeamSpend api={api} refreshMs={REFRESH_MS} now={now} />

      <DeploymentHealth api={api} health={health} />

      <div id="setup">
        <SetupSnippets key={recentKey ?? 'none'} origin={origin} {...(ollamaOrigin ? { ollamaOrigin } : {})} models={clientModels} initialKey={recentKey} />
      </div>
    </div>
  );
}
