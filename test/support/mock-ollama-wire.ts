// Ollama native wire format for the mock upstream: NDJSON lines and single bodies for /api/chat,
// /api/generate, /api/embed, /api/tags, /api/version and errors, as plain objects.
// Pure builders: they never touch a socket; fields follow ollama/ollama docs/api.md.
import type { MockAnswer } from './mock-answer.js';
import { mockVector } from './mock-openai-wire.js';

export interface OllamaWireContext {
  /** RFC 3339 timestamp, as Ollama's created_at. */
  createdAt: string;
}

// Fixed nanosecond durations: Ollama reports all durations in ns.
const TOTAL_DURATION = 4_883_583_458;
const LOAD_DURATION = 1_334_875;
const PROMPT_EVAL_DURATION = 342_546_000;
const EVAL_DURATION = 4_535_599_000;

export const OLLAMA_VERSION = '0.6.2';

/** The stats an Ollama final (done: true) object carries; counts are left out when usage is null. */
function doneStats(answer: MockAnswer): Record<string, unknown> {
  const stats: Record<string, unknown> = { total_duration: TOTAL_DURATION, load_duration: LOAD_DURATION };
  if (answer.usage !== null) {
    stats.prompt_eval_count = answer.usage.prompt;
    stats.prompt_eval_duration = PROMPT_EVAL_DURATION;
    stats.eval_count = answer.usage.completion;
    stats.eval_duration = EVAL_DURATION;
  }
  return stats;
}

/** Ollama has no tool_calls finish reason: it ends tool calls with done_reason "stop". */
function doneReason(answer: MockAnswer): string {
  return answer.explicitFinishReason ? answer.finishReason : 'stop';
}

/** Ollama tool calls: arguments as an object, no id. */
function ollamaToolCalls(answer: MockAnswer): Record<string, unknown>[] {
  return answer.toolCalls.map((call) => ({ function: { name: call.name, arguments: call.arguments } }));
}

function chatLine(answer: MockAnswer, ctx: OllamaWireContext, message: Record<string, unknown>): Record<string, unknown> {
  return { model: answer.model, created_at: ctx.createdAt, message, done: false };
}

export interface OllamaStream {
  /** done:false lines carrying the answer. */
  payloads: Record<string, unknown>[];
  /** The final done:true line with the stats. */
  terminal: Record<string, unknown>[];
}

export function ollamaChatStream(answer: MockAnswer, ctx: OllamaWireContext): OllamaStream {
  const payloads = answer.chunks.map((content) => chatLine(answer, ctx, { role: 'assistant', content }));
  if (answer.toolCalls.length > 0) {
    payloads.push(chatLine(answer, ctx, { role: 'assistant', content: '', tool_calls: ollamaToolCalls(answer) }));
  }
  const final = {
    model: answer.model,
    created_at: ctx.createdAt,
    message: { role: 'assistant', content: '' },
    done_reason: doneReason(answer),
    done: true,
    ...doneStats(answer),
  };
  return { payloads, terminal: [final] };
}

export function ollamaChatResponse(answer: MockAnswer, ctx: OllamaWireContext): Record<string, unknown> {
  const message: Record<string, unknown> = { role: 'assistant', content: answer.content };
  if (answer.toolCalls.length > 0) message.tool_calls = ollamaToolCalls(answer);
  return {
    model: answer.model,
    created_at: ctx.createdAt,
    message,
    done_reason: doneReason(answer),
    done: true,
    ...doneStats(answer),
  };
}

export function ollamaGenerateStream(answer: MockAnswer, ctx: OllamaWireContext): OllamaStream {
  const payloads = answer.chunks.map((response) => ({
    model: answer.model,
    created_at: ctx.createdAt,
    response,
    done: false,
  }));
  const final = {
    model: answer.model,
    created_at: ctx.createdAt,
    response: '',
    done: true,
    done_reason: doneReason(answer),
    context: [1, 2, 3],
    ...doneStats(answer),
  };
  return { payloads, terminal: [final] };
}

export function ollamaGenerateResponse(answer: MockAnswer, ctx: OllamaWireContext): Record<string, unknown> {
  return {
    model: answer.model,
    created_at: ctx.createdAt,
    response: answer.content,
    done: true,
    done_reason: doneReason(answer),
    context: [1, 2, 3],
    ...doneStats(answer),
  };
}

export function ollamaEmbed(inputCount: number, model: string, promptTokens: number): Record<string, unknown> {
  return {
    model,
    embeddings: Array.from({ length: inputCount }, (_, i) => mockVector(i)),
    total_duration: 14_143_917,
    load_duration: 1_019_500,
    prompt_eval_count: promptTokens,
  };
}

export function ollamaTags(models: string[], modifiedAt: string): Record<string, unknown> {
  return {
    models: models.map((name, i) => ({
      name,
      model: name,
      modified_at: modifiedAt,
      size: 3_825_819_519 + i,
      digest: (i.toString(16) + 'fe938a131f40e6f6d40083c9f0f430a515233eb2edaa6d72eb85c50d64f2300e').slice(0, 64),
      details: {
        parent_model: '',
        format: 'gguf',
        family: 'llama',
        families: ['llama'],
        parameter_size: '8.0B',
        quantization_level: 'Q4_0',
      },
    })),
  };
}

export function ollamaVersion(): Record<string, unknown> {
  return { version: OLLAMA_VERSION };
}

export function ollamaError(message: string): Record<string, unknown> {
  return { error: message };
}
