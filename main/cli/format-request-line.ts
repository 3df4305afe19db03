// One request as a person reads it in a terminal: local time, app, model -> deployment, HTTP
// status (and why, when it failed), tokens, latency and cost. Shared by the gateway's pretty log
// and `switchboard logs`, so both print the same line. Formats numbers and names only; it is
// never handed a key, a header or a body.
import { formatUsd } from '../../shared/format-usd.js';
import type { RequestLogFields } from '../metering/request-log-fields.js';

/** The fields of the gateway's per-request log line this line shows (all but the request id). */
export type RequestLine = Omit<RequestLogFields, 'requestId'>;

export function formatRequestLine(request: RequestLine): string {
  const outcome = request.status === 'success'
    ? String(request.httpStatus)
    : `${request.httpStatus} ${request.status}${request.errorCode && request.errorCode !== request.status ? ` (${request.errorCode})` : ''}`;
  return [
    clockTime(request.ts),
    request.app,
    // A refusal before routing has no deployment, and one before the body was read no model.
    request.deployment === '' ? request.model || '(refused before routing)' : `${request.model} → ${request.deployment}`,
    outcome,
    `${request.promptTokens}+${request.completionTokens} tok`,
    formatLatency(request.latencyMs),
    formatUsd(request.costMicros),
  ].join('  ');
}

/** HH:MM:SS in the machine's time zone: a terminal is read by the person sitting at it. */
export function clockTime(ms: number): string {
  const date = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;
}

function formatLatency(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
