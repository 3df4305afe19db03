// The `error` of a failed response (response.failed), in the vocabulary Codex acts on:
// context_length_exceeded (it tells the user the window is full), rate_limit_exceeded with
// "try again in N s" in the message (it schedules the retry from it), server_error for anything
// else (retried). The message is the gateway's own (ids, never secrets or upstream bodies).
import { isGatewayError, type GatewayError } from '../../core/gateway-error.js';

export interface ResponsesError {
  code: 'context_length_exceeded' | 'rate_limit_exceeded' | 'server_error';
  message: string;
}

/** When a rate-limited upstream said nothing: long enough for a per-minute window to move on. */
const DEFAULT_RETRY_SECONDS = 5;

const CONTEXT_WORDS = /context (length|window)|maximum context|prompt is too long|too many tokens|exceeds? the (model'?s? )?(max|context)/i;
const RATE_LIMIT_WORDS = /rate.?limit|too many requests|overloaded/i;

export function toResponsesError(error: GatewayError | unknown): ResponsesError {
  if (!isGatewayError(error)) return { code: 'server_error', message: 'Internal error' };
  if (error.code === 'context_window_exceeded' || CONTEXT_WORDS.test(error.message)) {
    return { code: 'context_length_exceeded', message: error.message };
  }
  if (error.code === 'upstream_rate_limited' || error.code === 'rate_limited' || error.code === 'no_deployments_available' || RATE_LIMIT_WORDS.test(error.message)) {
    const seconds = error.retryAfter ?? DEFAULT_RETRY_SECONDS;
    return { code: 'rate_limit_exceeded', message: `${withStop(error.message)} Please try again in ${seconds} s.` };
  }
  return { code: 'server_error', message: error.message };
}

function withStop(message: string): string {
  return /[.!?]$/.test(message) ? message : `${message}.`;
}
