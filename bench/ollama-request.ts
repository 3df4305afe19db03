// Builds the Ollama API request an Ollama bench target is loaded with: the same small prompt and
// output cap as chat-request.ts, as a POST /api/chat body (`options.num_predict` for the cap,
// `stream` explicit because Ollama's default is to stream). Compact JSON, byte-identical for every request.
import type { LoadRequest } from './load-generator.js';
import { BENCH_MODEL, type RequestKind } from './chat-request.js';

export function ollamaRequest(kind: RequestKind, headers: Record<string, string>, model = BENCH_MODEL): LoadRequest {
  const body = {
    model,
    messages: [{ role: 'user', content: 'Say hello in five words.' }],
    options: { num_predict: 16 },
    stream: kind === 'chat-stream',
  };
  return {
    method: 'POST',
    path: '/api/chat',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  };
}
