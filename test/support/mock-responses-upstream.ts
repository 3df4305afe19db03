// A loopback upstream that serves OpenAI's Responses API (POST .../responses) byte for byte as
// api.openai.com writes it: `event: <type>` + `data: <json>` frames with strictly increasing
// sequence_number, the response object nested in lifecycle events, items added -> deltas ->
// done, usage with both detail objects; a non-stream call gets the final response object.
// Shapes checked against openai-node 6 (resources/responses/responses.d.ts). Loopback only.
import type { ServerResponse } from 'node:http';
import { sendPieces, sendWhole, startScriptedServer, type MockRequest, type ScriptedServer } from './scripted-loopback-server.js';

export type { MockRequest } from './scripted-loopback-server.js';

export const RESPONSES_MOCK_KEY = 'sk-proj-mock-responses-upstream-key';
export const RESPONSES_MOCK_ID = 'resp_68c1f0a2b3e4819f9d2c7a1b5e6f3d2a0c9b8e7f6a5d4c3b';

export interface ResponsesMockUsage {
  input: number;
  output: number;
  cached?: number;
  reasoning?: number;
}

export type ResponsesMockBehaviour =
  /** A message answer: `chunks` split the text across output_text.delta events. */
  | { kind: 'text'; chunks?: string[]; usage?: ResponsesMockUsage; failAfterDeltas?: { code: string; message: string } }
  | { kind: 'error'; status: number; message: string; code?: string }
  /** Raw SSE text written as sent. */
  | { kind: 'sse'; text: string; end?: 'end' | 'close' };

export type MockResponsesUpstream = ScriptedServer<ResponsesMockBehaviour>;

type Json = Record<string, unknown>;

export async function createMockResponsesUpstream(): Promise<MockResponsesUpstream> {
  return startScriptedServer<ResponsesMockBehaviour>({ kind: 'text' }, answer);
}

async function answer(b: ResponsesMockBehaviour, request: MockRequest, res: ServerResponse): Promise<void> {
  if (request.method !== 'POST' || !new URL(request.path, 'http://mock').pathname.endsWith('/responses')) {
    return sendWhole(res, 404, JSON_HEADERS, JSON.stringify({ error: { message: `Invalid URL (${request.method} ${request.path})`, type: 'invalid_request_error', param: null, code: null } }));
  }
  const key = request.headers.authorization ?? (request.headers['api-key'] === undefined ? undefined : `Bearer ${request.headers['api-key']}`);
  if (key !== `Bearer ${RESPONSES_MOCK_KEY}`) {
    return sendWhole(res, 401, JSON_HEADERS, JSON.stringify({ error: { message: 'Incorrect API key provided.', type: 'invalid_request_error', param: null, code: 'invalid_api_key' } }));
  }
  const body = (request.json ?? {}) as Json;
  switch (b.kind) {
    case 'error':
      return sendWhole(res, b.status, JSON_HEADERS, JSON.stringify({ error: { message: b.message, type: 'invalid_request_error', param: null, code: b.code ?? null } }));
    case 'sse':
      return sendPieces(res, 200, SSE_HEADERS, Buffer.from(b.text, 'utf8'), [], b.end);
    case 'text': {
      const model = typeof body.model === 'string' ? body.model : 'gpt-5';
      const events = responsesEvents(b, model);
      if (body.stream !== true) return sendWhole(res, 200, JSON_HEADERS, JSON.stringify(events.at(-1)!.response, null, 2));
      const frames = events.map((e) => `event: ${e.type as string}\ndata: ${JSON.stringify(e)}\n\n`);
      const cuts: number[] = [];
      let at = 0;
      for (const frame of frames) cuts.push((at += Buffer.byteLength(frame)));
      return sendPieces(res, 200, SSE_HEADERS, Buffer.from(frames.join(''), 'utf8'), cuts);
    }
  }
}

/** The whole event sequence of one message answer; the last event's `response` is the final object. */
export function responsesEvents(b: Extract<ResponsesMockBehaviour, { kind: 'text' }>, model: string): Json[] {
  const chunks = b.chunks ?? ['Hello', ' from', ' the Responses API'];
  const text = chunks.join('');
  const usage = b.usage ?? { input: 12, output: chunks.length };
  let sequence = 0;
  const base = (status: string, output: Json[], withUsage: boolean): Json => ({
    id: RESPONSES_MOCK_ID, object: 'response', created_at: 1756000000, status, background: false, error: null,
    incomplete_details: null, instructions: null, max_output_tokens: null, model, output, parallel_tool_calls: true,
    previous_response_id: null, reasoning: { effort: null, summary: null }, store: false, temperature: 1,
    text: { format: { type: 'text' } }, tool_choice: 'auto', tools: [], top_p: 1, truncation: 'disabled',
    usage: withUsage
      ? {
          input_tokens: usage.input, input_tokens_details: { cached_tokens: usage.cached ?? 0 },
          output_tokens: usage.output, output_tokens_details: { reasoning_tokens: usage.reasoning ?? 0 },
          total_tokens: usage.input + usage.output,
        }
      : null,
    metadata: {},
  });
  const ev = (type: string, fields: Json): Json => ({ type, sequence_number: sequence++, ...fields });
  const itemId = 'msg_68c1f0a3c4d5819fa1b2c3d4e5f60718';
  const part = (t: string) => ({ type: 'output_text', annotations: [], logprobs: [], text: t });
  const events: Json[] = [
    ev('response.created', { response: base('in_progress', [], false) }),
    ev('response.in_progress', { response: base('in_progress', [], false) }),
    ev('response.output_item.added', { output_index: 0, item: { id: itemId, type: 'message', status: 'in_progress', content: [], role: 'assistant' } }),
    ev('response.content_part.added', { item_id: itemId, output_index: 0, content_index: 0, part: part('') }),
    ...chunks.map((delta) => ev('response.output_text.delta', { item_id: itemId, output_index: 0, content_index: 0, delta, logprobs: [], obfuscation: 'x1' })),
  ];
  if (b.failAfterDeltas) {
    events.push(ev('response.failed', { response: { ...base('failed', [], false), error: b.failAfterDeltas } }));
    return events;
  }
  const item = { id: itemId, type: 'message', status: 'completed', content: [part(text)], role: 'assistant' };
  events.push(
    ev('response.output_text.done', { item_id: itemId, output_index: 0, content_index: 0, text, logprobs: [] }),
    ev('response.content_part.done', { item_id: itemId, output_index: 0, content_index: 0, part: part(text) }),
    ev('response.output_item.done', { output_index: 0, item }),
    ev('response.completed', { response: base('completed', [item], true) }),
  );
  return events;
}

const JSON_HEADERS = { 'content-type': 'application/json', 'x-request-id': 'req_mock_responses' };
const SSE_HEADERS = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-request-id': 'req_mock_responses' };
