// A scripted loopback upstream speaking Anthropic's Messages API: POST /v1/messages answered as
// a Message JSON body or, for "stream": true, as the documented SSE event sequence; errors in
// Anthropic's envelope. Checks what the real API checks first (x-api-key, anthropic-version),
// records every request with its headers, and replays raw SSE fixtures cut at chosen bytes.
//
// Wire format checked against (search corpus, this session):
// - docs.anthropic.com/en/api/messages-streaming (and the platform.claude.com streaming guide):
//   every event is `event: <name>\ndata: <json>\n\n` whose data repeats the name as `type`; the
//   flow is message_start (a Message with empty content and usage.input_tokens), per block
//   content_block_start / content_block_delta... / content_block_stop, one or more message_delta
//   (delta.stop_reason, stop_sequence; usage.output_tokens, cumulative), message_stop; `ping`
//   events anywhere (the docs' example sends one after the first content_block_start); `error`
//   events (overloaded_error) mid-stream. Delta types: text_delta, input_json_delta
//   (partial_json; tool_use blocks start with "input": {}), thinking_delta, signature_delta.
// - Error envelope {"type":"error","error":{"type","message"},"request_id"}; 401
//   authentication_error for a bad x-api-key; 400 invalid_request_error without anthropic-version.
// - Usage: input_tokens excludes cache reads/writes, reported as cache_read_input_tokens and
//   cache_creation_input_tokens.
import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { sendPieces, sendWhole, startScriptedServer, type MockRequest, type ScriptedServer } from './scripted-loopback-server.js';

export type { MockRequest } from './scripted-loopback-server.js';
export { cutsInsideMultibyteCharacters } from './scripted-loopback-server.js';

export type AnthropicMockBlock =
  /** `chunks` splits the text across text_delta events (must join to `text`). */
  | { type: 'text'; text: string; chunks?: string[] }
  | { type: 'thinking'; thinking: string; signature: string; chunks?: string[] }
  | { type: 'redacted_thinking'; data: string }
  /** `jsonChunks` splits JSON.stringify(input) across input_json_delta events. */
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown>; jsonChunks?: string[] };

export interface AnthropicMockUsage {
  input_tokens?: number;
  output_tokens?: number;
  cache_read_input_tokens?: number;
  cache_creation_input_tokens?: number;
}

export type AnthropicMockBehaviour =
  | {
      kind: 'message';
      content?: AnthropicMockBlock[];
      stopReason?: string;
      usage?: AnthropicMockUsage;
      /** Defaults to the model the request named. */
      model?: string;
    }
  | { kind: 'error'; status: number; type: string; message: string; retryAfter?: number }
  /** Raw SSE text (e.g. a fixture) written as sent, cut into separate writes at byte offsets. */
  | { kind: 'sse'; text: string; cuts?: number[]; end?: 'end' | 'close' };

export interface MockAnthropicUpstream extends ScriptedServer<AnthropicMockBehaviour> {
  /** The x-api-key the mock accepts. */
  apiKey: string;
}

export const ANTHROPIC_MOCK_KEY = 'sk-ant-api03-mock-upstream-key';
export const DEFAULT_ANTHROPIC_TEXT = 'Hello from Claude';

/** A fixture from test/fixtures/anthropic, byte for byte. */
export function anthropicFixture(name: string): string {
  return readFileSync(fileURLToPath(new URL(`../fixtures/anthropic/${name}`, import.meta.url)), 'utf8');
}

export async function createMockAnthropicUpstream(options: { apiKey?: string } = {}): Promise<MockAnthropicUpstream> {
  const apiKey = options.apiKey ?? ANTHROPIC_MOCK_KEY;
  const server = await startScriptedServer<AnthropicMockBehaviour>({ kind: 'message' }, (behaviour, request, res) =>
    writeAnthropicAnswer(behaviour, request, res, apiKey),
  );
  return Object.assign(server, { apiKey });
}

/** Answers one recorded request as the mock does (key and version checks first); also the scripted model's Anthropic wire. */
export async function writeAnthropicAnswer(b: AnthropicMockBehaviour, request: MockRequest, res: ServerResponse, apiKey: string): Promise<void> {
  const requestId = `req_mock${String(request.index).padStart(4, '0')}`;
  const pathname = new URL(request.path, 'http://mock').pathname;
  if (request.method !== 'POST' || pathname !== '/v1/messages') {
    return errorResponse(res, 404, 'not_found_error', 'Not found', requestId);
  }
  if (request.headers['x-api-key'] !== apiKey) {
    return errorResponse(res, 401, 'authentication_error', 'invalid x-api-key', requestId);
  }
  if (request.headers['anthropic-version'] === undefined) {
    return errorResponse(res, 400, 'invalid_request_error', 'anthropic-version: header is required', requestId);
  }
  const body = isRecord(request.json) ? request.json : {};
  switch (b.kind) {
    case 'error':
      return errorResponse(res, b.status, b.type, b.message, requestId, b.retryAfter);
    case 'sse':
      return sendPieces(res, 200, streamHeaders(requestId), Buffer.from(b.text, 'utf8'), b.cuts, b.end);
    case 'message': {
      const message = buildMessage(b, body, request.index);
      if (body.stream === true) {
        const events = messageEvents(message, b.content ?? defaultContent());
        return sendPieces(res, 200, streamHeaders(requestId), Buffer.from(events.join(''), 'utf8'), cumulative(events));
      }
      return sendWhole(res, 200, { 'content-type': 'application/json', 'request-id': requestId }, JSON.stringify(message));
    }
  }
}

function defaultContent(): AnthropicMockBlock[] {
  return [{ type: 'text', text: DEFAULT_ANTHROPIC_TEXT, chunks: ['Hello', ' from', ' Claude'] }];
}

interface Message {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: Record<string, unknown>[];
  stop_reason: string;
  stop_sequence: null;
  usage: Required<AnthropicMockUsage>;
}

function buildMessage(b: Extract<AnthropicMockBehaviour, { kind: 'message' }>, body: Record<string, unknown>, index: number): Message {
  const content = b.content ?? defaultContent();
  for (const block of content) checkChunks(block);
  const hasTool = content.some((block) => block.type === 'tool_use');
  return {
    id: `msg_01Mock${String(index).padStart(18, '0')}`,
    type: 'message',
    role: 'assistant',
    model: b.model ?? (typeof body.model === 'string' ? body.model : 'claude-mock'),
    content: content.map(wholeBlock),
    stop_reason: b.stopReason ?? (hasTool ? 'tool_use' : 'end_turn'),
    stop_sequence: null,
    usage: {
      input_tokens: b.usage?.input_tokens ?? 12,
      cache_creation_input_tokens: b.usage?.cache_creation_input_tokens ?? 0,
      cache_read_input_tokens: b.usage?.cache_read_input_tokens ?? 0,
      output_tokens: b.usage?.output_tokens ?? 7,
    },
  };
}

function wholeBlock(block: AnthropicMockBlock): Record<string, unknown> {
  switch (block.type) {
    case 'text':
      return { type: 'text', text: block.text };
    case 'thinking':
      return { type: 'thinking', thinking: block.thinking, signature: block.signature };
    case 'redacted_thinking':
      return { type: 'redacted_thinking', data: block.data };
    case 'tool_use':
      return { type: 'tool_use', id: block.id, name: block.name, input: block.input };
  }
}

function checkChunks(block: AnthropicMockBlock): void {
  const joined =
    block.type === 'text' ? [block.chunks, block.text]
    : block.type === 'thinking' ? [block.chunks, block.thinking]
    : block.type === 'tool_use' ? [block.jsonChunks, JSON.stringify(block.input)]
    : [undefined, ''];
  const [chunks, whole] = joined as [string[] | undefined, string];
  if (chunks !== undefined && chunks.join('') !== whole) throw new Error(`mock-anthropic: chunks of a ${block.type} block do not join to its content`);
}

/** The SSE text the mock would stream for a message behaviour, e.g. to replay it cut at chosen bytes. */
export function anthropicStreamText(b: Extract<AnthropicMockBehaviour, { kind: 'message' }>, model = 'claude-sonnet-4-5-20250929'): string {
  return messageEvents(buildMessage(b, { model }, 0), b.content ?? defaultContent()).join('');
}

/** The documented event sequence for one message, one string per event. */
function messageEvents(message: Message, blocks: AnthropicMockBlock[]): string[] {
  const events: string[] = [];
  const event = (name: string, data: Record<string, unknown>) => events.push(`event: ${name}\ndata: ${JSON.stringify({ type: name, ...data })}\n\n`);
  event('message_start', {
    message: { ...message, content: [], stop_reason: null, stop_sequence: null, usage: { ...message.usage, output_tokens: 1 } },
  });
  blocks.forEach((block, index) => {
    const delta = (d: Record<string, unknown>) => event('content_block_delta', { index, delta: d });
    switch (block.type) {
      case 'text':
        event('content_block_start', { index, content_block: { type: 'text', text: '' } });
        if (index === 0) event('ping', {});
        for (const text of block.chunks ?? [block.text]) delta({ type: 'text_delta', text });
        break;
      case 'thinking':
        event('content_block_start', { index, content_block: { type: 'thinking', thinking: '' } });
        if (index === 0) event('ping', {});
        for (const thinking of block.chunks ?? [block.thinking]) delta({ type: 'thinking_delta', thinking });
        delta({ type: 'signature_delta', signature: block.signature });
        break;
      case 'redacted_thinking':
        event('content_block_start', { index, content_block: { type: 'redacted_thinking', data: block.data } });
        break;
      case 'tool_use': {
        event('content_block_start', { index, content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} } });
        const json = JSON.stringify(block.input);
        // The API opens tool input with an empty partial_json, then streams the JSON in pieces.
        for (const partial of ['', ...(block.jsonChunks ?? halves(json))]) delta({ type: 'input_json_delta', partial_json: partial });
        break;
      }
    }
    event('content_block_stop', { index });
  });
  event('message_delta', { delta: { stop_reason: message.stop_reason, stop_sequence: null }, usage: { output_tokens: message.usage.output_tokens } });
  event('message_stop', {});
  return events;
}

/** Byte offsets between events, so each event is its own write. */
function cumulative(events: string[]): number[] {
  const cuts: number[] = [];
  let at = 0;
  for (const e of events) {
    at += Buffer.byteLength(e);
    cuts.push(at);
  }
  return cuts;
}

function halves(text: string): string[] {
  const mid = Math.ceil(text.length / 2);
  return text.length < 2 ? [text] : [text.slice(0, mid), text.slice(mid)];
}

function streamHeaders(requestId: string): Record<string, string> {
  return { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'request-id': requestId };
}

function errorResponse(res: ServerResponse, status: number, type: string, message: string, requestId: string, retryAfter?: number): void {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'request-id': requestId };
  if (retryAfter !== undefined) headers['retry-after'] = String(retryAfter);
  sendWhole(res, status, headers, JSON.stringify({ type: 'error', error: { type, message }, request_id: requestId }));
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
