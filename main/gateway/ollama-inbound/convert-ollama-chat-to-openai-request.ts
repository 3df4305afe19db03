// Translates a validated Ollama /api/chat request into the canonical OpenAI chat-completions body
// the gateway routes, meters and sends to every non-Ollama deployment. Deterministic: the same
// request gives the same bytes (synthesised tool-call ids included), so prefix caches keep hitting.
// Never reads anything but the request.
import { GatewayError } from '../../core/gateway-error.js';
import { convertOllamaOptions } from './convert-ollama-options.js';
import type { OllamaChatRequest, OllamaMessage } from './parse-ollama-chat-request.js';
import { toImageDataUrl } from './to-image-data-url.js';

type Json = Record<string, unknown>;

export interface OpenAIChatBridge {
  /** The OpenAI chat-completions body. */
  body: Json;
  /** What had no OpenAI equivalent and was left out (`options.num_ctx`, `think`...), once each. */
  dropped: readonly string[];
  /** Set when only an Ollama deployment can serve the request: every other one answers this 400. */
  untranslatable?: GatewayError;
}

/**
 * Ollama's tool calls carry no ids, and a tool result names only its tool (`tool_name`). OpenAI
 * needs both ids, so each call gets one from its position in the conversation (stable while the
 * client resends the same history), and each `role: "tool"` message answers the earliest
 * unanswered call of the last assistant message with the same name — or, with no name or no such
 * call, the earliest unanswered call (Ollama's own order). A result with no call left to answer is a 400.
 */
export function convertOllamaChatToOpenAIRequest(request: OllamaChatRequest, model: string): OpenAIChatBridge {
  const dropped = new Set<string>();
  const { fields, dropped: droppedOptions } = convertOllamaOptions(request);
  for (const name of droppedOptions) dropped.add(name);
  let pending: { id: string; name: string }[] = [];
  const messages = request.messages.map((message, i): Json => {
    if (message.images.length > 0 && message.role !== 'user') dropped.add('images outside user messages');
    switch (message.role) {
      case 'system':
        return { role: 'system', content: message.content };
      case 'user':
        return { role: 'user', content: userContent(message, i) };
      case 'assistant': {
        // `thinking` is the model's own scratch work: no OpenAI server takes it back as input.
        if (message.toolCalls.length === 0) return { role: 'assistant', content: message.content };
        pending = message.toolCalls.map((call, j) => ({ id: ollamaToolCallId(i, j), name: call.name }));
        return {
          role: 'assistant',
          content: message.content === '' ? null : message.content,
          tool_calls: message.toolCalls.map((call, j) => ({
            id: ollamaToolCallId(i, j),
            type: 'function',
            function: { name: call.name, arguments: typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments) },
          })),
        };
      }
      case 'tool': {
        const index = Math.max(0, pending.findIndex((call) => call.name === message.toolName));
        const answered = pending[index];
        if (answered === undefined) {
          throw new GatewayError('invalid_request', `messages[${i}] is a tool result, but no assistant tool call before it is left unanswered`, { param: `messages[${i}]` });
        }
        pending = pending.filter((_, k) => k !== index);
        return { role: 'tool', tool_call_id: answered.id, content: message.content };
      }
    }
  });
  const body: Json = { model, messages, stream: request.stream, ...fields };
  if (request.tools.length > 0) body.tools = request.tools.map((tool) => ({ ...tool, type: 'function' }));
  return { body, dropped: [...dropped] };
}

/** The id of the `j`th tool call of the message at `i`; unique within a conversation. */
export function ollamaToolCallId(messageIndex: number, callIndex: number): string {
  return `call_${messageIndex}_${callIndex}`;
}

function userContent(message: OllamaMessage, i: number): string | Json[] {
  if (message.images.length === 0) return message.content;
  const parts: Json[] = [];
  if (message.content !== '') parts.push({ type: 'text', text: message.content });
  message.images.forEach((image, j) => parts.push({ type: 'image_url', image_url: { url: toImageDataUrl(image, `messages[${i}].images[${j}]`) } }));
  return parts;
}
