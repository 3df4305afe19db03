// Health of every deployment from the last /health report (cached), with "Check now" to probe
// again. Names and errors come from the gateway and are shown as text.
import type { ApiClient } from '../../api/create-api-client.js';
import type { Loadable } from '../../api/use-api.js';
import type { HealthReport } from '../../../../shared/api/health-schemas.js';
import { LoadState } from '../../components/LoadState.js';
import { formatLatency } from '../../format/format-latency.js';
import { formatDateTimeWithZone } from '../../format/format-date-time.js';

/** `health`: the page's cached report (the first-run guide reads the same one). */
export function DeploymentHealth({ api, health: cached }: { api: ApiClient; health: Loadable<HealthReport> }) {
  const checkNow = () => {
    // Replace the loader with a fresh probe, then show it.
    void api.health(false).then(() => cached.reload(), () => cached.reload());
  };
  return (
    <section className="card" aria-labelledby="health-title">
      <div className="card-head">
        <h2 id="health-title">Deployment health</h2>
        <button type="button" className="button-small" onClick={checkNow} disabled={cached.refreshing}>
          {cached.refreshing ? 'Checking…' : 'Check now'}
        </button>
      </div>
      <LoadState
        loadable={cached}
        label="deployment health"
        isEmpty={(r) => r.healthy_count + r.unhealthy_count === 0}
        empty={<p>No deployments yet. Add a model to see its health here.</p>}
      >
        {(report) => (
          <>
            <ul className="health-list">
              {[...report.unhealthy_endpoints.map((e) => ({ ...e, healthy: false })), ...report.healthy_endpoints.map((e) => ({ ...e, healthy: true }))].map((e) => (
                <li key={e.deployment_id} className="health-item">
                  <span className={e.healthy ? 'dot dot-ok' : 'dot dot-bad'} aria-hidden="true" />
                  <span className="health-name">
                    <strong>{e.model_group}</strong> <span className="muted">{e.model}</span>
                  </span>
                  <span className={e.healthy ? 'badge badge-ok' : 'badge badge-bad'}>{e.healthy ? 'Healthy' : 'Unhealthy'}</span>
                  <span className="muted small">{formatLatency(e.latency_ms)}</span>
                  {e.error ? <span className="health-error small">{e.error}</span> : null}
                </li>
              ))}
            </ul>
            <p className="muted small">Checked {formatDateTimeWithZone(report.checked_at)}</p>
          </>
        )}
      </LoadState>
    </section>
  );
}
