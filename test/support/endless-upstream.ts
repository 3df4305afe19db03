// Mock-upstream behaviours for the stream caps (checklist S43): OpenAI SSE answers that start
// normally and then never stop (one event that never ends, or valid chunks without end). Each
// writes up to `bytes`, honouring backpressure, and then ends the response, so a gateway without
// caps finishes (and its test fails on what it relayed) instead of hanging the run.
import type { ServerResponse } from 'node:http';
import type { Behaviour } from './mock-behaviours.js';
import { buildOpenAIChunk } from './mock-openai-wire.js';
import { SSE_DONE_FRAME, sseFrame } from './sse-frames.js';

/** What every endless answer sends first: the role chunk and "Hello". */
export const ENDLESS_PREFIX_CONTENT = 'Hello';

function chunkFrame(delta: Record<string, unknown>, finish: string | null = null): string {
  return sseFrame(buildOpenAIChunk({ id: 'chatcmpl-endless', created: 1_717_200_000 }, 'up-model', [{ index: 0, delta, logprobs: null, finish_reason: finish }]));
}

/** After the prefix, `data:` lines of 1 KiB with no blank line: one event that never ends. */
export function endlessEvent(bytes: number): Behaviour {
  return endless(bytes, `data: ${'x'.repeat(1017)}\n`, '\n');
}

/** After the prefix, valid one-token chunks without end (a model looping without max_tokens). */
export function endlessChunks(bytes: number): Behaviour {
  return endless(bytes, chunkFrame({ content: 'tok ' }), chunkFrame({}, 'stop') + SSE_DONE_FRAME);
}

function endless(bytes: number, piece: string, end: string): Behaviour {
  return {
    kind: 'raw',
    handler: (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.write(chunkFrame({ role: 'assistant', content: '' }) + chunkFrame({ content: ENDLESS_PREFIX_CONTENT }));
      pump(res, bytes, piece, end);
    },
  };
}

function pump(res: ServerResponse, bytes: number, piece: string, end: string): void {
  let written = 0;
  const more = () => {
    while (written < bytes) {
      if (res.destroyed) return;
      written += piece.length;
      if (!res.write(piece)) {
        res.once('drain', more);
        return;
      }
    }
    if (!res.destroyed) res.end(end);
  };
  more();
}
