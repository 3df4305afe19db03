// One request as a person reads it in a terminal: local time, app, model -> deployment, HTTP
// status (and why, when it failed), tokens, latency and cost. Shared by the gateway's pretty log
// and `switchboard logs`, so both print the same line. Formats numbers and names only; it is
// never handed a key, a header or a body.
import { formatUsd } from '../../shared/format-usd.js';

export interface RequestLine {
  /** Request start, epoch ms. */
  ts: number;
  app: string;
  model: string;
  deployment: string;
  status: string;
  httpStatus: number;
  errorCode: string | null;
  promptTokens: number;
  completionTokens: number;
  latencyMs: number;
  costMicros: number;
}

export function formatRequestLine(request: RequestLine): string {
  const outcome = request.status === 'success'
    ? String(request.httpStatus)
    : `${request.httpStatus} ${request.status}${request.errorCode && request.errorCode !== request.status ? ` (${request.errorCode})` : ''}`;
  return [
    clockTime(request.ts),
    request.app,
    `${request.model} → ${request.deployment}`,
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
