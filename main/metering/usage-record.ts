// UsageRecord: the one row the gateway records per request (success, upstream error, client
// abort, stall, rejection; interrupted when a crash cut it off), as handed to usage-ledger.ts.
// Shared by the gateway, the ledger and the queries. Carries ids and numbers, never a key; bodies
// only when body logging was on, and then already redacted and capped.
import type { UsageStatus } from '../../shared/api/usage-schemas.js';

// One list for the API, the dashboard and the ledger; usage_log's CHECK (migration 5) matches it.
export { USAGE_STATUSES, type UsageStatus } from '../../shared/api/usage-schemas.js';

export interface UsageRecord {
  /** Unique per request; recording the same id twice keeps the first row only. */
  requestId: string;
  /** Request start, epoch ms. */
  ts: number;
  /** The virtual key's id, or null for the master key. */
  keyId: string | null;
  /** The key's alias at the time of the request. */
  keyAlias: string | null;
  /** Who to attribute the request to: the key alias, or an app guessed from the User-Agent. */
  app: string;
  userAgent: string | null;
  /** The model name as the client sent it. */
  requestedModel: string;
  /** The model group it resolved to; null if it never resolved (the requested name is used). */
  modelGroup: string | null;
  deploymentId: string | null;
  /** LiteLLM provider prefix (`openai`, `anthropic`, `ollama_chat`...); null if none was chosen. */
  provider: string | null;
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  cacheCreationTokens: number;
  reasoningTokens: number;
  /** Integer micro-USD; settles the request's budget reservation (see usage-ledger.ts). */
  costMicros: number;
  /** Request start to last byte sent, ms. */
  latencyMs: number;
  /** Request start to first token, ms; null when no token was sent. */
  ttftMs: number | null;
  status: UsageStatus;
  /** The status the client got (499 when it went away). */
  httpStatus: number;
  /** A GatewayErrorCode or upstream error code, when the request failed. */
  errorCode: string | null;
  /** True when the upstream gave no usage and the tokens were estimated. */
  usageEstimated: boolean;
  /** The route, e.g. `/v1/chat/completions`. */
  endpoint: string;
  retries: number;
  fallbacks: number;
  /** Why the request failed or was refused (the message the client got), redacted and capped; absent on success. */
  errorMessage?: string | null;
  /** The upstream's HTTP status, when the failure was its answer. */
  upstreamStatus?: number | null;
  /** A short, redacted excerpt of the upstream's error body. */
  upstreamExcerpt?: string | null;
  /** Body logging only: the client's request body, redacted and capped. Absent otherwise. */
  requestBody?: string | null;
  /** Body logging only: the response text sent (streams: the generated text), redacted and capped. */
  responseBody?: string | null;
}
