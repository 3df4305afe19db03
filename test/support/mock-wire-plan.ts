// Turns one recorded request plus an answer into a WirePlan: which protocol the path implies,
// stream or not, status, content type, and the exact payloads to write — answer first, terminal
// last — so fault behaviours can cut the same plan anywhere. Never writes to a socket.
import { isRecord, resolveAnswer, type OkBehaviour } from './mock-answer.js';
import {
  openAIChatCompletion,
  openAIChatStream,
  openAICompletion,
  openAICompletionStream,
  openAIEmbeddings,
  openAIError,
  openAIModels,
  type OpenAIStream,
} from './mock-openai-wire.js';
import {
  ollamaChatResponse,
  ollamaChatStream,
  ollamaEmbed,
  ollamaGenerateResponse,
  ollamaGenerateStream,
  ollamaTags,
  ollamaVersion,
  type OllamaStream,
} from './mock-ollama-wire.js';

export type Protocol = 'openai' | 'ollama';
export type Framing = 'sse' | 'ndjson' | 'json';
/** How SSE frames are spelled: the last three are valid SSE variants a client must accept. */
export type FrameStyle = 'standard' | 'no-data-prefix-space' | 'crlf' | 'comments';

export const CONTENT_TYPES = {
  openaiJson: 'application/json',
  sse: 'text/event-stream; charset=utf-8',
  ollamaJson: 'application/json; charset=utf-8',
  ndjson: 'application/x-ndjson',
  text: 'text/plain; charset=utf-8',
} as const;

export interface WirePlan {
  protocol: Protocol;
  framing: Framing;
  status: number;
  contentType: string;
  /**
   * The frames that carry the answer: SSE data payloads, NDJSON objects as JSON text, or, for a
   * non-stream body, the body text cut into pieces (so faults can stop mid-body).
   */
  payloads: string[];
  /** What ends the response: finish chunk, usage chunk, [DONE] / the done:true line / the last body piece. */
  terminal: string[];
}

export interface PlanContext {
  /** Position of the request in the mock's record; makes ids unique and deterministic. */
  index: number;
  /** The mock's clock, ms since epoch. */
  nowMs: number;
  models: string[];
}

/** Bytes per piece when a non-stream body is cut for stall/reset/truncate behaviours. */
const BODY_PIECE = 32;

export function protocolOf(pathname: string): Protocol {
  return pathname.startsWith('/api/') ? 'ollama' : 'openai';
}

/** Does the request ask for a stream? Ollama streams unless told "stream": false; OpenAI only if "stream": true. */
export function wantsStream(protocol: Protocol, json: unknown): boolean {
  const stream = isRecord(json) ? json.stream : undefined;
  return protocol === 'ollama' ? stream !== false : stream === true;
}

/** The plan for a successful answer in whichever protocol and endpoint the path implies. */
export function planAnswer(method: string, path: string, json: unknown, ok: OkBehaviour, ctx: PlanContext): WirePlan {
  const pathname = new URL(path, 'http://mock').pathname;
  const protocol = protocolOf(pathname);
  return protocol === 'ollama' ? planOllama(method, pathname, json, ok, ctx) : planOpenAI(method, pathname, json, ok, ctx);
}

function planOpenAI(method: string, pathname: string, json: unknown, ok: OkBehaviour, ctx: PlanContext): WirePlan {
  const created = Math.floor(ctx.nowMs / 1000);
  const body = isRecord(json) ? json : {};
  const stream = wantsStream('openai', json);
  const includeUsage = isRecord(body.stream_options) && body.stream_options.include_usage === true;
  if (pathname.endsWith('/chat/completions')) {
    const answer = resolveAnswer(ok, json);
    const wire = { id: `chatcmpl-mock-${ctx.index}`, created };
    return stream
      ? ssePlan(openAIChatStream(answer, wire, includeUsage))
      : jsonPlan('openai', 200, openAIChatCompletion(answer, wire));
  }
  if (pathname.endsWith('/completions')) {
    const answer = resolveAnswer(ok, json);
    const wire = { id: `cmpl-mock-${ctx.index}`, created };
    return stream
      ? ssePlan(openAICompletionStream(answer, wire, includeUsage))
      : jsonPlan('openai', 200, openAICompletion(answer, wire));
  }
  if (pathname.endsWith('/embeddings')) {
    const answer = resolveAnswer(ok, json);
    const format = body.encoding_format === 'base64' ? 'base64' : 'float';
    return jsonPlan('openai', 200, openAIEmbeddings(inputCount(body.input), answer.model, answer.usage?.prompt ?? 0, format));
  }
  if (pathname.endsWith('/models') && method === 'GET') {
    return jsonPlan('openai', 200, openAIModels(ctx.models, created));
  }
  return jsonPlan('openai', 404, openAIError(404, `Invalid URL (${method} ${pathname})`));
}

function planOllama(method: string, pathname: string, json: unknown, ok: OkBehaviour, ctx: PlanContext): WirePlan {
  const wire = { createdAt: new Date(ctx.nowMs).toISOString() };
  const stream = wantsStream('ollama', json);
  switch (`${method} ${pathname}`) {
    case 'POST /api/chat': {
      const answer = resolveAnswer(ok, json);
      return stream ? ndjsonPlan(ollamaChatStream(answer, wire)) : jsonPlan('ollama', 200, ollamaChatResponse(answer, wire));
    }
    case 'POST /api/generate': {
      const answer = resolveAnswer(ok, json);
      return stream
        ? ndjsonPlan(ollamaGenerateStream(answer, wire))
        : jsonPlan('ollama', 200, ollamaGenerateResponse(answer, wire));
    }
    case 'POST /api/embed': {
      const answer = resolveAnswer(ok, json);
      const input = isRecord(json) ? json.input : undefined;
      return jsonPlan('ollama', 200, ollamaEmbed(inputCount(input), answer.model, answer.usage?.prompt ?? 0));
    }
    case 'GET /api/tags':
      return jsonPlan('ollama', 200, ollamaTags(ctx.models, wire.createdAt));
    case 'GET /api/version':
      return jsonPlan('ollama', 200, ollamaVersion());
    default:
      // Ollama's router (Go net/http) answers unknown routes with a plain-text 404.
      return textPlan('ollama', 404, CONTENT_TYPES.text, '404 page not found');
  }
}

/** string -> 1, ['a','b'] -> 2, [1,2,3] (tokens) -> 1, [[1],[2]] -> 2. */
function inputCount(input: unknown): number {
  if (!Array.isArray(input)) return 1;
  if (input.length > 0 && input.every((x) => typeof x === 'number')) return 1;
  return Math.max(1, input.length);
}

function stringify(p: Record<string, unknown> | '[DONE]'): string {
  return typeof p === 'string' ? p : JSON.stringify(p);
}

function ssePlan(stream: OpenAIStream): WirePlan {
  return {
    protocol: 'openai',
    framing: 'sse',
    status: 200,
    contentType: CONTENT_TYPES.sse,
    payloads: stream.payloads.map(stringify),
    terminal: stream.terminal.map(stringify),
  };
}

function ndjsonPlan(stream: OllamaStream): WirePlan {
  return {
    protocol: 'ollama',
    framing: 'ndjson',
    status: 200,
    contentType: CONTENT_TYPES.ndjson,
    payloads: stream.payloads.map(stringify),
    terminal: stream.terminal.map(stringify),
  };
}

export function jsonPlan(protocol: Protocol, status: number, body: unknown): WirePlan {
  const contentType = protocol === 'openai' ? CONTENT_TYPES.openaiJson : CONTENT_TYPES.ollamaJson;
  return textPlan(protocol, status, contentType, JSON.stringify(body));
}

/** A non-stream body cut into pieces; the last piece is the terminal one, so a truncated body never parses. */
export function textPlan(protocol: Protocol, status: number, contentType: string, text: string): WirePlan {
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += BODY_PIECE) pieces.push(text.slice(i, i + BODY_PIECE));
  const last = pieces.pop() ?? '';
  return { protocol, framing: 'json', status, contentType, payloads: pieces, terminal: [last] };
}

/** The bytes one payload becomes on the wire. */
export function encodeFrame(framing: Framing, payload: string, style: FrameStyle = 'standard'): string {
  if (framing === 'json') return payload;
  if (framing === 'ndjson') return style === 'crlf' ? `${payload}\r\n` : `${payload}\n`;
  switch (style) {
    case 'standard':
      return `data: ${payload}\n\n`;
    case 'no-data-prefix-space':
      return `data:${payload}\n\n`;
    case 'crlf':
      return `data: ${payload}\r\n\r\n`;
    case 'comments':
      // OpenRouter-style keep-alive comments between events.
      return `: keep-alive\n\ndata: ${payload}\n: still here\n\n`;
  }
}

/** The whole response text of a plan, as an ok answer writes it. */
export function planText(plan: WirePlan, style: FrameStyle = 'standard'): string {
  return [...plan.payloads, ...plan.terminal].map((p) => encodeFrame(plan.framing, p, style)).join('');
}
