// Reads a streamed chat completion (OpenAI chunks over SSE) as the playground shows it: each
// piece of answer text as it arrives, then the usage and finish reason from the last chunks, or
// the error event the gateway sends when a stream fails after it started. Every line's JSON is
// parsed guarded: a bad line ends the answer with an error, never an exception.
import { readSseData } from './read-sse-data.js';

export interface ChatStreamUsage {
  promptTokens: number;
  completionTokens: number;
}

export interface ChatStreamOutcome {
  usage: ChatStreamUsage | null;
  finishReason: string | null;
  /** The in-stream error's message; null when the stream ended cleanly. */
  error: string | null;
  /** The stream ended with [DONE]. */
  done: boolean;
}

export async function readChatStream(body: ReadableStream<Uint8Array>, onText: (text: string) => void): Promise<ChatStreamOutcome> {
  const outcome: ChatStreamOutcome = { usage: null, finishReason: null, error: null, done: false };
  for await (const data of readSseData(body)) {
    if (data === '[DONE]') {
      outcome.done = true;
      break;
    }
    let chunk: unknown;
    try {
      chunk = JSON.parse(data);
    } catch {
      outcome.error = 'The gateway sent a stream line that is not JSON';
      break;
    }
    if (!isRecord(chunk)) continue;
    if (isRecord(chunk.error)) {
      outcome.error = typeof chunk.error.message === 'string' ? chunk.error.message : 'The stream ended with an error';
      continue;
    }
    const choice = Array.isArray(chunk.choices) && isRecord(chunk.choices[0]) ? chunk.choices[0] : undefined;
    if (choice) {
      const delta = isRecord(choice.delta) ? choice.delta : undefined;
      if (delta && typeof delta.content === 'string' && delta.content !== '') onText(delta.content);
      if (typeof choice.finish_reason === 'string') outcome.finishReason = choice.finish_reason;
    }
    if (isRecord(chunk.usage)) {
      const { prompt_tokens: prompt, completion_tokens: completion } = chunk.usage;
      if (typeof prompt === 'number' && typeof completion === 'number') outcome.usage = { promptTokens: prompt, completionTokens: completion };
    }
  }
  return outcome;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
