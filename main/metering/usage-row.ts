// UsageRow: a usage_log row normalised from a UsageRecord (whole non-negative numbers, bounded
// strings, a known status), so a row can never fail its column's CHECK, and the column list every
// usage insert is built from. Pure: never touches the database.
import { USAGE_STATUSES, type UsageRecord, type UsageStatus } from './usage-record.js';

/** A usage_log row, normalised: every value fits the column and its CHECK constraints. */
export interface UsageRow {
  request_id: string;
  ts: number;
  key_id: string | null;
  key_alias: string | null;
  app: string;
  user_agent: string | null;
  requested_model: string;
  model_group: string;
  deployment_id: string | null;
  provider: string;
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens: number;
  cache_creation_tokens: number;
  reasoning_tokens: number;
  cost_micros: number;
  latency_ms: number;
  ttft_ms: number | null;
  status: UsageStatus;
  http_status: number;
  error_code: string | null;
  usage_estimated: number;
  endpoint: string;
  retries: number;
  fallbacks: number;
  /** Set only for failed requests that said why; written to usage_errors, not usage_log. */
  error_message?: string | null;
  upstream_status?: number | null;
  upstream_excerpt?: string | null;
  /** Set only for requests logged with bodies; written to usage_bodies, not usage_log. */
  request_body?: string | null;
  response_body?: string | null;
}

export const USAGE_COLUMNS: readonly (keyof UsageRow)[] = [
  'request_id', 'ts', 'key_id', 'key_alias', 'app', 'user_agent', 'requested_model', 'model_group', 'deployment_id', 'provider',
  'prompt_tokens', 'completion_tokens', 'cached_tokens', 'cache_creation_tokens', 'reasoning_tokens', 'cost_micros', 'latency_ms',
  'ttft_ms', 'status', 'http_status', 'error_code', 'usage_estimated', 'endpoint', 'retries', 'fallbacks',
];

const MAX_TEXT = 256;
const MAX_USER_AGENT = 512;
/** A failure's message or upstream excerpt: enough to say why, never a whole body. */
const MAX_ERROR_TEXT = 1_000;

/** Normalises a record into a row: whole non-negative numbers, bounded strings, a known status. */
export function toUsageRow(record: UsageRecord): UsageRow {
  const requestedModel = text(record.requestedModel, MAX_TEXT) ?? '';
  const row: UsageRow = {
    request_id: text(record.requestId, MAX_TEXT) ?? '',
    ts: count(record.ts),
    key_id: text(record.keyId, MAX_TEXT),
    key_alias: text(record.keyAlias, MAX_TEXT),
    app: text(record.app, MAX_TEXT) ?? '',
    user_agent: text(record.userAgent, MAX_USER_AGENT),
    requested_model: requestedModel,
    model_group: text(record.modelGroup, MAX_TEXT) ?? requestedModel,
    deployment_id: text(record.deploymentId, MAX_TEXT),
    provider: text(record.provider, MAX_TEXT) ?? '',
    prompt_tokens: count(record.promptTokens),
    completion_tokens: count(record.completionTokens),
    cached_tokens: count(record.cachedTokens),
    cache_creation_tokens: count(record.cacheCreationTokens),
    reasoning_tokens: count(record.reasoningTokens),
    cost_micros: count(record.costMicros),
    latency_ms: count(record.latencyMs),
    ttft_ms: record.ttftMs === null || record.ttftMs === undefined ? null : count(record.ttftMs),
    status: (USAGE_STATUSES as readonly string[]).includes(record.status) ? record.status : 'error',
    http_status: count(record.httpStatus),
    error_code: text(record.errorCode, MAX_TEXT),
    usage_estimated: record.usageEstimated ? 1 : 0,
    endpoint: text(record.endpoint, MAX_TEXT) ?? '',
    retries: count(record.retries),
    fallbacks: count(record.fallbacks),
  };
  // Absent on success: rows without a failure never touch usage_errors.
  if (typeof record.errorMessage === 'string' || typeof record.upstreamExcerpt === 'string' || typeof record.upstreamStatus === 'number') {
    row.error_message = text(record.errorMessage, MAX_ERROR_TEXT);
    row.upstream_status = typeof record.upstreamStatus === 'number' && Number.isInteger(record.upstreamStatus) ? record.upstreamStatus : null;
    row.upstream_excerpt = text(record.upstreamExcerpt, MAX_ERROR_TEXT);
  }
  // Absent unless body logging captured something: rows without bodies never touch usage_bodies.
  if (typeof record.requestBody === 'string' || typeof record.responseBody === 'string') {
    row.request_body = typeof record.requestBody === 'string' ? record.requestBody : null;
    row.response_body = typeof record.responseBody === 'string' ? record.responseBody : null;
  }
  return row;
}

function count(value: number): number {
  return Number.isFinite(value) && value > 0 ? Math.min(Math.round(value), Number.MAX_SAFE_INTEGER) : 0;
}

function text(value: string | null | undefined, max: number): string | null {
  if (value === null || value === undefined) return null;
  const s = String(value);
  return s.length > max ? s.slice(0, max) : s;
}
