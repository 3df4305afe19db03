// Validates the fields /api/chat and /api/generate share (model, stream, format, options, think,
// keep_alive) and refuses routing fields (S13) before anything else is looked at. Every error is a
// 400 naming the field; values are never echoed back (a key pasted into the wrong field stays out of logs).
import { GatewayError } from '../../core/gateway-error.js';
import { findRoutingField } from '../find-routing-field.js';
import { validateModelName } from '../validate-inference-body.js';

type Json = Record<string, unknown>;

export type OllamaThink = boolean | 'low' | 'medium' | 'high';

export interface OllamaCommonFields {
  /** The body exactly as sent: forwarded as-is (but for `model` and `keep_alive`) to Ollama deployments. */
  body: Json;
  /** The name the client asked for; echoed in every answer. */
  model: string;
  /** Ollama streams unless told `stream: false`. */
  stream: boolean;
  /** "json", a JSON schema object, or undefined. */
  format: 'json' | Json | undefined;
  options: Json;
  think: OllamaThink | undefined;
  /** keep_alive as sent (a number of seconds or a duration string); only the pass-through reads it. */
  keepAlive: number | string | undefined;
}

const THINK_LEVELS = new Set(['low', 'medium', 'high']);

export function parseOllamaCommonFields(input: unknown): OllamaCommonFields {
  if (!isObject(input)) throw invalidOllamaField('The request body must be a JSON object', null);
  const body = input;
  const routingField = findRoutingField(body);
  if (routingField !== undefined) {
    throw new GatewayError('forbidden_field', `The field "${routingField}" is not accepted: upstreams, keys and headers are set in Switchboard's configuration, not by requests`, { param: routingField });
  }
  const model = validateModelName(body.model);
  if (!isAbsent(body.stream) && typeof body.stream !== 'boolean') throw invalidOllamaField('stream must be a boolean', 'stream');

  let format: OllamaCommonFields['format'];
  if (body.format === 'json') format = 'json';
  else if (isObject(body.format)) format = body.format;
  // Ollama treats an empty format as none.
  else if (!isAbsent(body.format) && body.format !== '') throw invalidOllamaField('format must be "json" or a JSON schema object', 'format');

  if (!isAbsent(body.options) && !isObject(body.options)) throw invalidOllamaField('options must be an object', 'options');
  const options = isObject(body.options) ? body.options : {};
  for (const field of ['temperature', 'top_p', 'presence_penalty', 'frequency_penalty'] as const) {
    const value = options[field];
    if (!isAbsent(value) && !(typeof value === 'number' && Number.isFinite(value))) throw invalidOllamaField(`options.${field} must be a finite number`, `options.${field}`);
  }
  for (const field of ['num_predict', 'seed'] as const) {
    const value = options[field];
    if (!isAbsent(value) && !Number.isSafeInteger(value)) throw invalidOllamaField(`options.${field} must be an integer`, `options.${field}`);
  }
  const stop = options.stop;
  if (!isAbsent(stop) && typeof stop !== 'string' && !(Array.isArray(stop) && stop.every((s) => typeof s === 'string'))) {
    throw invalidOllamaField('options.stop must be a string or an array of strings', 'options.stop');
  }

  const think = body.think;
  if (!isAbsent(think) && typeof think !== 'boolean' && !(typeof think === 'string' && THINK_LEVELS.has(think))) {
    throw invalidOllamaField('think must be true, false, "low", "medium" or "high"', 'think');
  }
  const keepAlive = body.keep_alive;
  if (!isAbsent(keepAlive) && typeof keepAlive !== 'number' && typeof keepAlive !== 'string') {
    throw invalidOllamaField('keep_alive must be a number of seconds or a duration such as "5m"', 'keep_alive');
  }
  return {
    body,
    model,
    stream: body.stream !== false,
    format,
    options,
    think: isAbsent(think) ? undefined : (think as OllamaThink),
    keepAlive: isAbsent(keepAlive) ? undefined : (keepAlive as number | string),
  };
}

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isAbsent(value: unknown): value is null | undefined {
  return value === undefined || value === null;
}

export function invalidOllamaField(message: string, param: string | null): GatewayError {
  return new GatewayError('invalid_request', message, { param });
}
