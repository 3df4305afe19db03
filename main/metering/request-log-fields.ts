// The one info-level log line per request: what a person watching the terminal needs (time,
// app, model -> deployment, status, tokens, latency, cost), taken from the usage row just
// recorded. Ids, names and numbers only: never a key, a header, a body or a URL.
import type { Deployment } from '../core/deployment.js';
import type { UsageRecord } from './usage-record.js';

/** The message of the per-request line; the pretty printer recognises it by this. */
export const REQUEST_LOG_MESSAGE = 'request';

export interface RequestLogFields {
  requestId: string;
  /** Request start, epoch ms. */
  ts: number;
  app: string;
  /** The model name as the client sent it. */
  model: string;
  /** What served it (or last failed), as the config names it: `provider/upstream-model`; '' when refused before routing. */
  deployment: string;
  status: UsageRecord['status'];
  httpStatus: number;
  errorCode: string | null;
  promptTokens: number;
  completionTokens: number;
  latencyMs: number;
  costMicros: number;
}

/** `{ request: … }`: one nested object, so pino's `*.key` redaction paths never meet a field of it. */
export function requestLogFields(record: UsageRecord, deployment: Deployment | undefined): { request: RequestLogFields } {
  return {
    request: {
      requestId: record.requestId,
      ts: record.ts,
      app: record.app,
      model: record.requestedModel,
      deployment: deployment === undefined ? '' : `${deployment.provider}/${deployment.upstreamModel}`,
      status: record.status,
      httpStatus: record.httpStatus,
      errorCode: record.errorCode,
      promptTokens: record.promptTokens,
      completionTokens: record.completionTokens,
      latencyMs: record.latencyMs,
      costMicros: record.costMicros,
    },
  };
}
