// Maps an HTTP status (and, where the status alone would mislead, a gateway error code) to the
// Anthropic error `type` clients switch on. A closed set: never passes an OpenAI type through.
import type { GatewayErrorCode } from '../../../shared/gateway-error-codes.js';

/** The `error.type` values of Anthropic's documented error catalogue. */
export type AnthropicErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'billing_error'
  | 'permission_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'timeout_error'
  | 'api_error'
  | 'overloaded_error';

/** Anthropic's documented statuses; other 4xx are invalid requests, other 5xx api errors. */
export function anthropicErrorType(status: number): AnthropicErrorType {
  switch (status) {
    case 400:
      return 'invalid_request_error';
    case 401:
      return 'authentication_error';
    case 402:
      return 'billing_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 504:
      return 'timeout_error';
    // 503 is the gateway's "busy, try again" (storage_busy, service_unavailable): Anthropic
    // clients treat overloaded_error (529) exactly so, with backoff.
    case 503:
    case 529:
      return 'overloaded_error';
    default:
      return status >= 400 && status < 500 ? 'invalid_request_error' : 'api_error';
  }
}

/**
 * The type for a gateway error. A spent budget is a 429 on the wire (LiteLLM compatibility) but
 * not a rate limit: billing_error tells Anthropic clients, Claude Code among them, that waiting
 * will not help, so they stop retrying.
 */
export function anthropicErrorTypeForCode(code: GatewayErrorCode, status: number): AnthropicErrorType {
  if (code === 'budget_exceeded') return 'billing_error';
  return anthropicErrorType(status);
}
