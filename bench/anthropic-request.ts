// Builds the Anthropic Messages request an Anthropic bench target is loaded with (what Claude Code
// sends): the same small prompt and output cap as chat-request.ts, as a POST /v1/messages body
// (`max_tokens` is required there), streamed or not. Compact JSON, byte-identical for every request.
import type { LoadRequest } from './load-generator.js';
import { BENCH_MODEL, type RequestKind } from './chat-request.js';

/** The API version Anthropic's SDKs and Claude Code send. */
const ANTHROPIC_VERSION = '2023-06-01';

export function anthropicRequest(kind: RequestKind, headers: Record<string, string>, model = BENCH_MODEL): LoadRequest {
  const body: Record<string, unknown> = {
    model,
    max_tokens: 16,
    messages: [{ role: 'user', content: 'Say hello in five words.' }],
  };
  if (kind === 'chat-stream') body.stream = true;
  return {
    method: 'POST',
    path: '/v1/messages',
    headers: { 'content-type': 'application/json', 'anthropic-version': ANTHROPIC_VERSION, ...headers },
    body: JSON.stringify(body),
  };
}
