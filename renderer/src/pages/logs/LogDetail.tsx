// One request in full: timings, tokens, cost, outcome, retries and fallbacks, who sent it and
// which deployment served it; why it failed or was refused (the message the client got, the
// upstream's status and an excerpt of what it said); bodies only when body logging was on. All
// values, bodies and upstream text included, are rendered as text.
import type { SpendLogRow } from '../../../../shared/api/usage-schemas.js';
import { formatSpend } from '../../../../shared/format-usd.js';
import { formatCount } from '../../format/format-count.js';
import { formatDateTimeWithZone } from '../../format/format-date-time.js';
import { formatLatency } from '../../format/format-latency.js';
import { STATUS_LABELS } from './status-labels.js';
import { LogPlaygroundActions } from '../playground/LogPlaygroundActions.js';

export interface LogDetailProps {
  row: SpendLogRow;
  bodyLogging: boolean | undefined;
  onClose: () => void;
  /** False when the row's model has no price: its $0 reads "free". */
  priced?: boolean;
}

export function LogDetail({ row, bodyLogging, onClose, priced = true }: LogDetailProps) {
  const ttft = row.completionStartTime === null ? null : Date.parse(row.completionStartTime) - Date.parse(row.startTime);
  const hasBodies = typeof row.request_body === 'string' || typeof row.response_body === 'string';
  return (
    <section className="card detail" aria-labelledby="log-detail-title" tabIndex={-1} ref={(el) => el?.focus()} onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <div className="card-head">
        <h2 id="log-detail-title">Request {row.request_id}</h2>
        <button type="button" className="button-small" onClick={onClose}>
          Close
        </button>
      </div>
      <LogPlaygroundActions row={row} />
      <div className="detail-grid">
        <dl className="facts">
          <dt>Status</dt>
          <dd>
            {row.status === 'interrupted'
              ? `${STATUS_LABELS.interrupted}: Switchboard stopped before it could record this request; it was charged its reserved worst case`
              : `${STATUS_LABELS[row.status]} (HTTP ${row.http_status})`}
            {row.error_code ? <> · <code className="inline-code">{row.error_code}</code></> : null}
          </dd>
          <dt>App</dt>
          <dd>{row.app}</dd>
          <dt>Key</dt>
          <dd>{row.api_key === null ? 'admin key' : `${row.key_alias ?? ''} (${row.api_key})`}</dd>
          <dt>Client</dt>
          <dd className="small">{row.user_agent ?? '—'}</dd>
          <dt>Endpoint</dt>
          <dd className="mono small">{row.call_type}</dd>
        </dl>
        <dl className="facts">
          <dt>Model asked for</dt>
          <dd>{row.requested_model === '' ? <span className="muted">not read: refused at the key check</span> : row.requested_model}</dd>
          <dt>Served by</dt>
          <dd>
            {row.model_group === '' ? (
              <span className="muted">none: refused before routing</span>
            ) : (
              <>
                {row.model_group} · {row.custom_llm_provider}
                {row.model_id ? <span className="muted small"> ({row.model_id})</span> : null}
              </>
            )}
          </dd>
          <dt>Retries / fallbacks</dt>
          <dd>
            {row.retries} / {row.fallbacks}
          </dd>
          <dt>Cost</dt>
          <dd>{formatSpend(row.spend_micros, priced)}</dd>
        </dl>
        <dl className="facts">
          <dt>Started</dt>
          <dd>{formatDateTimeWithZone(row.startTime)}</dd>
          <dt>First token after</dt>
          <dd>{formatLatency(ttft)}</dd>
          <dt>Total time</dt>
          <dd>{formatLatency(row.request_duration_ms)}</dd>
          <dt>Tokens</dt>
          <dd>
            {formatCount(row.prompt_tokens)} in · {formatCount(row.completion_tokens)} out
            {row.cached_tokens > 0 ? ` · ${formatCount(row.cached_tokens)} cached` : ''}
            {row.reasoning_tokens > 0 ? ` · ${formatCount(row.reasoning_tokens)} reasoning` : ''}
            {row.usage_estimated ? <span className="muted small"> (estimated: the upstream reported none)</span> : null}
          </dd>
        </dl>
      </div>
      <FailureReason row={row} />
      <h3>Bodies</h3>
      {hasBodies ? (
        <>
          <h4 className="small">Request</h4>
          <pre className="code body-text">{row.request_body ?? '(not recorded)'}</pre>
          <h4 className="small">Response</h4>
          <pre className="code body-text">{row.response_body ?? '(not recorded)'}</pre>
        </>
      ) : (
        <p className="muted small">
          {bodyLogging
            ? 'No bodies were recorded for this request.'
            : 'Body logging is off, so prompts and answers are not stored. It can be turned on under Settings.'}
        </p>
      )}
    </section>
  );
}

/** Why a request did not succeed, as the gateway recorded it; nothing for a success. */
function FailureReason({ row }: { row: SpendLogRow }) {
  const message = row.error_message ?? null;
  const upstreamStatus = row.upstream_status ?? null;
  const excerpt = row.upstream_excerpt ?? null;
  if (message === null && upstreamStatus === null && excerpt === null) return null;
  return (
    <section className="log-failure" aria-labelledby={`why-${row.request_id}`}>
      <h3 id={`why-${row.request_id}`}>{row.status === 'rejected' ? 'Why it was refused' : 'Why it failed'}</h3>
      {message !== null ? <p className="log-failure-message">{message}</p> : null}
      {upstreamStatus !== null ? <p className="small">The upstream answered HTTP {upstreamStatus}.</p> : null}
      {excerpt !== null ? (
        <>
          <h4 className="small">What the upstream said (excerpt, secrets masked)</h4>
          <pre className="code body-text">{excerpt}</pre>
        </>
      ) : null}
    </section>
  );
}
