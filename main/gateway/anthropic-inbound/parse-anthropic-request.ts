// Validates an Anthropic-format body for /v1/messages and /v1/messages/count_tokens and turns the
// first problem into a GatewayError whose message names the field, the way Anthropic words it
// ("max_tokens: Field required"). Routing fields are refused before anything else is looked at;
// it never echoes field values back, so nothing a client sent leaks into logs through an error.
import type { z } from 'zod';
import { GatewayError } from '../../core/gateway-error.js';
import {
  FORBIDDEN_FIELD_MESSAGE,
  anthropicCountTokensRequestSchema,
  anthropicMessagesRequestSchema,
  describeZodIssue,
  findAnthropicRoutingField,
  type AnthropicCountTokensRequest,
  type AnthropicMessagesRequest,
} from './anthropic-request-schema.js';

export function parseAnthropicMessagesRequest(body: unknown): AnthropicMessagesRequest {
  return parseWith(anthropicMessagesRequestSchema, body);
}

export function parseAnthropicCountTokensRequest(body: unknown): AnthropicCountTokensRequest {
  return parseWith(anthropicCountTokensRequestSchema, body);
}

function parseWith<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new GatewayError('invalid_request', 'The request body must be a JSON object');
  }
  // Checked first and on its own: the schema's own check only runs once every field is valid,
  // and a request trying to steer the gateway must be refused as such whatever else is wrong.
  const routingField = findAnthropicRoutingField(body as Record<string, unknown>);
  if (routingField !== undefined) {
    throw new GatewayError('forbidden_field', `${routingField}: ${FORBIDDEN_FIELD_MESSAGE}`, { param: routingField });
  }
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const first = result.error.issues[0];
  if (first === undefined) throw new GatewayError('invalid_request', 'The request body is invalid');
  const described = describeZodIssue(first);
  const param = described.path.map(String).join('.');
  const message = param === '' ? described.message : `${param}: ${described.message}`;
  return invalidRequest(message, param === '' ? null : param);
}

function invalidRequest(message: string, param: string | null): never {
  throw new GatewayError('invalid_request', message, { param });
}
