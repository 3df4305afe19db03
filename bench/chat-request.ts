// Builds the request every target is loaded with: one small OpenAI chat completion, streamed or
// not, as compact JSON. All targets get byte-identical bodies so that only the path between the
// client and the mock differs.
import type { LoadRequest } from './load-generator.js';

export type RequestKind = 'chat' | 'chat-stream';

export const BENCH_MODEL = 'bench-model';

export function chatRequest(kind: RequestKind, headers: Record<string, string>, model = BENCH_MODEL): LoadRequest {
  const body: Record<string, unknown> = {
    model,
    messages: [{ role: 'user', content: 'Say hello in five words.' }],
    max_tokens: 16,
  };
  if (kind === 'chat-stream') {
    body.stream = true;
    body.stream_options = { include_usage: true };
  }
  return {
    method: 'POST',
    path: '/v1/chat/completions',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  };
}
