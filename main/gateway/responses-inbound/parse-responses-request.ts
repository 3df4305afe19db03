// Validates a POST /v1/responses body before anything is routed: the fields the gateway acts on
// must be well-formed (the error names the Responses field, e.g. `max_output_tokens`), routing
// fields are refused (S13), and what Switchboard does not serve yet (stored state) is a clear 400.
// Items inside `input` are checked only for being objects: their meaning is the converter's, and
// an item the gateway does not know must never be a 400 (Codex sends new kinds release by release).
import { GatewayError } from '../../core/gateway-error.js';
import { findRoutingField } from '../find-routing-field.js';
import { validateModelName } from '../validate-inference-body.js';

type Json = Record<string, unknown>;

export interface ResponsesRequest {
  /** The body exactly as sent: forwarded as-is (but for `model`) to deployments that serve the Responses API. */
  body: Json;
  model: string;
  stream: boolean;
  /** A string is one user message; otherwise the items in order. */
  input: string | readonly Json[];
  instructions: string | undefined;
  tools: readonly Json[];
  maxOutputTokens: number | undefined;
}

/**
 * OpenAI's Conversations API: refused, not ignored (ignoring it would answer without the
 * conversation). previous_response_id is the route's: it needs the response store.
 */
const STATEFUL_FIELDS = ['conversation'] as const;

export function parseResponsesRequest(input: unknown): ResponsesRequest {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw invalid('The request body must be a JSON object', null);
  const body = input as Json;
  const routingField = findRoutingField(body);
  if (routingField !== undefined) {
    throw new GatewayError('forbidden_field', `The field "${routingField}" is not accepted: upstreams, keys and headers are set in Switchboard's configuration, not by requests`, { param: routingField });
  }
  const model = validateModelName(body.model);
  for (const field of STATEFUL_FIELDS) {
    if (body[field] !== undefined && body[field] !== null) {
      throw invalid(`${field} is not supported: continue a stored response with "previous_response_id", or send the whole conversation in "input" (as Codex does, with store: false)`, field);
    }
  }
  if (body.background === true) throw invalid('background responses are not supported: send the request without "background" and read the answer as it comes (stream: true keeps the connection busy)', 'background');
  if (body.stream !== undefined && body.stream !== null && typeof body.stream !== 'boolean') throw invalid('stream must be a boolean', 'stream');

  const rawInput = body.input;
  let items: string | readonly Json[];
  if (typeof rawInput === 'string') items = rawInput;
  else if (Array.isArray(rawInput)) {
    rawInput.forEach((item, i) => {
      if (typeof item !== 'object' || item === null || Array.isArray(item)) throw invalid(`input[${i}] must be an object (an input item such as {"type":"message",...})`, 'input');
    });
    items = rawInput as Json[];
  } else if (rawInput === undefined || rawInput === null) items = [];
  else throw invalid('input must be a string or an array of input items', 'input');

  const instructions = body.instructions;
  if (instructions !== undefined && instructions !== null && typeof instructions !== 'string') throw invalid('instructions must be a string', 'instructions');
  if ((items.length === 0) && (typeof instructions !== 'string' || instructions === '')) throw invalid('input is required: a string or a non-empty array of input items', 'input');

  const tools = body.tools;
  if (tools !== undefined && tools !== null) {
    if (!Array.isArray(tools)) throw invalid('tools must be an array', 'tools');
    tools.forEach((tool, i) => {
      if (typeof tool !== 'object' || tool === null || Array.isArray(tool) || typeof (tool as Json).type !== 'string') {
        throw invalid(`tools[${i}] must be an object with a "type"`, 'tools');
      }
    });
  }
  const maxOutputTokens = body.max_output_tokens;
  if (maxOutputTokens !== undefined && maxOutputTokens !== null && !(Number.isSafeInteger(maxOutputTokens) && (maxOutputTokens as number) > 0)) {
    throw invalid('max_output_tokens must be a positive integer', 'max_output_tokens');
  }
  for (const field of ['temperature', 'top_p'] as const) {
    const value = body[field];
    if (value !== undefined && value !== null && !(typeof value === 'number' && Number.isFinite(value))) throw invalid(`${field} must be a finite number`, field);
  }
  if (body.parallel_tool_calls !== undefined && body.parallel_tool_calls !== null && typeof body.parallel_tool_calls !== 'boolean') {
    throw invalid('parallel_tool_calls must be a boolean', 'parallel_tool_calls');
  }
  const choice = body.tool_choice;
  if (choice !== undefined && choice !== null && typeof choice !== 'string' && !isObject(choice)) throw invalid('tool_choice must be a string or an object', 'tool_choice');
  for (const field of ['text', 'reasoning'] as const) {
    const value = body[field];
    if (value !== undefined && value !== null && !isObject(value)) throw invalid(`${field} must be an object`, field);
  }
  const format = isObject(body.text) ? body.text.format : undefined;
  if (format !== undefined && format !== null && !(isObject(format) && typeof format.type === 'string')) throw invalid('text.format must be an object with a "type"', 'text.format');
  const effort = isObject(body.reasoning) ? body.reasoning.effort : undefined;
  if (effort !== undefined && effort !== null && typeof effort !== 'string') throw invalid('reasoning.effort must be a string', 'reasoning.effort');

  return {
    body,
    model,
    stream: body.stream === true,
    input: items,
    instructions: typeof instructions === 'string' && instructions !== '' ? instructions : undefined,
    tools: Array.isArray(tools) ? (tools as Json[]) : [],
    maxOutputTokens: typeof maxOutputTokens === 'number' ? maxOutputTokens : undefined,
  };
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(message: string, param: string | null): GatewayError {
  return new GatewayError('invalid_request', message, { param });
}
