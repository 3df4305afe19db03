// Builds the Responses API request a Responses bench target is loaded with: the same small
// prompt and output cap as chat-request.ts, as an OpenAI Responses body (`input` instead of
// `messages`), streamed or not. Compact JSON, byte-identical for every request.
import type { LoadRequest } from './load-generator.js';
import { BENCH_MODEL, type RequestKind } from './chat-request.js';

export function responsesRequest(kind: RequestKind, headers: Record<string, string>, model = BENCH_MODEL): LoadRequest {
  const body: Record<string, unknown> = {
    model,
    input: 'Say hello in five words.',
    max_output_tokens: 16,
    store: false,
  };
  if (kind === 'chat-stream') body.stream = true;
  return {
    method: 'POST',
    path: '/v1/responses',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  };
}
