// The Anthropic error body, `{"type":"error","error":{"type","message"},"request_id"}`, for any
// error the /v1/messages route answers with. Never exposes what a non-GatewayError says: an
// unexpected exception may carry upstream text or paths, so it becomes a generic api_error.
import { isGatewayError } from '../../core/gateway-error.js';
import { anthropicErrorTypeForCode, type AnthropicErrorType } from './anthropic-error-type.js';

export interface AnthropicErrorBody {
  type: 'error';
  error: { type: AnthropicErrorType; message: string };
  request_id: string | null;
}

export const INTERNAL_ERROR_MESSAGE = 'Internal server error';

/** The HTTP status to answer with is the GatewayError's own (`error.status`), or 500. */
export function anthropicErrorBody(error: unknown, requestId: string | null = null): AnthropicErrorBody {
  if (isGatewayError(error)) {
    return { type: 'error', error: { type: anthropicErrorTypeForCode(error.code, error.status), message: error.message }, request_id: requestId };
  }
  return { type: 'error', error: { type: 'api_error', message: INTERNAL_ERROR_MESSAGE }, request_id: requestId };
}
