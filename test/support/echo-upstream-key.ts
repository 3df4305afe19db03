// A mock upstream behaviour that leaks its own credential: it answers an OpenAI chat completion
// (JSON, or SSE when the request asks to stream) whose text quotes the API key it was called
// with, without the `Bearer ` prefix, split across stream chunks. Real upstreams do this in
// error echoes and debug modes; body logging must never store what it says.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Behaviour } from './mock-behaviours.js';
import { SSE_DONE_FRAME, sseFrame } from './sse-frames.js';

/** The answer's text for a key. */
export const echoedKeyText = (key: string): string => `I was called with the key ${key}.`;

export function echoUpstreamKey(): Behaviour {
  return {
    kind: 'raw',
    handler(req: IncomingMessage, res: ServerResponse, body: string) {
      const key = String(req.headers.authorization ?? '').replace(/^Bearer /, '');
      const request = JSON.parse(body) as { model?: string; stream?: boolean };
      const model = request.model ?? 'echo-model';
      const usage = { prompt_tokens: 12, completion_tokens: 9, total_tokens: 21 };
      if (request.stream !== true) {
        const text = JSON.stringify({
          id: 'chatcmpl-echo', object: 'chat.completion', created: 1_772_445_600, model,
          choices: [{ index: 0, message: { role: 'assistant', content: echoedKeyText(key), refusal: null }, logprobs: null, finish_reason: 'stop' }],
          usage,
        });
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) });
        res.end(text);
        return;
      }
      const half = Math.floor(key.length / 2);
      const pieces = ['I was called with the key ', key.slice(0, half), key.slice(half), '.'];
      const chunk = (delta: Record<string, unknown>, finish: string | null, withUsage = false) => sseFrame({
        id: 'chatcmpl-echo', object: 'chat.completion.chunk', created: 1_772_445_600, model,
        choices: withUsage ? [] : [{ index: 0, delta, logprobs: null, finish_reason: finish }],
        usage: withUsage ? usage : null,
      });
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(chunk({ role: 'assistant', content: '' }, null));
      for (const piece of pieces) res.write(chunk({ content: piece }, null));
      res.write(chunk({}, 'stop'));
      res.end(chunk({}, null, true) + SSE_DONE_FRAME);
    },
  };
}
