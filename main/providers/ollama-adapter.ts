// Adapter for Ollama's native API: /api/chat (NDJSON streaming), /api/generate for legacy
// completions, /api/embed. Ollama's tool calls carry no ids, so ids are synthesised per request
// (litellm #11262); image URLs are refused rather than fetched (the gateway never fetches URLs
// from request data). Every NDJSON line is parsed guarded.
import { GatewayError } from '../core/gateway-error.js';
import { sanitizeExcerpt } from './read-upstream-body.js';
import type {
  AdapterTarget, EndpointKind, ParsedResponse, ProviderAdapter, StreamEvent, StreamOutput, StreamTranslator, TokenUsage, UpstreamCall,
} from './provider-adapter.js';
import { isRecord } from './parse-json-safely.js';
import { streamEventJson } from './stream-event-json.js';
import { toOpenAIUsage } from './openai-usage.js';
import { parseToolCallArguments } from './openai-format/parse-tool-call-arguments.js';
import { parseDataUrl } from './openai-format/parse-data-url.js';

type Json = Record<string, unknown>;

export function createOllamaAdapter(): ProviderAdapter {
  return {
    protocol: 'ollama',
    streamFraming: 'ndjson',
    supports: () => true,
    buildRequest(endpoint, body, target, stream): UpstreamCall {
      const model = target.deployment.upstreamModel;
      let outgoing: Json;
      let path: string;
      if (endpoint === 'embeddings') {
        path = '/api/embed';
        outgoing = { model, input: body.input };
      } else if (endpoint === 'completions') {
        path = '/api/generate';
        outgoing = { model, prompt: promptText(body.prompt), stream, options: toOptions(body), ...(typeof body.suffix === 'string' ? { suffix: body.suffix } : {}) };
      } else {
        path = '/api/chat';
        outgoing = { model, messages: toOllamaMessages(body.messages), stream, options: toOptions(body) };
        if (Array.isArray(body.tools)) outgoing.tools = body.tools;
        const format = toFormat(body.response_format);
        if (format !== undefined) outgoing.format = format;
      }
      return { method: 'POST', path, headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(outgoing) };
    },
    parseResponse(endpoint, json, target, _raw, requestId): ParsedResponse {
      if (!isRecord(json)) throw new GatewayError('upstream_bad_response', 'Ollama sent a response that is not a JSON object');
      if (typeof json.error === 'string') throw new GatewayError('upstream_error', `Ollama error: ${sanitizeExcerpt(json.error, undefined)}`);
      const usage = ollamaUsage(json);
      const model = target.deployment.modelName;
      if (endpoint === 'embeddings') {
        if (!Array.isArray(json.embeddings)) throw new GatewayError('upstream_bad_response', 'Ollama sent embeddings without an embeddings array');
        return {
          body: {
            object: 'list',
            data: json.embeddings.map((embedding, index) => ({ object: 'embedding', index, embedding })),
            model,
            usage: { prompt_tokens: usage.promptTokens, total_tokens: usage.promptTokens },
          },
          usage,
        };
      }
      const created = createdOf(json);
      if (endpoint === 'completions') {
        return {
          body: {
            id: `cmpl-${requestId}`, object: 'text_completion', created, model,
            choices: [{ index: 0, text: typeof json.response === 'string' ? json.response : '', logprobs: null, finish_reason: finishReason(json.done_reason, false) }],
            usage: toOpenAIUsage(usage),
          },
          usage,
        };
      }
      const message = isRecord(json.message) ? json.message : {};
      const toolCalls = toOpenAIToolCalls(message.tool_calls, 0, requestId);
      const out: Json = { role: 'assistant', content: typeof message.content === 'string' ? message.content : '' };
      if (typeof message.thinking === 'string' && message.thinking) out.reasoning_content = message.thinking;
      if (toolCalls.length > 0) out.tool_calls = toolCalls;
      return {
        body: {
          id: `chatcmpl-${requestId}`, object: 'chat.completion', created, model,
          choices: [{ index: 0, message: out, logprobs: null, finish_reason: finishReason(json.done_reason, toolCalls.length > 0) }],
          usage: toOpenAIUsage(usage),
        },
        usage,
      };
    },
    createStreamTranslator(endpoint, target, requestId): StreamTranslator {
      return endpoint === 'completions'
        ? createGenerateTranslator(target, requestId)
        : createChatTranslator(target, requestId);
    },
    extractErrorMessage(json) {
      return isRecord(json) && typeof json.error === 'string' ? json.error : undefined;
    },
    buildModelsRequest() {
      return { method: 'GET', path: '/api/tags', headers: { accept: 'application/json' } };
    },
  };
}

function createChatTranslator(target: AdapterTarget, requestId: string): StreamTranslator {
  const id = `chatcmpl-${requestId}`;
  const model = target.deployment.modelName;
  let created = 0;
  let started = false;
  let done = false;
  let toolIndex = 0;
  const chunk = (delta: Json, finish: string | null = null): StreamOutput => ({
    type: 'chunk',
    chunk: { id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] },
  });
  return {
    push(event) {
      if (done) return [];
      const line = parseLine(event);
      const out: StreamOutput[] = [];
      if (!started) {
        started = true;
        created = createdOf(line);
        out.push(chunk({ role: 'assistant', content: '' }));
      }
      const message = isRecord(line.message) ? line.message : {};
      if (typeof message.thinking === 'string' && message.thinking) out.push(chunk({ reasoning_content: message.thinking }));
      if (typeof message.content === 'string' && message.content) out.push(chunk({ content: message.content }));
      const toolCalls = toOpenAIToolCalls(message.tool_calls, toolIndex, requestId);
      if (toolCalls.length > 0) {
        toolIndex += toolCalls.length;
        out.push(chunk({ tool_calls: toolCalls.map((call, i) => ({ index: toolIndex - toolCalls.length + i, ...call })) }));
      }
      if (line.done === true) {
        done = true;
        const usage = ollamaUsage(line);
        out.push(chunk({}, finishReason(line.done_reason, toolIndex > 0)));
        out.push({
          type: 'chunk',
          chunk: { id, object: 'chat.completion.chunk', created, model, choices: [], usage: toOpenAIUsage(usage) },
          usageOnly: true,
        });
        out.push({ type: 'usage', usage }, { type: 'done' });
      }
      return out;
    },
    end() {
      if (!done) throw new GatewayError('upstream_bad_response', 'Ollama stream ended before it finished');
      return [];
    },
  };
}

function createGenerateTranslator(target: AdapterTarget, requestId: string): StreamTranslator {
  const id = `cmpl-${requestId}`;
  const model = target.deployment.modelName;
  let done = false;
  return {
    push(event) {
      if (done) return [];
      const line = parseLine(event);
      const created = createdOf(line);
      const out: StreamOutput[] = [];
      const text = typeof line.response === 'string' ? line.response : '';
      const finish = line.done === true ? finishReason(line.done_reason, false) : null;
      if (text || finish) {
        out.push({ type: 'chunk', chunk: { id, object: 'text_completion', created, model, choices: [{ index: 0, text, logprobs: null, finish_reason: finish }] } });
      }
      if (line.done === true) {
        done = true;
        const usage = ollamaUsage(line);
        out.push({ type: 'chunk', chunk: { id, object: 'text_completion', created, model, choices: [], usage: toOpenAIUsage(usage) }, usageOnly: true });
        out.push({ type: 'usage', usage }, { type: 'done' });
      }
      return out;
    },
    end() {
      if (!done) throw new GatewayError('upstream_bad_response', 'Ollama stream ended before it finished');
      return [];
    },
  };
}

function parseLine(event: StreamEvent): Json {
  const line = streamEventJson(event, 'a stream line');
  if (!isRecord(line)) throw new GatewayError('upstream_bad_response', 'Ollama sent a stream line that is not a JSON object');
  if (typeof line.error === 'string') throw new GatewayError('upstream_error', `Ollama reported an error mid-stream: ${sanitizeExcerpt(line.error, undefined)}`);
  return line;
}

function ollamaUsage(json: Json): TokenUsage {
  const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.floor(v) : 0);
  return { promptTokens: n(json.prompt_eval_count), completionTokens: n(json.eval_count), cachedTokens: 0, cacheCreationTokens: 0, reasoningTokens: 0 };
}

function createdOf(json: Json): number {
  const parsed = typeof json.created_at === 'string' ? Date.parse(json.created_at) : NaN;
  return Number.isFinite(parsed) ? Math.floor(parsed / 1000) : 0;
}

function finishReason(doneReason: unknown, hasToolCalls: boolean): string {
  if (hasToolCalls) return 'tool_calls';
  return doneReason === 'length' ? 'length' : 'stop';
}

function toOpenAIToolCalls(calls: unknown, startIndex: number, requestId: string): Json[] {
  if (!Array.isArray(calls)) return [];
  return calls.filter(isRecord).map((call, i) => {
    const fn = isRecord(call.function) ? call.function : {};
    const args = fn.arguments;
    return {
      id: typeof call.id === 'string' ? call.id : `call_${requestId}_${startIndex + i}`,
      type: 'function',
      function: { name: typeof fn.name === 'string' ? fn.name : '', arguments: typeof args === 'string' ? args : JSON.stringify(args ?? {}) },
    };
  });
}

function toOptions(body: Json): Json {
  const options: Json = {};
  const map: [string, string][] = [
    ['temperature', 'temperature'], ['top_p', 'top_p'], ['seed', 'seed'], ['frequency_penalty', 'frequency_penalty'],
    ['presence_penalty', 'presence_penalty'], ['max_tokens', 'num_predict'], ['max_completion_tokens', 'num_predict'],
  ];
  for (const [from, to] of map) if (typeof body[from] === 'number') options[to] = body[from];
  if (typeof body.stop === 'string') options.stop = [body.stop];
  else if (Array.isArray(body.stop)) options.stop = body.stop;
  return options;
}

function toFormat(responseFormat: unknown): unknown {
  if (!isRecord(responseFormat)) return undefined;
  if (responseFormat.type === 'json_object') return 'json';
  if (responseFormat.type === 'json_schema' && isRecord(responseFormat.json_schema)) return responseFormat.json_schema.schema;
  return undefined;
}

function promptText(prompt: unknown): string {
  if (typeof prompt === 'string') return prompt;
  if (Array.isArray(prompt) && prompt.every((p) => typeof p === 'string')) {
    if (prompt.length !== 1) throw new GatewayError('invalid_request', 'Ollama completions take a single prompt', { param: 'prompt' });
    return prompt[0] as string;
  }
  throw new GatewayError('invalid_request', 'prompt must be a string', { param: 'prompt' });
}

function toOllamaMessages(messages: unknown): Json[] {
  const list = Array.isArray(messages) ? messages.filter(isRecord) : [];
  const toolNames = new Map<string, string>();
  return list.map((message, i) => {
    const out: Json = { role: message.role === 'developer' ? 'system' : message.role };
    const images: string[] = [];
    if (typeof message.content === 'string') out.content = message.content;
    else if (Array.isArray(message.content)) {
      const texts: string[] = [];
      for (const part of message.content) {
        if (!isRecord(part)) continue;
        if (part.type === 'text' && typeof part.text === 'string') texts.push(part.text);
        else if (part.type === 'image_url') images.push(imageData(part.image_url));
      }
      out.content = texts.join('\n');
    } else out.content = '';
    if (images.length > 0) out.images = images;
    if (typeof message.reasoning_content === 'string') out.thinking = message.reasoning_content;
    if (Array.isArray(message.tool_calls)) {
      out.tool_calls = message.tool_calls.filter(isRecord).map((call, j) => {
        const fn = isRecord(call.function) ? call.function : {};
        const name = typeof fn.name === 'string' ? fn.name : '';
        if (typeof call.id === 'string') toolNames.set(call.id, name);
        return { function: { name, arguments: parseToolCallArguments(fn.arguments, `messages[${i}].tool_calls[${j}]`) } };
      });
    }
    if (message.role === 'tool' && typeof message.tool_call_id === 'string') {
      const name = toolNames.get(message.tool_call_id);
      if (name) out.tool_name = name;
    }
    return out;
  });
}

function imageData(imageUrl: unknown): string {
  const url = isRecord(imageUrl) ? imageUrl.url : imageUrl;
  const dataUrl = typeof url === 'string' ? parseDataUrl(url) : undefined;
  if (dataUrl?.mediaType.startsWith('image/')) return dataUrl.data;
  throw new GatewayError('invalid_request', 'Ollama needs images as base64 data: URLs; the gateway does not fetch image URLs', { param: 'messages' });
}
