import { describe, expect, it } from 'vitest';
import { APIError, AuthenticationError, RateLimitError } from '@anthropic-ai/sdk';
import { GatewayError } from '../../../../main/core/gateway-error.js';
import { anthropicErrorBody } from '../../../../main/gateway/anthropic-inbound/anthropic-error-body.js';
import { anthropicClientAnswering, jsonResponse } from './anthropic-sdk-over-fake-fetch.js';

describe('anthropic-error-body', () => {
  it.each([
    [new GatewayError('invalid_request', 'max_tokens: Field required'), 'invalid_request_error'],
    [new GatewayError('forbidden_field', 'api_base: is not accepted'), 'invalid_request_error'],
    [new GatewayError('invalid_api_key', 'Invalid key'), 'authentication_error'],
    [new GatewayError('model_not_allowed', 'Not for this key'), 'permission_error'],
    [new GatewayError('model_not_found', 'No such model'), 'not_found_error'],
    [new GatewayError('payload_too_large', 'Too big'), 'request_too_large'],
    [new GatewayError('rate_limited', 'Slow down'), 'rate_limit_error'],
    [new GatewayError('budget_exceeded', 'Budget spent'), 'billing_error'],
    [new GatewayError('upstream_error', 'Upstream failed'), 'api_error'],
    [new GatewayError('upstream_invalid_request', 'Upstream said no'), 'invalid_request_error'],
    [new GatewayError('upstream_timeout', 'Timed out'), 'timeout_error'],
    [new GatewayError('service_unavailable', 'Busy'), 'overloaded_error'],
  ])('gives %s the Anthropic type %s and keeps its message', (error, type) => {
    expect(anthropicErrorBody(error, 'req_1')).toEqual({ type: 'error', error: { type, message: error.message }, request_id: 'req_1' });
  });

  it('hides what an unexpected exception says', () => {
    expect(anthropicErrorBody(new Error('ECONNREFUSED 10.0.0.5:8080 /secret/path'))).toEqual({
      type: 'error',
      error: { type: 'api_error', message: 'Internal server error' },
      request_id: null,
    });
  });

  it.each([
    [new GatewayError('invalid_api_key', 'Invalid key'), AuthenticationError, 'authentication_error'],
    [new GatewayError('rate_limited', 'Slow down'), RateLimitError, 'rate_limit_error'],
  ])('is read by the official SDK as the matching error class (%s)', async (error, errorClass, type) => {
    const { client } = anthropicClientAnswering(() => jsonResponse(anthropicErrorBody(error, 'req_9'), error.status));
    const thrown = await client.messages.create({ model: 'm', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(errorClass);
    expect((thrown as APIError).status).toBe(error.status);
    expect((thrown as APIError).type).toBe(type);
    expect((thrown as APIError).message).toContain(error.message);
  });
});
