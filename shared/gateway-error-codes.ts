// The one error catalogue: every error the gateway can answer with, its HTTP status and the
// OpenAI error `type` clients switch on. Shared with the dashboard, so no Node or DOM here.
// A code is stable once shipped: clients and tests match on it.

export const GATEWAY_ERRORS = {
  invalid_json: { status: 400, type: 'invalid_request_error' },
  invalid_request: { status: 400, type: 'invalid_request_error' },
  /** Not valid HTTP/1.1 (bad request line, header syntax, chunked framing): Node's parser refused it. */
  malformed_request: { status: 400, type: 'invalid_request_error' },
  forbidden_field: { status: 400, type: 'invalid_request_error' },
  context_window_exceeded: { status: 400, type: 'invalid_request_error' },
  invalid_api_key: { status: 401, type: 'authentication_error' },
  forbidden_host: { status: 403, type: 'permission_error' },
  forbidden_origin: { status: 403, type: 'permission_error' },
  admin_only: { status: 403, type: 'permission_error' },
  /** A virtual key asked about another key (GET /key/info?key=…): it may read only its own. */
  not_own_key: { status: 403, type: 'permission_error' },
  /** A user's key (member or team admin) asked about something outside its own user or its teams. */
  outside_your_scope: { status: 403, type: 'permission_error' },
  model_not_allowed: { status: 403, type: 'permission_error' },
  /** Open mode with general_settings.only_allowed_apps: the calling app is not listed (POST /app/update {"allowed": true}). */
  app_not_allowed: { status: 403, type: 'permission_error' },
  model_not_found: { status: 404, type: 'invalid_request_error' },
  route_not_found: { status: 404, type: 'invalid_request_error' },
  not_found: { status: 404, type: 'invalid_request_error' },
  /** GET/DELETE /v1/responses/{id}: no stored response with that id for this key (another key's is unknown too). */
  response_not_found: { status: 404, type: 'invalid_request_error' },
  /** `previous_response_id` names no stored response of this key; OpenAI answers 400 with this code, not 404. */
  previous_response_not_found: { status: 400, type: 'invalid_request_error' },
  method_not_allowed: { status: 405, type: 'invalid_request_error' },
  /** The request's headers (or its whole request) did not arrive within the server's deadline. */
  request_timeout: { status: 408, type: 'invalid_request_error' },
  payload_too_large: { status: 413, type: 'invalid_request_error' },
  unsupported_media_type: { status: 415, type: 'invalid_request_error' },
  /** Headers over 16 KiB, or more header lines than the gateway reads. */
  headers_too_large: { status: 431, type: 'invalid_request_error' },
  rate_limited: { status: 429, type: 'rate_limit_error' },
  auth_throttled: { status: 429, type: 'rate_limit_error' },
  budget_exceeded: { status: 429, type: 'budget_exceeded' },
  no_deployments_available: { status: 429, type: 'rate_limit_error' },
  internal_error: { status: 500, type: 'api_error' },
  upstream_error: { status: 502, type: 'api_error' },
  upstream_invalid_request: { status: 400, type: 'invalid_request_error' },
  upstream_unavailable: { status: 502, type: 'api_error' },
  upstream_redirect: { status: 502, type: 'api_error' },
  upstream_bad_response: { status: 502, type: 'api_error' },
  upstream_auth_failed: { status: 502, type: 'api_error' },
  upstream_rate_limited: { status: 429, type: 'rate_limit_error' },
  upstream_response_too_large: { status: 502, type: 'api_error' },
  upstream_stalled: { status: 504, type: 'timeout_error' },
  upstream_timeout: { status: 504, type: 'timeout_error' },
  storage_busy: { status: 503, type: 'api_error' },
  service_unavailable: { status: 503, type: 'api_error' },
  client_closed: { status: 499, type: 'api_error' },
} as const satisfies Record<string, { status: number; type: string }>;

export type GatewayErrorCode = keyof typeof GATEWAY_ERRORS;

/** The wire shape of every error body (OpenAI's). */
export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string };
}

/**
 * Refusals by policy (a rate limit, the budget, a model the key may not use, a blocked or unknown
 * key): counted as "rejected", apart from errors, wherever requests are counted.
 */
export const POLICY_REFUSAL_CODES: readonly GatewayErrorCode[] = ['rate_limited', 'budget_exceeded', 'model_not_allowed', 'invalid_api_key'];

export function isPolicyRefusal(code: string): boolean {
  return (POLICY_REFUSAL_CODES as readonly string[]).includes(code);
}
