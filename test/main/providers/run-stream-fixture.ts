// Test helper (not a test): feeds a recorded upstream stream fixture through the real stream
// decoder in small byte slices (so SSE lines and UTF-8 characters split across reads) and into
// a translator, then folds the OpenAI chunks back together the way an OpenAI client does.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createStreamDecoder } from '../../../main/providers/stream-decoder.js';
import type { StreamOutput, StreamTranslator, TokenUsage } from '../../../main/providers/provider-adapter.js';

export function readFixture(relative: string): Uint8Array {
  return readFileSync(fileURLToPath(new URL(`../../fixtures/${relative}`, import.meta.url)));
}

export interface StreamRun {
  outputs: StreamOutput[];
  /** What the translator threw, if it threw (push or end). */
  error: unknown;
}

export function runStreamFixture(translator: StreamTranslator, bytes: Uint8Array, sliceSize = 7): StreamRun {
  const decoder = createStreamDecoder('sse');
  const outputs: StreamOutput[] = [];
  try {
    for (let i = 0; i < bytes.length; i += sliceSize) {
      for (const event of decoder.push(bytes.subarray(i, i + sliceSize))) outputs.push(...translator.push(event));
    }
    for (const event of decoder.end()) outputs.push(...translator.push(event));
    outputs.push(...translator.end());
    return { outputs, error: undefined };
  } catch (error) {
    return { outputs, error };
  }
}

export interface FoldedToolCall {
  id?: string;
  name: string;
  arguments: string;
  extra?: Record<string, unknown>;
}

export interface FoldedStream {
  role?: string;
  content: string;
  reasoning: string;
  toolCalls: FoldedToolCall[];
  finishReasons: unknown[];
  thinkingBlocks: unknown[];
  usageChunks: Record<string, unknown>[];
  usage: TokenUsage[];
  done: number;
  /** Every chunk object, in order (usage-only chunk included). */
  chunks: Record<string, unknown>[];
}

type Json = Record<string, unknown>;

export function foldStream(outputs: StreamOutput[]): FoldedStream {
  const folded: FoldedStream = { content: '', reasoning: '', toolCalls: [], finishReasons: [], thinkingBlocks: [], usageChunks: [], usage: [], done: 0, chunks: [] };
  for (const output of outputs) {
    if (output.type === 'usage') folded.usage.push(output.usage);
    if (output.type === 'done') folded.done++;
    if (output.type !== 'chunk') continue;
    folded.chunks.push(output.chunk);
    if (output.usageOnly) folded.usageChunks.push(output.chunk);
    for (const choice of output.chunk.choices as Json[]) {
      const delta = choice.delta as Json;
      if (typeof delta.role === 'string') folded.role = delta.role;
      if (typeof delta.content === 'string') folded.content += delta.content;
      if (typeof delta.reasoning_content === 'string') folded.reasoning += delta.reasoning_content;
      if (Array.isArray(delta.thinking_blocks)) folded.thinkingBlocks.push(...(delta.thinking_blocks as unknown[]));
      if (Array.isArray(delta.tool_calls)) {
        for (const call of delta.tool_calls as Json[]) {
          const index = call.index as number;
          const fn = (call.function ?? {}) as Json;
          const existing = folded.toolCalls[index] ?? { name: '', arguments: '' };
          if (typeof call.id === 'string') existing.id = call.id;
          if (typeof fn.name === 'string') existing.name += fn.name;
          if (typeof fn.arguments === 'string') existing.arguments += fn.arguments;
          if (call.extra_content !== undefined) existing.extra = call.extra_content as Json;
          folded.toolCalls[index] = existing;
        }
      }
      if (choice.finish_reason !== null) folded.finishReasons.push(choice.finish_reason);
    }
  }
  return folded;
}
