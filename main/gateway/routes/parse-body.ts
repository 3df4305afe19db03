// Validates a management request body against a shared zod contract and turns the first problem
// into a 400 naming the field, so the dashboard and API clients get the same sentence.
// Never echoes the rejected value (it may be a key pasted into the wrong field).
import type * as z from 'zod/mini';
import { GatewayError } from '../../core/gateway-error.js';
import { describeValidationIssue } from '../../../shared/api/describe-validation-issue.js';

export function parseBody<S extends z.ZodMiniType>(schema: S, body: unknown): z.infer<S> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new GatewayError('invalid_request', 'The request body must be a JSON object');
  const result = schema.safeParse(body);
  if (result.success) return result.data as z.infer<S>;
  const issue = result.error.issues[0]!;
  throw new GatewayError('invalid_request', describeValidationIssue(issue, body), { param: issue.path.length === 0 ? null : issue.path.map(String).join('.') });
}
