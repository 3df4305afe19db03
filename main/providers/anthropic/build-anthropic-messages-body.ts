// Builds the Messages API request body from a validated OpenAI chat body. Only fields it knows
// are carried over (no blind pass-through of client fields to the provider); parameters that
// would change the response's shape and cannot be honoured (n > 1, logprobs, audio) are a 400.
import { GatewayError } from '../../core/gateway-error.js';
import type { Deployment } from '../../core/deployment.js';
import { isRecord } from '../parse-json-safely.js';
import { convertToAnthropicMessages } from './convert-to-anthropic-messages.js';
import { convertToAnthropicTools } from './convert-to-anthropic-tools.js';
import { mapReasoningEffortToAnthropicThinking } from './map-reasoning-effort-to-anthropic-thinking.js';
import { readStopSequences } from '../openai-format/read-stop-sequences.js';

type Json = Record<string, unknown>;

/** max_tokens is required by the Messages API; LiteLLM injects 4096 when the client sends none. */
export const DEFAULT_ANTHROPIC_MAX_TOKENS = 4096;

export function buildAnthropicMessagesBody(body: Json, deployment: Deployment, stream: boolean): Json {
  rejectUnsupported(body);
  const prompt = convertToAnthropicMessages(body.messages);
  const thinking = mapReasoningEffortToAnthropicThinking(body, deployment.upstreamModel);

  const out: Json = { model: deployment.upstreamModel, max_tokens: maxTokens(body, deployment, thinking.budgetTokens) };
  if (prompt.system.length > 0) out.system = prompt.system;
  out.messages = prompt.messages;
  if (stream) out.stream = true;
  for (const key of ['temperature', 'top_p', 'top_k'] as const) if (typeof body[key] === 'number') out[key] = body[key];
  const stop = readStopSequences(body.stop);
  if (stop) out.stop_sequences = stop;
  Object.assign(out, convertToAnthropicTools(body));
  if (thinking.thinking) out.thinking = thinking.thinking;

  const outputConfig: Json = {};
  if (thinking.effort) outputConfig.effort = thinking.effort;
  const format = outputFormat(body.response_format);
  if (format) outputConfig.format = format;
  if (Object.keys(outputConfig).length > 0) out.output_config = outputConfig;

  if (typeof body.user === 'string' && body.user !== '') out.metadata = { user_id: body.user };
  return out;
}

function maxTokens(body: Json, deployment: Deployment, budget: number | undefined): number {
  const requested = positiveInteger(body.max_completion_tokens) ?? positiveInteger(body.max_tokens);
  const cap = deployment.maxOutputTokens;
  if (requested !== undefined) {
    if (budget !== undefined && requested <= budget) {
      throw new GatewayError('invalid_request', `max_tokens (${requested}) must be greater than the thinking budget (${budget} tokens)`, { param: 'max_tokens' });
    }
    return requested;
  }
  let value = Math.min(DEFAULT_ANTHROPIC_MAX_TOKENS, cap ?? DEFAULT_ANTHROPIC_MAX_TOKENS);
  // Thinking tokens count against max_tokens: leave room for the answer after the budget.
  if (budget !== undefined && value <= budget) value = Math.min(budget + DEFAULT_ANTHROPIC_MAX_TOKENS, cap ?? Number.MAX_SAFE_INTEGER);
  if (budget !== undefined && value <= budget) {
    throw new GatewayError('invalid_request', `This deployment's max output tokens (${value}) do not exceed the thinking budget (${budget} tokens)`, { param: 'reasoning_effort' });
  }
  return value;
}

function positiveInteger(value: unknown): number | undefined {
  return Number.isSafeInteger(value) && (value as number) > 0 ? (value as number) : undefined;
}

function outputFormat(responseFormat: unknown): Json | undefined {
  if (responseFormat === undefined || responseFormat === null) return undefined;
  if (!isRecord(responseFormat)) throw invalidFormat();
  if (responseFormat.type === 'text') return undefined;
  if (responseFormat.type === 'json_schema' && isRecord(responseFormat.json_schema) && isRecord(responseFormat.json_schema.schema)) {
    return { type: 'json_schema', schema: responseFormat.json_schema.schema };
  }
  if (responseFormat.type === 'json_object') {
    throw new GatewayError('invalid_request', 'Anthropic models have no JSON mode; use response_format {"type":"json_schema"} with a schema', { param: 'response_format' });
  }
  throw invalidFormat();
}

function invalidFormat(): GatewayError {
  return new GatewayError('invalid_request', 'response_format must be {"type":"text"} or {"type":"json_schema","json_schema":{"schema":{...}}}', { param: 'response_format' });
}

function rejectUnsupported(body: Json): void {
  if (typeof body.n === 'number' && body.n !== 1) throw new GatewayError('invalid_request', 'Anthropic models return one choice; n must be 1', { param: 'n' });
  if (body.logprobs === true || (body.top_logprobs !== undefined && body.top_logprobs !== null)) {
    throw new GatewayError('invalid_request', 'Anthropic models do not return logprobs', { param: 'logprobs' });
  }
  if (body.audio !== undefined && body.audio !== null) throw new GatewayError('invalid_request', 'Anthropic models do not produce audio', { param: 'audio' });
  if (Array.isArray(body.modalities) && body.modalities.some((m) => m !== 'text')) {
    throw new GatewayError('invalid_request', 'Anthropic models only produce text', { param: 'modalities' });
  }
}
