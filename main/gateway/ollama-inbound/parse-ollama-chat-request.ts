// Validates an Ollama POST /api/chat body (ollama/ollama docs/api.md): the shared fields, then the
// messages (role, content, images, thinking, tool_calls, tool_name) and tools. A problem is a 400
// naming the field (`messages[2].images[0]`). An empty `messages` is valid: it is a load request.
import { invalidOllamaField, isAbsent, isObject, parseOllamaCommonFields, type OllamaCommonFields } from './parse-ollama-common-fields.js';

type Json = Record<string, unknown>;

export interface OllamaToolCall {
  name: string;
  /** A JSON object in Ollama's format; a string from clients that send OpenAI's form, kept as sent. */
  arguments: Json | string;
}

export interface OllamaMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string;
  images: readonly string[];
  toolCalls: readonly OllamaToolCall[];
  /** The tool a `role: "tool"` message answers. */
  toolName: string | undefined;
}

export interface OllamaChatRequest extends OllamaCommonFields {
  messages: readonly OllamaMessage[];
  tools: readonly Json[];
}

const ROLES = new Set(['system', 'user', 'assistant', 'tool']);

export function parseOllamaChatRequest(input: unknown): OllamaChatRequest {
  const common = parseOllamaCommonFields(input);
  const { body } = common;
  if (!isAbsent(body.messages) && !Array.isArray(body.messages)) throw invalidOllamaField('messages must be an array of messages', 'messages');
  const messages = (Array.isArray(body.messages) ? body.messages : []).map(parseMessage);
  if (!isAbsent(body.tools) && !Array.isArray(body.tools)) throw invalidOllamaField('tools must be an array', 'tools');
  const tools = Array.isArray(body.tools) ? body.tools : [];
  tools.forEach((tool, i) => {
    const fn = isObject(tool) ? tool.function : undefined;
    if (!isObject(fn) || typeof fn.name !== 'string' || fn.name === '') {
      throw invalidOllamaField(`tools[${i}] must be {"type": "function", "function": {"name": ..., "parameters": ...}}`, `tools[${i}]`);
    }
  });
  return { ...common, messages, tools: tools as Json[] };
}

function parseMessage(raw: unknown, i: number): OllamaMessage {
  const at = `messages[${i}]`;
  if (!isObject(raw)) throw invalidOllamaField(`${at} must be an object`, at);
  const role = raw.role;
  if (typeof role !== 'string' || !ROLES.has(role)) throw invalidOllamaField(`${at}.role must be one of system, user, assistant, tool`, `${at}.role`);
  if (!isAbsent(raw.content) && typeof raw.content !== 'string') throw invalidOllamaField(`${at}.content must be a string`, `${at}.content`);
  if (!isAbsent(raw.images) && !(Array.isArray(raw.images) && raw.images.every((image) => typeof image === 'string'))) {
    throw invalidOllamaField(`${at}.images must be an array of base64 strings`, `${at}.images`);
  }
  if (!isAbsent(raw.tool_name) && typeof raw.tool_name !== 'string') throw invalidOllamaField(`${at}.tool_name must be a string`, `${at}.tool_name`);
  if (!isAbsent(raw.tool_calls) && !Array.isArray(raw.tool_calls)) throw invalidOllamaField(`${at}.tool_calls must be an array`, `${at}.tool_calls`);
  const toolCalls = (Array.isArray(raw.tool_calls) ? raw.tool_calls : []).map((call: unknown, j): OllamaToolCall => {
    const fn = isObject(call) ? call.function : undefined;
    const where = `${at}.tool_calls[${j}]`;
    if (!isObject(fn) || typeof fn.name !== 'string' || fn.name === '') throw invalidOllamaField(`${where}.function.name is required`, `${where}.function.name`);
    const args = fn.arguments;
    if (!isAbsent(args) && !isObject(args) && typeof args !== 'string') throw invalidOllamaField(`${where}.function.arguments must be an object`, `${where}.function.arguments`);
    return { name: fn.name, arguments: isAbsent(args) ? {} : args };
  });
  return {
    role: role as OllamaMessage['role'],
    content: typeof raw.content === 'string' ? raw.content : '',
    images: Array.isArray(raw.images) ? (raw.images as string[]) : [],
    toolCalls,
    toolName: typeof raw.tool_name === 'string' ? raw.tool_name : undefined,
  };
}
