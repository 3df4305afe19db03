// Test helper (not a test): runs `fn`, asserts it threw a GatewayError with `code`, returns it.
import { expect } from 'vitest';
import { GatewayError } from '../../../main/core/gateway-error.js';
import type { GatewayErrorCode } from '../../../shared/gateway-error-codes.js';

export function expectGatewayError(fn: () => unknown, code: GatewayErrorCode): GatewayError {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(GatewayError);
  const error = thrown as GatewayError;
  expect(error.code).toBe(code);
  return error;
}
