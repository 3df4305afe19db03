// Translates a canonical OpenAI chat completion (non-streamed) into an Anthropic Messages API
// `message` for clients of /v1/messages. Content keeps Anthropic's order: thinking, text, then
// tool_use. Never invents ids that collide (the caller supplies the message id) and never passes
// an upstream's id or model name through: the client sees the model it asked for.
import { GatewayError } from '../../core/gateway-error.js';
import { readOpenAIUsage } from '../../providers/openai-usage.js';
import { isRecord } from '../../providers/parse-json-safely.js';
import { ZERO_USAGE, type TokenUsage } from '../../providers/provider-adapter.js';
import { mapOpenAIFinishReasonToAnthropic, type AnthropicStopReason } from './map-openai-finish-reason-to-anthropic.js';
import { parseToolArguments } from './parse-tool-arguments.js';
import { toAnthropicUsage, type AnthropicUsage } from './to-anthropic-usage.js';

export type AnthropicResponseBlock =
  | { type: 'thinking'; thinking: string; signature: string }
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };

export interface AnthropicMessageResponse {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: AnthropicResponseBlock[];
  stop_reason: AnthropicStopReason;
  stop_sequence: null;
  stop_details: { type: 'refusal'; category: null; explanation: null } | null;
  usage: AnthropicUsage;
}

export interface ConvertOpenAIResponseOptions {
  /** The model name the client sent, echoed back as Anthropic does. */
  requestedModel: string;
  /** `msg_...`, unique per request. */
  messageId: string;
  /** The adapter's canonical usage (ParsedResponse.usage), preferred over the body's `usage`. */
  usage?: TokenUsage;
}

/**
 * `reasoning_content` (DeepSeek, vLLM, Ollama) or `reasoning` (OpenRouter, newer vLLM) becomes a
 * thinking block with an empty signature: there is nothing to sign, and the converter drops
 * thinking from history before it goes to a non-Anthropic model again. A `refusal` becomes text
 * with stop_reason "refusal". Tool arguments become `input` through parseToolArguments.
 * OpenAI does not say which stop sequence matched, so stop_sequence is always null.
 */
export function convertOpenAIToAnthropicResponse(openaiBody: unknown, options: ConvertOpenAIResponseOptions): AnthropicMessageResponse {
  const choice = firstChoice(openaiBody);
  const message = isRecord(choice.message) ? choice.message : {};
  const content: AnthropicResponseBlock[] = [];
  const reasoning = stringField(message, 'reasoning_content') ?? stringField(message, 'reasoning');
  if (reasoning !== undefined && reasoning !== '') content.push({ type: 'thinking', thinking: reasoning, signature: '' });
  const text = stringField(message, 'content');
  if (text !== undefined && text !== '') content.push({ type: 'text', text });
  const refusal = stringField(message, 'refusal');
  if (refusal !== undefined && refusal !== '') content.push({ type: 'text', text: refusal });
  const toolCalls = Array.isArray(message.tool_calls) ? message.tool_calls : [];
  toolCalls.forEach((call: unknown, i) => {
    const fn = isRecord(call) && isRecord(call.function) ? call.function : undefined;
    const name = fn === undefined ? undefined : stringField(fn, 'name');
    if (name === undefined || name === '') return;
    const id = isRecord(call) && typeof call.id === 'string' && call.id !== '' ? call.id : syntheticToolUseId(options.messageId, i);
    content.push({ type: 'tool_use', id, name, input: parseToolArguments(stringField(fn ?? {}, 'arguments') ?? '') });
  });

  const hasToolUse = content.some((block) => block.type === 'tool_use');
  const refused = refusal !== undefined && refusal !== '';
  const stopReason = refused ? 'refusal' : mapOpenAIFinishReasonToAnthropic(choice.finish_reason, hasToolUse);
  const usage = options.usage ?? (isRecord(openaiBody) ? readOpenAIUsage(openaiBody.usage) : undefined) ?? ZERO_USAGE;
  return {
    id: options.messageId,
    type: 'message',
    role: 'assistant',
    model: options.requestedModel,
    content,
    stop_reason: stopReason,
    stop_sequence: null,
    stop_details: stopReason === 'refusal' ? { type: 'refusal', category: null, explanation: null } : null,
    usage: toAnthropicUsage(usage),
  };
}

/**
 * Servers that omit tool call ids (Ollama, litellm #11262) still need distinct, stable ids:
 * derived from the message id, which is unique per request, and the call's position.
 */
export function syntheticToolUseId(messageId: string, position: number): string {
  return `toolu_${messageId.replace(/^msg_/, '')}_${position}`;
}

function firstChoice(body: unknown): Record<string, unknown> {
  const choices = isRecord(body) ? body.choices : undefined;
  const choice: unknown = Array.isArray(choices) ? choices[0] : undefined;
  if (!isRecord(choice)) throw new GatewayError('upstream_bad_response', 'The upstream response has no choices');
  return choice;
}

function stringField(record: Record<string, unknown>, key: string): string | undefined {
  const value = record[key];
  return typeof value === 'string' ? value : undefined;
}
