// Contracts of the usage read APIs: LiteLLM-shaped /spend/logs pages (one row per request) and
// /usage/summary (spend, tokens, requests, errors, latency per app, model, provider, key or
// day, computed server-side from rollups). Money arrives as integer micro-USD and as USD.
import * as z from 'zod/mini';

export const USAGE_GROUP_BYS = ['app', 'model', 'provider', 'day', 'key'] as const;
export type UsageGroupBy = (typeof USAGE_GROUP_BYS)[number];

/**
 * `interrupted`: the gateway died (kill -9, crash) between admitting a budgeted request and
 * recording it; the next start charged its reserved worst case (see README, Keys and budgets).
 */
export const USAGE_STATUSES = ['success', 'upstream_error', 'client_aborted', 'upstream_stalled', 'rejected', 'error', 'interrupted'] as const;
export type UsageStatus = (typeof USAGE_STATUSES)[number];

export const spendLogRowSchema = z.looseObject({
  request_id: z.string(),
  call_type: z.string(),
  api_key: z.nullable(z.string()),
  key_alias: z.nullable(z.string()),
  app: z.string(),
  user_agent: z.nullable(z.string()),
  model: z.string(),
  model_group: z.string(),
  requested_model: z.string(),
  model_id: z.nullable(z.string()),
  custom_llm_provider: z.string(),
  spend: z.number(),
  spend_micros: z.number(),
  startTime: z.string(),
  endTime: z.string(),
  completionStartTime: z.nullable(z.string()),
  request_duration_ms: z.number(),
  prompt_tokens: z.number(),
  completion_tokens: z.number(),
  total_tokens: z.number(),
  cached_tokens: z.number(),
  cache_creation_tokens: z.number(),
  reasoning_tokens: z.number(),
  status: z.enum(USAGE_STATUSES),
  http_status: z.number(),
  error_code: z.nullable(z.string()),
  usage_estimated: z.boolean(),
  retries: z.number(),
  fallbacks: z.number(),
  /** Present only when body logging was on for this request. */
  request_body: z.optional(z.nullable(z.string())),
  response_body: z.optional(z.nullable(z.string())),
  /** Why a failed or refused request did not succeed (the message the client got); absent from older gateways. */
  error_message: z.optional(z.nullable(z.string())),
  upstream_status: z.optional(z.nullable(z.number())),
  /** A short, redacted excerpt of the upstream's error body. */
  upstream_excerpt: z.optional(z.nullable(z.string())),
});
export type SpendLogRow = z.infer<typeof spendLogRowSchema>;

export const spendLogsPageSchema = z.looseObject({
  data: z.array(spendLogRowSchema),
  /** Null when paging by cursor (not counted). */
  total: z.nullable(z.number()),
  page: z.number(),
  page_size: z.number(),
  total_pages: z.nullable(z.number()),
  /** Keyset cursor for the next page (`?cursor=`); null on the last page. */
  next_cursor: z.optional(z.nullable(z.string())),
});
export type SpendLogsPage = z.infer<typeof spendLogsPageSchema>;

export const usageSummaryGroupSchema = z.looseObject({
  group: z.string(),
  label: z.nullable(z.string()),
  spend_micros: z.number(),
  spend: z.number(),
  prompt_tokens: z.number(),
  completion_tokens: z.number(),
  cached_tokens: z.number(),
  reasoning_tokens: z.number(),
  total_tokens: z.number(),
  requests: z.number(),
  /** Failed requests; refusals by policy are counted in `rejected` instead. */
  errors: z.number(),
  rejected: z.number(),
  p50_latency_ms: z.nullable(z.number()),
  p95_latency_ms: z.nullable(z.number()),
});
export type UsageSummaryGroup = z.infer<typeof usageSummaryGroupSchema>;

export const usageSummarySchema = z.looseObject({
  start: z.number(),
  end: z.number(),
  group_by: z.enum(USAGE_GROUP_BYS),
  groups: z.array(usageSummaryGroupSchema),
  totals: usageSummaryGroupSchema,
});
export type UsageSummary = z.infer<typeof usageSummarySchema>;

/** /usage/timeline: usage per app per UTC hour or day, for the stacked chart. */
export const USAGE_TIMELINE_BUCKETS = ['hour', 'day'] as const;
export type UsageTimelineBucket = (typeof USAGE_TIMELINE_BUCKETS)[number];

export const usageTimelinePointSchema = z.looseObject({
  bucket_start: z.number(),
  app: z.string(),
  requests: z.number(),
  errors: z.number(),
  total_tokens: z.number(),
  spend_micros: z.number(),
});
export type UsageTimelinePoint = z.infer<typeof usageTimelinePointSchema>;

export const usageTimelineSchema = z.looseObject({
  start: z.number(),
  end: z.number(),
  bucket: z.enum(USAGE_TIMELINE_BUCKETS),
  buckets: z.array(z.number()),
  apps: z.array(z.string()),
  points: z.array(usageTimelinePointSchema),
});
export type UsageTimeline = z.infer<typeof usageTimelineSchema>;
