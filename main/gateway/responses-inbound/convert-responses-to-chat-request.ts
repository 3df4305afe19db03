// Translates a Responses API request into the canonical OpenAI chat-completions body, for every
// deployment that does not serve /v1/responses itself (the bridge). Items and tools without a
// chat equivalent (server-side tools, web_search_call, compaction, item kinds newer than this
// code) are dropped and listed, never a 400: Codex sends them every turn. Deterministic: the
// same request gives the same bytes, so local prefix caches keep hitting. Never reads anything
// but the request.
import { GatewayError } from '../../core/gateway-error.js';
import type { ResponsesRequest } from './parse-responses-request.js';
import { flattenToolName, LOCAL_SHELL_FUNCTION, type ToolOrigin, type ToolOrigins } from './responses-tool-origin.js';
import { decodeReasoningContent, type ThinkingBlock } from './reasoning-encrypted-content.js';
import { responsesInputItems } from './responses-input-items.js';

type Json = Record<string, unknown>;

export interface ChatBridge {
  /** The chat-completions body the gateway routes, meters and sends. */
  body: Json;
  /** What had no chat equivalent and was left out (`item:web_search_call`, `tool:web_search`...), once each. */
  dropped: readonly string[];
  /** How a function name in the model's answer maps back to a Responses tool. */
  toolOrigins: ToolOrigins;
  /** Some assistant message carries Anthropic thinking blocks (only an Anthropic deployment can read them). */
  replaysThinking: boolean;
  /** Set when nothing is left to send after dropping (every item was of a kind the bridge drops). */
  untranslatable?: GatewayError;
}

/** The freeform tool's single argument: the model writes the raw text (a patch) into it. */
const CUSTOM_INPUT_PARAMETERS = (description: string): Json => ({
  type: 'object',
  properties: { input: { type: 'string', description } },
  required: ['input'],
  additionalProperties: false,
});

const LOCAL_SHELL_TOOL: Json = {
  type: 'function',
  function: {
    name: LOCAL_SHELL_FUNCTION,
    description: 'Runs a command on the local machine and returns its output.',
    parameters: {
      type: 'object',
      properties: {
        command: { type: 'array', items: { type: 'string' }, description: 'The command and its arguments, e.g. ["bash", "-lc", "ls"].' },
        workdir: { type: 'string', description: 'The working directory.' },
        timeout_ms: { type: 'integer', description: 'Time limit in milliseconds.' },
      },
      required: ['command'],
    },
  },
};

export function convertResponsesToChatRequest(request: ResponsesRequest): ChatBridge {
  const dropped = new Set<string>();
  const origins = new Map<string, ToolOrigin>();
  const tools: Json[] = [];
  const { body } = request;

  const systemParts: string[] = [];
  if (request.instructions !== undefined) systemParts.push(request.instructions);
  const messages: Json[] = [];
  let assistant: Json | undefined;
  let pendingImages: Json[] = [];
  let replaysThinking = false;

  const flushAssistant = () => {
    // Thinking with nothing after it (a turn cut short) is no message any backend accepts.
    if (assistant !== undefined && (assistant.content !== null || assistant.tool_calls !== undefined)) messages.push(assistant);
    assistant = undefined;
  };
  const openAssistant = (): Json => (assistant ??= { role: 'assistant', content: null });
  /** Images a tool returned follow the run of tool messages: a user turn between them would break it. */
  const flushImages = () => {
    if (pendingImages.length === 0) return;
    messages.push({ role: 'user', content: pendingImages });
    pendingImages = [];
  };
  const addToolCall = (id: string, name: string, args: string) => {
    const message = openAssistant();
    ((message.tool_calls ??= []) as Json[]).push({ id, type: 'function', function: { name, arguments: args } });
  };
  const addToolResult = (callId: string, output: unknown, where: string) => {
    flushAssistant();
    const { text, images } = toolOutput(output, where, dropped);
    messages.push({ role: 'tool', tool_call_id: callId, content: text });
    pendingImages.push(...images);
  };

  const items = responsesInputItems(request);
  items.forEach((item, i) => {
    const where = `input[${i}]`;
    // EasyInputMessage ({role, content}) has no type.
    const type = typeof item.type === 'string' ? item.type : item.role !== undefined ? 'message' : undefined;
    if (type !== 'function_call_output' && type !== 'custom_tool_call_output' && type !== 'local_shell_call_output') flushImages();
    switch (type) {
      case 'message': {
        const role = item.role;
        if (role === 'system' || role === 'developer') {
          const text = messageText(item.content, `${where}.content`, dropped);
          if (text !== '') systemParts.push(text);
        } else if (role === 'user') {
          flushAssistant();
          const content = userContent(item.content, `${where}.content`, dropped);
          if (content !== undefined) messages.push({ role: 'user', content });
        } else if (role === 'assistant') {
          const text = messageText(item.content, `${where}.content`, dropped);
          if (text === '') break;
          const message = openAssistant();
          // A second assistant message before any tool call (commentary, then an answer) joins the first.
          if (message.tool_calls !== undefined) {
            flushAssistant();
            openAssistant().content = text;
          } else message.content = typeof message.content === 'string' ? `${message.content}\n\n${text}` : text;
        } else {
          throw invalid(`${where}.role must be one of user, assistant, system, developer`);
        }
        break;
      }
      case 'function_call':
        addToolCall(requireString(item.call_id, `${where}.call_id`), flattenToolName(optionalString(item.namespace), requireString(item.name, `${where}.name`)), argumentsText(item.arguments, `${where}.arguments`));
        break;
      case 'custom_tool_call':
        addToolCall(
          requireString(item.call_id, `${where}.call_id`),
          flattenToolName(optionalString(item.namespace), requireString(item.name, `${where}.name`)),
          JSON.stringify({ input: typeof item.input === 'string' ? item.input : '' }),
        );
        break;
      case 'local_shell_call': {
        const action = isObject(item.action) ? item.action : {};
        const args: Json = { command: Array.isArray(action.command) ? action.command : [] };
        if (typeof action.working_directory === 'string') args.workdir = action.working_directory;
        if (typeof action.timeout_ms === 'number') args.timeout_ms = action.timeout_ms;
        addToolCall(requireString(item.call_id ?? item.id, `${where}.call_id`), LOCAL_SHELL_FUNCTION, JSON.stringify(args));
        break;
      }
      case 'function_call_output':
      case 'custom_tool_call_output':
      case 'local_shell_call_output':
        addToolResult(requireString(item.call_id ?? item.id, `${where}.call_id`), item.output, `${where}.output`);
        break;
      case 'reasoning': {
        // Only thinking this gateway wrapped (from an Anthropic deployment) can be replayed; other
        // reasoning (OpenAI's encrypted items, a local model's summary) means nothing to a backend.
        const blocks = decodeReasoningContent(item.encrypted_content);
        if (blocks === undefined) break;
        const message = openAssistant();
        ((message.thinking_blocks ??= []) as ThinkingBlock[]).push(...blocks);
        replaysThinking = true;
        break;
      }
      case 'additional_tools':
        // Codex's "Responses-Lite" sends some tools as an input item: they are tools all the same.
        if (Array.isArray(item.tools)) for (const tool of item.tools) addTool(tool, tools, origins, dropped);
        break;
      default:
        dropped.add(`item:${typeof type === 'string' ? type : 'untyped'}`);
    }
  });
  flushAssistant();
  flushImages();
  for (const tool of request.tools) addTool(tool, tools, origins, dropped);

  const chat: Json = {
    model: request.model,
    messages: systemParts.length > 0 ? [{ role: 'system', content: systemParts.join('\n\n') }, ...messages] : messages,
    stream: request.stream,
  };
  if (tools.length > 0) {
    chat.tools = tools;
    const choice = toolChoice(body.tool_choice);
    if (choice !== undefined) chat.tool_choice = choice;
    if (typeof body.parallel_tool_calls === 'boolean') chat.parallel_tool_calls = body.parallel_tool_calls;
  }
  // max_tokens, not max_completion_tokens: every chat server reads it (llama.cpp, LM Studio, older
  // vLLM), every adapter maps it, and the budget's worst case reads it.
  if (request.maxOutputTokens !== undefined) chat.max_tokens = request.maxOutputTokens;
  if (typeof body.temperature === 'number') chat.temperature = body.temperature;
  if (typeof body.top_p === 'number') chat.top_p = body.top_p;
  const effort = isObject(body.reasoning) ? body.reasoning.effort : undefined;
  if (typeof effort === 'string') chat.reasoning_effort = effort;
  const responseFormat = toResponseFormat(isObject(body.text) ? body.text.format : undefined);
  if (responseFormat !== undefined) chat.response_format = responseFormat;

  const bridge: ChatBridge = { body: chat, dropped: [...dropped], toolOrigins: origins, replaysThinking };
  if (messages.length === 0) {
    bridge.untranslatable = new GatewayError('invalid_request', `Nothing in input can be sent to this model: ${bridge.dropped.join(', ') || 'no messages'} ${bridge.dropped.length === 1 ? 'has' : 'have'} no chat-completions equivalent`, { param: 'input' });
    // A stand-in to route and meter with; a model that serves the Responses API still gets the request as sent.
    chat.messages = [...(chat.messages as Json[]), { role: 'user', content: '' }];
  }
  return bridge;
}

/** The body for a backend that cannot read thinking blocks: every assistant message without them. */
export function withoutThinkingBlocks(body: Json): Json {
  const messages = body.messages as Json[];
  return { ...body, messages: messages.map((m) => (m.thinking_blocks === undefined ? m : omit(m, 'thinking_blocks'))) };
}

function addTool(raw: unknown, tools: Json[], origins: Map<string, ToolOrigin>, dropped: Set<string>, namespace?: string): void {
  if (!isObject(raw)) return;
  switch (raw.type) {
    case 'function': {
      if (typeof raw.name !== 'string' || raw.name === '') throw invalid('a function tool needs a name', 'tools');
      const name = flattenToolName(namespace, raw.name);
      if (namespace !== undefined) origins.set(name, { kind: 'function', name: raw.name, namespace });
      const fn: Json = { name };
      if (typeof raw.description === 'string') fn.description = raw.description;
      fn.parameters = isObject(raw.parameters) ? raw.parameters : { type: 'object', properties: {} };
      if (typeof raw.strict === 'boolean') fn.strict = raw.strict;
      tools.push({ type: 'function', function: fn });
      return;
    }
    case 'custom': {
      if (typeof raw.name !== 'string' || raw.name === '') throw invalid('a custom tool needs a name', 'tools');
      const name = flattenToolName(namespace, raw.name);
      origins.set(name, namespace === undefined ? { kind: 'custom', name: raw.name } : { kind: 'custom', name: raw.name, namespace });
      const fn: Json = { name };
      if (typeof raw.description === 'string') fn.description = raw.description;
      fn.parameters = CUSTOM_INPUT_PARAMETERS(customInputDescription(raw.format));
      tools.push({ type: 'function', function: fn });
      return;
    }
    case 'namespace':
      if (typeof raw.name !== 'string' || raw.name === '') throw invalid('a namespace tool needs a name', 'tools');
      if (Array.isArray(raw.tools)) for (const inner of raw.tools) addTool(inner, tools, origins, dropped, raw.name);
      return;
    case 'local_shell':
      if (!origins.has(LOCAL_SHELL_FUNCTION)) {
        origins.set(LOCAL_SHELL_FUNCTION, { kind: 'local_shell' });
        tools.push(LOCAL_SHELL_TOOL);
      }
      return;
    default:
      // Server-side tools (web_search, file_search, tool_search, mcp, image_generation...) run
      // inside OpenAI; a chat backend has nothing to run them with.
      dropped.add(`tool:${typeof raw.type === 'string' ? raw.type : 'untyped'}`);
  }
}

/** The grammar tells the model what the raw input must look like (apply_patch's Lark grammar). */
function customInputDescription(format: unknown): string {
  if (isObject(format) && format.type === 'grammar' && typeof format.definition === 'string') {
    return `The raw input for this tool, written exactly as the tool expects it (not JSON-escaped beyond this string). It must match this ${typeof format.syntax === 'string' ? format.syntax : ''} grammar:\n${format.definition}`;
  }
  return 'The raw text input for this tool.';
}

function toolChoice(choice: unknown): unknown {
  if (choice === undefined || choice === null) return undefined;
  if (typeof choice === 'string') return choice === 'auto' || choice === 'none' || choice === 'required' ? choice : undefined;
  if (!isObject(choice)) return undefined;
  if ((choice.type === 'function' || choice.type === 'custom') && typeof choice.name === 'string') {
    return { type: 'function', function: { name: flattenToolName(optionalString(choice.namespace), choice.name) } };
  }
  // allowed_tools, hosted tool choices: the model may still call any of its tools.
  return 'auto';
}

function toResponseFormat(format: unknown): Json | undefined {
  if (!isObject(format)) return undefined;
  if (format.type === 'json_object') return { type: 'json_object' };
  if (format.type !== 'json_schema') return undefined;
  const schema: Json = { name: typeof format.name === 'string' ? format.name : 'response', schema: isObject(format.schema) ? format.schema : {} };
  if (typeof format.description === 'string') schema.description = format.description;
  if (typeof format.strict === 'boolean') schema.strict = format.strict;
  return { type: 'json_schema', json_schema: schema };
}

/** System, developer and assistant content: a string, or text parts joined in order. */
function messageText(content: unknown, where: string, dropped: Set<string>): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) throw invalid(`${where} must be a string or an array of content parts`);
  const texts: string[] = [];
  for (const part of content) {
    if (!isObject(part)) continue;
    if (typeof part.text === 'string' && (part.type === 'input_text' || part.type === 'output_text' || part.type === 'text')) texts.push(part.text);
    else if (part.type === 'refusal' && typeof part.refusal === 'string') texts.push(part.refusal);
    else dropped.add(`part:${typeof part.type === 'string' ? part.type : 'untyped'}`);
  }
  return texts.join('');
}

/** User content: one text part becomes a plain string (what every chat template reads best). */
function userContent(content: unknown, where: string, dropped: Set<string>): string | Json[] | undefined {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) throw invalid(`${where} must be a string or an array of content parts`);
  const parts: Json[] = [];
  for (const part of content) {
    const converted = toChatPart(part, dropped);
    if (converted !== undefined) parts.push(converted);
  }
  if (parts.length === 0) return undefined;
  if (parts.length === 1 && parts[0]!.type === 'text') return parts[0]!.text as string;
  return parts;
}

function toChatPart(part: unknown, dropped: Set<string>): Json | undefined {
  if (!isObject(part)) return undefined;
  if ((part.type === 'input_text' || part.type === 'output_text' || part.type === 'text') && typeof part.text === 'string') return { type: 'text', text: part.text };
  if (part.type === 'input_image' && typeof part.image_url === 'string') {
    const image: Json = { url: part.image_url };
    if (part.detail === 'low' || part.detail === 'high' || part.detail === 'auto') image.detail = part.detail;
    return { type: 'image_url', image_url: image };
  }
  // A file_id image or an input_file lives in OpenAI's file store: nothing to hand a chat backend.
  dropped.add(`part:${typeof part.type === 'string' ? part.type : 'untyped'}${part.type === 'input_image' ? '(file_id)' : ''}`);
  return undefined;
}

/** A tool's output: a string, or input_text parts joined (images go to the user turn that follows). */
function toolOutput(output: unknown, where: string, dropped: Set<string>): { text: string; images: Json[] } {
  if (typeof output === 'string') return { text: output, images: [] };
  if (output === undefined || output === null) return { text: '', images: [] };
  if (!Array.isArray(output)) throw invalid(`${where} must be a string or an array of content parts`);
  const texts: string[] = [];
  const images: Json[] = [];
  for (const part of output) {
    const converted = toChatPart(part, dropped);
    if (converted === undefined) continue;
    if (converted.type === 'text') texts.push(converted.text as string);
    else images.push(converted);
  }
  return { text: texts.join('\n'), images };
}

/** function_call.arguments is JSON text; an object (some clients send one) is serialised. */
function argumentsText(value: unknown, where: string): string {
  if (typeof value === 'string') return value;
  if (isObject(value)) return JSON.stringify(value);
  if (value === undefined || value === null) return '{}';
  throw invalid(`${where} must be a string of JSON`);
}

function requireString(value: unknown, where: string): string {
  if (typeof value !== 'string' || value === '') throw invalid(`${where} must be a non-empty string`);
  return value;
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function omit(record: Json, key: string): Json {
  const { [key]: _omitted, ...rest } = record;
  return rest;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(message: string, param = 'input'): GatewayError {
  return new GatewayError('invalid_request', message, { param });
}
