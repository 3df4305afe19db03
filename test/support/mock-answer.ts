// The protocol-neutral answer a mock upstream gives: content split into chunks, tool calls,
// usage, model and finish reason, resolved from an 'ok' behaviour and the request body.
// It only decides WHAT is said; the wire modules decide how each protocol spells it.

export interface MockToolCall {
  /** OpenAI tool-call id; defaults to call_mock_<n>. Ollama sends no id. */
  id?: string;
  name: string;
  arguments: Record<string, unknown>;
  /** How the JSON arguments text is split across OpenAI stream deltas; must join to JSON.stringify(arguments). */
  argumentChunks?: string[];
}

/** Token counts the upstream reports; null means the upstream reports none at all. */
export interface MockUsage {
  prompt: number;
  completion: number;
  cached?: number;
  reasoning?: number;
}

export interface OkBehaviour {
  kind: 'ok';
  content?: string;
  /** The content split exactly like this across stream frames (content = chunks.join('')). */
  chunks?: string[];
  toolCalls?: MockToolCall[];
  usage?: MockUsage | null;
  model?: string;
  finishReason?: string;
}

export interface ResolvedToolCall {
  id: string;
  name: string;
  arguments: Record<string, unknown>;
  argumentChunks: string[];
}

export interface MockAnswer {
  chunks: string[];
  content: string;
  toolCalls: ResolvedToolCall[];
  usage: Required<MockUsage> | null;
  model: string;
  /** OpenAI finish_reason; Ollama's done_reason is 'stop' unless finishReason was given. */
  finishReason: string;
  explicitFinishReason: boolean;
}

export const DEFAULT_CHUNKS = ['Hello', ',', ' world', '!'];
export const DEFAULT_MODEL = 'mock-model';
export const DEFAULT_PROMPT_TOKENS = 10;

/**
 * Resolves an ok behaviour against the request. Defaults: content 'Hello, world!' in 4 chunks
 * (none when only tool calls are given), model echoed from the request, usage
 * { prompt: 10, completion: number of content chunks + tool calls }.
 */
export function resolveAnswer(ok: OkBehaviour, requestJson: unknown): MockAnswer {
  const requested = isRecord(requestJson) && typeof requestJson.model === 'string' ? requestJson.model : undefined;
  const hasTools = ok.toolCalls !== undefined && ok.toolCalls.length > 0;
  const chunks = ok.chunks ?? (ok.content !== undefined ? splitWords(ok.content) : hasTools ? [] : DEFAULT_CHUNKS);
  const toolCalls = (ok.toolCalls ?? []).map((call, i): ResolvedToolCall => {
    const text = JSON.stringify(call.arguments);
    const argumentChunks = call.argumentChunks ?? halves(text);
    if (argumentChunks.join('') !== text) {
      throw new Error(`mock-upstream: argumentChunks of tool call ${call.name} do not join to ${text}`);
    }
    return { id: call.id ?? `call_mock_${i}`, name: call.name, arguments: call.arguments, argumentChunks };
  });
  const usage =
    ok.usage === null
      ? null
      : {
          prompt: ok.usage?.prompt ?? DEFAULT_PROMPT_TOKENS,
          completion: ok.usage?.completion ?? chunks.length + toolCalls.length,
          cached: ok.usage?.cached ?? 0,
          reasoning: ok.usage?.reasoning ?? 0,
        };
  return {
    chunks,
    content: chunks.join(''),
    toolCalls,
    usage,
    model: ok.model ?? requested ?? DEFAULT_MODEL,
    finishReason: ok.finishReason ?? (hasTools ? 'tool_calls' : 'stop'),
    explicitFinishReason: ok.finishReason !== undefined,
  };
}

/** 'a b c' -> ['a', ' b', ' c']: word-sized chunks like a tokenizer would stream. */
function splitWords(content: string): string[] {
  if (content === '') return [];
  return content.split(/(?=\s)/);
}

function halves(text: string): string[] {
  const mid = Math.ceil(text.length / 2);
  return text.length < 2 ? [text] : [text.slice(0, mid), text.slice(mid)];
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
