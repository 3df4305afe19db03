// Before anything is timed, proves each target really proxies: one chat completion must come
// back as JSON with choices, and one stream must carry content deltas and end with [DONE]; a
// Responses target must answer a completed response object and a stream of text deltas ending
// in response.completed; an Ollama target a done chat object and NDJSON lines ending done; an
// Anthropic target a message with the text and an event stream of text deltas ending in
// message_stop. A bench that measured fast 401s would be worse than no bench.
// A target of several replicas is verified on each one, with the same client headers.
import type { Dispatcher } from 'undici';
import { originsOf, type RunningTarget } from './bench-target.js';
import { createLoadPool } from './load-generator.js';

/** Requests verifyTarget sends (one chat completion, one stream), for counting what a target got. */
export const VERIFICATION_REQUESTS = 2;

/**
 * verifyTarget on every replica, each over a connection of its own (the balanced load pool would
 * not say which replica answered): a virtual key made on one replica must work on every other.
 * A single-origin target is verified over `pool`. Returns the requests sent (each one is metered).
 */
export async function verifyEveryReplica(name: string, pool: Dispatcher, target: RunningTarget): Promise<number> {
  const origins = originsOf(target);
  if (origins.length === 1) {
    await verifyTarget(name, pool, target);
    return VERIFICATION_REQUESTS;
  }
  for (const [index, origin] of origins.entries()) {
    const own = createLoadPool(origin, 1);
    try {
      await verifyTarget(`${name}, replica ${index + 1} (${origin})`, own, target);
    } finally {
      await own.close();
    }
  }
  return VERIFICATION_REQUESTS * origins.length;
}

export async function verifyTarget(name: string, pool: Dispatcher, target: RunningTarget): Promise<void> {
  if (target.wireFormat === 'responses') return verifyResponsesTarget(name, pool, target);
  if (target.wireFormat === 'ollama') return verifyOllamaTarget(name, pool, target);
  if (target.wireFormat === 'anthropic') return verifyAnthropicTarget(name, pool, target);
  const plain = await send(name, pool, target, 'chat');
  let json: { choices?: unknown[] };
  try {
    json = JSON.parse(plain) as { choices?: unknown[] };
  } catch {
    throw new Error(`${name}: the chat completion is not JSON: ${plain.slice(0, 200)}`);
  }
  if (!Array.isArray(json.choices) || json.choices.length === 0) throw new Error(`${name}: the chat completion has no choices: ${plain.slice(0, 200)}`);

  const stream = await send(name, pool, target, 'chat-stream');
  if (!stream.includes('"content":"Hello"') || !stream.trimEnd().endsWith('data: [DONE]')) {
    throw new Error(`${name}: the stream is not a complete OpenAI SSE stream: ${stream.slice(0, 300)}`);
  }
}

async function send(name: string, pool: Dispatcher, target: RunningTarget, kind: 'chat' | 'chat-stream'): Promise<string> {
  const request = target.buildRequest(kind);
  const response = await pool.request({ method: request.method, path: request.path, headers: request.headers, body: request.body ?? null });
  const text = await response.body.text();
  if (response.statusCode !== 200) throw new Error(`${name}: HTTP ${response.statusCode} for ${kind}: ${text.slice(0, 300)}`);
  return text;
}

async function verifyResponsesTarget(name: string, pool: Dispatcher, target: RunningTarget): Promise<void> {
  const plain = await send(name, pool, target, 'chat');
  let json: { object?: unknown; status?: unknown; output?: { content?: { text?: unknown }[] }[] };
  try {
    json = JSON.parse(plain) as typeof json;
  } catch {
    throw new Error(`${name}: the response is not JSON: ${plain.slice(0, 200)}`);
  }
  const text = json.output?.flatMap((item) => item.content ?? []).map((part) => part.text).join('');
  if (json.object !== 'response' || json.status !== 'completed' || !text?.startsWith('Hello')) {
    throw new Error(`${name}: not a completed Responses API object with the text: ${plain.slice(0, 300)}`);
  }
  const stream = await send(name, pool, target, 'chat-stream');
  const events = stream.split('\n').filter((line) => line.startsWith('data: ')).map((line) => JSON.parse(line.slice(6)) as { type?: string; delta?: string });
  const streamed = events.filter((event) => event.type === 'response.output_text.delta').map((event) => event.delta).join('');
  if (!streamed.startsWith('Hello') || events.at(-1)?.type !== 'response.completed') {
    throw new Error(`${name}: the stream is not a complete Responses event stream: ${stream.slice(0, 300)}`);
  }
}

async function verifyOllamaTarget(name: string, pool: Dispatcher, target: RunningTarget): Promise<void> {
  type Line = { message?: { content?: unknown }; done?: unknown };
  const plain = await send(name, pool, target, 'chat');
  let json: Line;
  try {
    json = JSON.parse(plain) as Line;
  } catch {
    throw new Error(`${name}: the Ollama chat answer is not JSON: ${plain.slice(0, 200)}`);
  }
  if (json.done !== true || typeof json.message?.content !== 'string' || !json.message.content.startsWith('Hello')) {
    throw new Error(`${name}: not a done Ollama chat object with the text: ${plain.slice(0, 300)}`);
  }
  const stream = await send(name, pool, target, 'chat-stream');
  const lines = stream.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as Line);
  const streamed = lines.map((line) => line.message?.content ?? '').join('');
  if (!streamed.startsWith('Hello') || lines.at(-1)?.done !== true || lines.length < 2) {
    throw new Error(`${name}: the stream is not a complete Ollama NDJSON stream: ${stream.slice(0, 300)}`);
  }
}

async function verifyAnthropicTarget(name: string, pool: Dispatcher, target: RunningTarget): Promise<void> {
  const plain = await send(name, pool, target, 'chat');
  let json: { type?: unknown; content?: { type?: unknown; text?: unknown }[] };
  try {
    json = JSON.parse(plain) as typeof json;
  } catch {
    throw new Error(`${name}: the Anthropic message is not JSON: ${plain.slice(0, 200)}`);
  }
  const text = json.content?.filter((block) => block.type === 'text').map((block) => block.text).join('');
  if (json.type !== 'message' || !text?.startsWith('Hello')) {
    throw new Error(`${name}: not an Anthropic message with the text: ${plain.slice(0, 300)}`);
  }
  const stream = await send(name, pool, target, 'chat-stream');
  const events = stream.split('\n').filter((line) => line.startsWith('data: ')).map((line) => JSON.parse(line.slice(6)) as { type?: string; delta?: { type?: string; text?: string } });
  const streamed = events.filter((event) => event.type === 'content_block_delta' && event.delta?.type === 'text_delta').map((event) => event.delta?.text).join('');
  if (!streamed.startsWith('Hello') || events.at(-1)?.type !== 'message_stop') {
    throw new Error(`${name}: the stream is not a complete Anthropic event stream: ${stream.slice(0, 300)}`);
  }
}
