// The scripted model's two native wires besides Chat Completions: Ollama's /api/chat and
// Anthropic's /v1/messages. Each request is checked against the rules the real server enforces,
// then read into the chat shape the script's turns understand; Anthropic answers are written by the
// Anthropic mock's own encoder (Ollama's by the mock upstream's). It never writes a wire itself.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isRecord, resolveAnswer } from './mock-answer.js';
import { ANTHROPIC_MOCK_KEY, anthropicStreamText, writeAnthropicAnswer, type AnthropicMockBehaviour, type AnthropicMockBlock } from './mock-anthropic-upstream.js';
import type { Behaviour } from './mock-behaviours.js';
import type { ChatMessage, ChatTool } from './scripted-model-server.js';

/** How the deployment talks to the model: OpenAI Chat Completions, Ollama native, Anthropic Messages. */
export type ModelWire = 'chat' | 'ollama' | 'anthropic';

/** The wire a request path speaks, or undefined for a path that is not a model turn (a probe). */
export function wireOf(path: string): ModelWire | undefined {
  const pathname = path.split('?')[0]!;
  if (pathname.endsWith('/chat/completions')) return 'chat';
  if (pathname === '/api/chat') return 'ollama';
  if (pathname === '/v1/messages') return 'anthropic';
  return undefined;
}

/** A native request read as chat messages and function tools, or the rules it broke. */
export interface ReadRequest {
  messages: ChatMessage[];
  tools: ChatTool[];
  problems: string[];
}

/** A tool call the script made, by id and name: Ollama's wire carries neither id back. */
export interface IssuedCall {
  id: string;
  name: string;
}

/**
 * Ollama /api/chat: tool calls `{function: {name, arguments: {...}}}` without ids, tool results as
 * role `tool` messages (with `tool_name` since Ollama 0.6) answering the calls in order. The ids
 * are the ones the script issued, matched by name in order, so a turn can ask for a call's output.
 */
export function readOllamaRequest(json: Record<string, unknown>, issued: readonly IssuedCall[]): ReadRequest {
  const problems: string[] = [];
  const unused = [...issued];
  const pending: IssuedCall[] = [];
  const raw = Array.isArray(json.messages) ? json.messages : [];
  const messages = raw.map((message: unknown, i): ChatMessage => {
    if (!isRecord(message)) return { role: String(message) };
    const out: ChatMessage = { role: String(message.role), content: message.content };
    if (message.role === 'assistant' && Array.isArray(message.tool_calls)) {
      out.tool_calls = message.tool_calls.map((call: unknown, j) => {
        const fn = isRecord(call) && isRecord(call.function) ? call.function : {};
        const name = String(fn.name);
        // Ollama's server decodes arguments into a map: a JSON string there is a 400.
        if (!isRecord(fn.arguments)) problems.push(`messages[${i}].tool_calls[${j}].function.arguments is not an object`);
        const at = unused.findIndex((c) => c.name === name);
        const known = at >= 0 ? unused.splice(at, 1)[0]! : { id: `unissued_${i}_${j}`, name };
        pending.push(known);
        return { id: known.id, type: 'function', function: { name, arguments: JSON.stringify(fn.arguments ?? null) } };
      });
    }
    if (message.role === 'tool') {
      const answered = pending.shift();
      if (answered && message.tool_name !== undefined && message.tool_name !== answered.name) {
        problems.push(`messages[${i}] answers ${answered.name} but names tool_name ${JSON.stringify(message.tool_name)}`);
      }
      out.tool_call_id = answered?.id ?? `unanswerable_${i}`;
    }
    return out;
  });
  return { messages, tools: (Array.isArray(json.tools) ? json.tools : []) as ChatTool[], problems };
}

/**
 * Anthropic /v1/messages: `system` outside the messages, roles user and assistant (and, in newer
 * API versions, system turns of text, which Claude Code sends), starting with user; tool_use blocks in the assistant turn, answered by tool_result blocks in the very next
 * user turn ("tool_use ids were found without tool_result blocks immediately after"); tools as
 * {name, input_schema}; max_tokens required.
 */
export function readAnthropicRequest(json: Record<string, unknown>): ReadRequest {
  const problems: string[] = [];
  if (typeof json.max_tokens !== 'number') problems.push('max_tokens: Field required');
  const messages: ChatMessage[] = [];
  const system = textOfBlocks(json.system);
  if (system !== '') messages.push({ role: 'system', content: system });
  const raw = Array.isArray(json.messages) ? json.messages : [];
  if (raw.length === 0 || !isRecord(raw[0]) || raw[0].role !== 'user') problems.push('messages: the first message must use the "user" role');
  let awaiting: string[] = [];
  raw.forEach((message: unknown, i) => {
    if (!isRecord(message) || (message.role !== 'user' && message.role !== 'assistant' && message.role !== 'system')) {
      problems.push(`messages.${i}.role: Input should be 'user', 'assistant' or 'system'`);
      return;
    }
    if (message.role === 'system') {
      messages.push({ role: 'system', content: textOfBlocks(message.content) });
      return;
    }
    const blocks = typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : Array.isArray(message.content) ? message.content.filter(isRecord) : [];
    const results = blocks.filter((b) => b.type === 'tool_result');
    const answered = results.map((b) => String(b.tool_use_id));
    if (awaiting.some((id) => !answered.includes(id)) || answered.some((id) => !awaiting.includes(id))) {
      problems.push(`messages.${i}: tool_use ids were found without tool_result blocks immediately after (awaiting ${awaiting.join(', ') || 'none'}, answered ${answered.join(', ') || 'none'})`);
    }
    awaiting = [];
    for (const result of results) messages.push({ role: 'tool', tool_call_id: String(result.tool_use_id), content: textOfBlocks(result.content) });
    const text = textOfBlocks(blocks.filter((b) => b.type === 'text'));
    const uses = blocks.filter((b) => b.type === 'tool_use');
    if (message.role === 'assistant') {
      awaiting = uses.map((b) => String(b.id));
      const out: ChatMessage = { role: 'assistant', content: text };
      if (uses.length > 0) out.tool_calls = uses.map((b) => ({ id: String(b.id), type: 'function', function: { name: String(b.name), arguments: JSON.stringify(b.input) } }));
      messages.push(out);
    } else if (text !== '' || results.length === 0) messages.push({ role: 'user', content: text });
  });
  const tools = (Array.isArray(json.tools) ? json.tools : []).filter(isRecord).map((tool): ChatTool => {
    if (!isRecord(tool.input_schema)) problems.push(`tools: ${String(tool.name)}.input_schema: Field required`);
    return { type: 'function', function: { name: String(tool.name), description: tool.description as string | undefined, parameters: tool.input_schema as Record<string, unknown> } };
  });
  return { messages, tools, problems };
}

/** Whether the Anthropic mock would get past its key and version checks (else it answers 401 / 400 itself). */
export function anthropicHeadersAccepted(headers: IncomingMessage['headers']): boolean {
  return headers['x-api-key'] === ANTHROPIC_MOCK_KEY && headers['anthropic-version'] !== undefined;
}

/**
 * The script's answer (a Behaviour of the chat mock) written on Anthropic's wire by the Anthropic
 * mock: text and tool calls as text / tool_use blocks, a dropped stream as its first events then a
 * closed connection, a refusal as Anthropic's error envelope.
 */
export function anthropicAnswer(behaviour: Behaviour, json: Record<string, unknown>, index: number): Behaviour {
  const mock = toAnthropicBehaviour(behaviour, json);
  return {
    kind: 'raw',
    handler: (req, res, body) => void writeAnthropicAnswer(mock, recorded(req, body, json, index), res as ServerResponse, ANTHROPIC_MOCK_KEY),
  };
}

function toAnthropicBehaviour(behaviour: Behaviour, json: Record<string, unknown>): AnthropicMockBehaviour {
  switch (behaviour.kind) {
    case 'ok':
      return messageOf(behaviour, json);
    case 'reset-after-n-chunks': {
      // Chat's n frames count the role chunk: keep message_start through n - 1 text deltas.
      const events = anthropicStreamText(messageOf({ kind: 'ok', ...behaviour.answer }, json), String(json.model)).split(/(?<=\n\n)/);
      let deltas = 0;
      const kept = events.filter((event) => (event.startsWith('event: content_block_delta') ? ++deltas < behaviour.n : deltas < behaviour.n));
      return { kind: 'sse', text: kept.join(''), end: 'close' };
    }
    case 'status': {
      const body = behaviour.body;
      const message = isRecord(body) && isRecord(body.error) ? String(body.error.message) : `status ${behaviour.status}`;
      return { kind: 'error', status: behaviour.status, type: behaviour.status === 400 ? 'invalid_request_error' : 'api_error', message };
    }
    default:
      throw new Error(`scripted model: no Anthropic form for a ${behaviour.kind} turn`);
  }
}

function messageOf(ok: Extract<Behaviour, { kind: 'ok' }>, json: Record<string, unknown>): Extract<AnthropicMockBehaviour, { kind: 'message' }> {
  const answer = resolveAnswer(ok, json);
  const content: AnthropicMockBlock[] = [];
  if (answer.content !== '') content.push({ type: 'text', text: answer.content, chunks: answer.chunks });
  for (const call of answer.toolCalls) content.push({ type: 'tool_use', id: call.id, name: call.name, input: call.arguments, jsonChunks: call.argumentChunks });
  return { kind: 'message', content, usage: answer.usage ? { input_tokens: answer.usage.prompt, output_tokens: answer.usage.completion } : undefined };
}

function recorded(req: IncomingMessage, body: string, json: Record<string, unknown>, index: number) {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  return { index, method: req.method ?? 'POST', path: req.url ?? '/v1/messages', headers, body, json, aborted: false };
}

/** A string, or the text of text blocks joined (system prompts, tool results and turns may be either). */
function textOfBlocks(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((block: unknown) => (isRecord(block) && block.type === 'text' && typeof block.text === 'string' ? block.text : '')).join('');
}
