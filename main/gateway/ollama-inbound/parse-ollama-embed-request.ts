// Validates Ollama's POST /api/embed ({model, input: string | string[], truncate, dimensions}) and
// the legacy POST /api/embeddings ({model, prompt}), refusing routing fields first (S13).
import { GatewayError } from '../../core/gateway-error.js';
import { findRoutingField } from '../find-routing-field.js';
import { validateModelName } from '../validate-inference-body.js';
import { invalidOllamaField, isAbsent, isObject } from './parse-ollama-common-fields.js';

export interface OllamaEmbedRequest {
  model: string;
  input: string | readonly string[];
  /** false asks for an error instead of truncation; Switchboard cannot promise either way. */
  truncate: boolean | undefined;
  dimensions: number | undefined;
}

export function parseOllamaEmbedRequest(input: unknown): OllamaEmbedRequest {
  const body = checked(input);
  const model = validateModelName(body.model);
  const text = body.input;
  if (!(typeof text === 'string' || (Array.isArray(text) && text.length > 0 && text.every((s) => typeof s === 'string')))) {
    throw invalidOllamaField('input must be a string or a non-empty array of strings', 'input');
  }
  if (!isAbsent(body.truncate) && typeof body.truncate !== 'boolean') throw invalidOllamaField('truncate must be a boolean', 'truncate');
  if (!isAbsent(body.dimensions) && !(Number.isSafeInteger(body.dimensions) && (body.dimensions as number) > 0)) {
    throw invalidOllamaField('dimensions must be a positive integer', 'dimensions');
  }
  return {
    model,
    input: text as string | string[],
    truncate: typeof body.truncate === 'boolean' ? body.truncate : undefined,
    dimensions: typeof body.dimensions === 'number' ? body.dimensions : undefined,
  };
}

export interface OllamaEmbeddingsRequest {
  model: string;
  prompt: string;
}

export function parseOllamaEmbeddingsRequest(input: unknown): OllamaEmbeddingsRequest {
  const body = checked(input);
  const model = validateModelName(body.model);
  if (typeof body.prompt !== 'string') throw invalidOllamaField('prompt must be a string', 'prompt');
  return { model, prompt: body.prompt };
}

function checked(input: unknown): Record<string, unknown> {
  if (!isObject(input)) throw invalidOllamaField('The request body must be a JSON object', null);
  const routingField = findRoutingField(input);
  if (routingField !== undefined) {
    throw new GatewayError('forbidden_field', `The field "${routingField}" is not accepted: upstreams, keys and headers are set in Switchboard's configuration, not by requests`, { param: routingField });
  }
  return input;
}
