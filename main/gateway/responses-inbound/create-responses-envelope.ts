// The Responses API `response` object around a bridged answer: id, status, output, usage and the
// request's settings echoed back as OpenAI does (instructions, tools, tool_choice...). The echoed
// part is serialised once per request: it holds Codex's whole prompt and tool list (tens of KB)
// and every lifecycle event repeats it. Never reads a clock: the caller gives created_at.
import type { ResponsesRequest } from './parse-responses-request.js';
import type { ResponsesUsage } from './to-responses-usage.js';
import type { ResponsesError } from './to-responses-error.js';

type Json = Record<string, unknown>;

export type ResponseStatus = 'in_progress' | 'completed' | 'incomplete' | 'failed';

export interface ResponseState {
  status: ResponseStatus;
  output: readonly Json[];
  usage: ResponsesUsage | null;
  error?: ResponsesError | null;
  incompleteReason?: 'max_output_tokens' | 'content_filter';
}

export interface ResponsesEnvelope {
  readonly id: string;
  /** The response object (for hooks and non-stream bodies). */
  object(state: ResponseState): Json;
  /** The same object as JSON text, for stream events. */
  json(state: ResponseState): string;
}

export interface ResponsesEnvelopeOptions {
  /** `resp_...`, unique per request. */
  id: string;
  /** Unix seconds. */
  createdAt: number;
  request: ResponsesRequest;
  /** The response will be kept for GET /v1/responses/{id} and previous_response_id (echoed as `store`). */
  stored?: boolean;
}

export function createResponsesEnvelope(options: ResponsesEnvelopeOptions): ResponsesEnvelope {
  const { id, createdAt, request } = options;
  const body = request.body;
  const echo: Json = {
    instructions: request.instructions ?? null,
    max_output_tokens: request.maxOutputTokens ?? null,
    model: request.model,
    parallel_tool_calls: typeof body.parallel_tool_calls === 'boolean' ? body.parallel_tool_calls : true,
    previous_response_id: typeof body.previous_response_id === 'string' ? body.previous_response_id : null,
    reasoning: isObject(body.reasoning) ? { effort: body.reasoning.effort ?? null, summary: body.reasoning.summary ?? null } : { effort: null, summary: null },
    // What the gateway does, not what was asked: false when no response store is configured.
    store: options.stored === true,
    temperature: typeof body.temperature === 'number' ? body.temperature : null,
    text: isObject(body.text) && isObject(body.text.format) ? body.text : { format: { type: 'text' } },
    tool_choice: body.tool_choice ?? 'auto',
    tools: request.tools,
    top_p: typeof body.top_p === 'number' ? body.top_p : null,
    truncation: 'disabled',
    metadata: isObject(body.metadata) ? body.metadata : {},
  };
  let echoJson: string | undefined;

  const head = (state: ResponseState): Json => ({
    id,
    object: 'response',
    created_at: createdAt,
    status: state.status,
    background: false,
    error: state.error ?? null,
    incomplete_details: state.incompleteReason === undefined ? null : { reason: state.incompleteReason },
    output: state.output,
    usage: state.usage,
  });

  return {
    id,
    object: (state) => ({ ...head(state), ...echo }),
    json(state) {
      echoJson ??= JSON.stringify(echo).slice(1, -1);
      const headJson = JSON.stringify(head(state));
      return `${headJson.slice(0, -1)},${echoJson}}`;
    },
  };
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
