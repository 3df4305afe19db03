// Validates an OpenAI-format inference body before anything is routed: the fields the gateway
// acts on must be well-formed, and no field may steer where the request goes (S13: api_base,
// base_url, api_key, headers... at the top level or one level down — CVE-2024-6587, Portkey
// CVE-2025-66405). Everything else passes through to the upstream untouched.
import { GatewayError } from '../core/gateway-error.js';
import type { EndpointKind } from '../providers/provider-adapter.js';
import { findRoutingField } from './find-routing-field.js';

const ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool', 'function']);
export const MAX_MODEL_NAME_LENGTH = 256;

export interface ValidatedBody {
  body: Record<string, unknown>;
  model: string;
  stream: boolean;
  /** The client asked for the usage chunk (stream_options.include_usage). */
  includeUsage: boolean;
}

export function validateInferenceBody(endpoint: EndpointKind, input: unknown): ValidatedBody {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw invalid('The request body must be a JSON object', null);
  }
  const body = input as Record<string, unknown>;
  const routingField = findRoutingField(body);
  if (routingField !== undefined) throw forbidden(routingField);
  const model = validateModelName(body.model);
  if (body.stream !== undefined && typeof body.stream !== 'boolean') throw invalid('stream must be a boolean', 'stream');
  const stream = body.stream === true;
  if (endpoint === 'embeddings' && stream) throw invalid('Embeddings cannot be streamed', 'stream');
  let includeUsage = false;
  if (body.stream_options !== undefined && body.stream_options !== null) {
    if (typeof body.stream_options !== 'object' || Array.isArray(body.stream_options)) throw invalid('stream_options must be an object', 'stream_options');
    includeUsage = (body.stream_options as Record<string, unknown>).include_usage === true;
  }
  // The budget's worst case multiplies by n and best_of (S37): they must be what the upstream reads.
  for (const field of ['max_tokens', 'max_completion_tokens', 'n', 'best_of'] as const) {
    const value = body[field];
    if (value !== undefined && value !== null && !(Number.isSafeInteger(value) && (value as number) > 0)) {
      throw invalid(`${field} must be a positive integer`, field);
    }
  }
  for (const field of ['temperature', 'top_p', 'presence_penalty', 'frequency_penalty'] as const) {
    const value = body[field];
    if (value !== undefined && value !== null && !(typeof value === 'number' && Number.isFinite(value))) {
      throw invalid(`${field} must be a finite number`, field);
    }
  }
  if (body.modalities !== undefined && body.modalities !== null
    && !(Array.isArray(body.modalities) && body.modalities.every((m) => typeof m === 'string'))) {
    throw invalid('modalities must be an array of strings, e.g. ["text"]', 'modalities');
  }
  if (endpoint === 'chat') validateMessages(body.messages);
  if (endpoint === 'completions' && typeof body.prompt !== 'string' && !Array.isArray(body.prompt)) {
    throw invalid('prompt must be a string or an array', 'prompt');
  }
  if (endpoint === 'embeddings' && typeof body.input !== 'string' && !Array.isArray(body.input)) {
    throw invalid('input must be a string or an array', 'input');
  }
  if (body.tools !== undefined && !Array.isArray(body.tools)) throw invalid('tools must be an array', 'tools');
  return { body, model, stream, includeUsage };
}

/** Model names are looked up, never interpolated; still, refuse what no model is ever called (S14). */
export function validateModelName(model: unknown): string {
  if (typeof model !== 'string' || model.length === 0) throw invalid('model is required and must be a string', 'model');
  if (model.length > MAX_MODEL_NAME_LENGTH) throw invalid(`model must be at most ${MAX_MODEL_NAME_LENGTH} characters`, 'model');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(model)) throw invalid('model must not contain control characters', 'model');
  return model;
}

function validateMessages(messages: unknown): void {
  if (!Array.isArray(messages) || messages.length === 0) throw invalid('messages must be a non-empty array', 'messages');
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i] as unknown;
    if (typeof message !== 'object' || message === null || Array.isArray(message)) throw invalid(`messages[${i}] must be an object`, 'messages');
    const role = (message as Record<string, unknown>).role;
    if (typeof role !== 'string' || !ROLES.has(role)) {
      throw invalid(`messages[${i}].role must be one of system, developer, user, assistant, tool`, 'messages');
    }
    const content = (message as Record<string, unknown>).content;
    if (content !== undefined && content !== null && typeof content !== 'string' && !Array.isArray(content)) {
      throw invalid(`messages[${i}].content must be a string or an array of content parts`, 'messages');
    }
  }
}

function invalid(message: string, param: string | null): GatewayError {
  return new GatewayError('invalid_request', message, { param });
}

function forbidden(field: string): GatewayError {
  return new GatewayError('forbidden_field', `The field "${field}" is not accepted: upstreams, keys and headers are set in Switchboard's configuration, not by requests`, { param: field });
}
