// Test helper: the official @anthropic-ai/sdk client with an injected fetch, so tests can hand it
// exactly the bytes the gateway would write (SSE text, a JSON body) and record what it sent,
// without any socket. Also loads the fixtures under test/fixtures/anthropic-inbound/.
import { readFileSync } from 'node:fs';
import Anthropic from '@anthropic-ai/sdk';

export interface RecordedRequest {
  url: string;
  method: string;
  body: unknown;
}

export function anthropicClientAnswering(answer: (request: RecordedRequest) => Response): { client: Anthropic; requests: RecordedRequest[] } {
  const requests: RecordedRequest[] = [];
  const client = new Anthropic({
    apiKey: 'sk-sb-test-key',
    // Never contacted: every request is answered by the fake fetch below.
    baseURL: 'http://127.0.0.1:4141',
    maxRetries: 0,
    fetch: async (url: string | URL | Request, init?: RequestInit) => {
      const recorded: RecordedRequest = {
        url: String(url),
        method: init?.method ?? 'GET',
        body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined,
      };
      requests.push(recorded);
      return answer(recorded);
    },
  });
  return { client, requests };
}

/**
 * An SSE response whose body arrives in `sliceBytes`-byte pieces, so the SDK's own line decoder
 * has to reassemble lines and multi-byte UTF-8 characters split across reads.
 */
export function sseResponse(text: string, sliceBytes = 7): Response {
  const bytes = new TextEncoder().encode(text);
  let offset = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= bytes.length) {
        controller.close();
        return;
      }
      controller.enqueue(bytes.slice(offset, offset + sliceBytes));
      offset += sliceBytes;
    },
  });
  return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream; charset=utf-8' } });
}

export function jsonResponse(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

export function loadFixture<T = unknown>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../../../fixtures/anthropic-inbound/${name}`, import.meta.url), 'utf8')) as T;
}

/** Splits the encoder's output back into (event, parsed data) pairs for sequence assertions. */
export function parseAnthropicSse(text: string): Array<{ event: string; data: Record<string, unknown> }> {
  const frames = text.split('\n\n').filter((frame) => frame !== '');
  return frames.map((frame) => {
    const match = /^event: ([a-z_]+)\ndata: (.*)$/s.exec(frame);
    if (match === null) throw new Error(`not an Anthropic SSE frame: ${JSON.stringify(frame)}`);
    return { event: match[1]!, data: JSON.parse(match[2]!) as Record<string, unknown> };
  });
}
