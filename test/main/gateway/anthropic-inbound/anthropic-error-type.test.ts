import { describe, expect, it } from 'vitest';
import { anthropicErrorType, anthropicErrorTypeForCode } from '../../../../main/gateway/anthropic-inbound/anthropic-error-type.js';

describe('anthropic-error-type', () => {
  it.each([
    [400, 'invalid_request_error'],
    [401, 'authentication_error'],
    [402, 'billing_error'],
    [403, 'permission_error'],
    [404, 'not_found_error'],
    [405, 'invalid_request_error'],
    [413, 'request_too_large'],
    [415, 'invalid_request_error'],
    [429, 'rate_limit_error'],
    [499, 'invalid_request_error'],
    [500, 'api_error'],
    [502, 'api_error'],
    [503, 'overloaded_error'],
    [504, 'timeout_error'],
    [529, 'overloaded_error'],
  ])('maps HTTP %i to %s', (status, type) => {
    expect(anthropicErrorType(status)).toBe(type);
  });

  it('reports a spent budget as billing_error although it is a 429, so clients stop retrying', () => {
    expect(anthropicErrorTypeForCode('budget_exceeded', 429)).toBe('billing_error');
    expect(anthropicErrorTypeForCode('rate_limited', 429)).toBe('rate_limit_error');
  });
});
