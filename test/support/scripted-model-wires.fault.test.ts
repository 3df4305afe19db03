// The scripted model on its Ollama and Anthropic wires, over a real socket: the same turns answer
// an Ollama /api/chat request (fetch, NDJSON, as Switchboard's adapter reads it) and an Anthropic
// /v1/messages request (the official Anthropic SDK), the tool output comes back in each wire's own
// shape, and each wire's own rules refuse a malformed history in that wire's error envelope.
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ANTHROPIC_MOCK_KEY } from './mock-anthropic-upstream.js';
import { parseNdjsonText } from './sse-frames.js';
import { answerFromToolOutput, callTool, dropMidStream, say, startScriptedModel, type ScriptedModel } from './scripted-model-server.js';

let model: ScriptedModel;
let claude: Anthropic;

beforeAll(async () => {
  model = await startScriptedModel();
  // The key as the real API takes it (and Switchboard's Anthropic adapter sends it): x-api-key.
  claude = new Anthropic({ baseURL: model.url, apiKey: null, authToken: null, defaultHeaders: { 'x-api-key': ANTHROPIC_MOCK_KEY }, maxRetries: 0 });
});
afterAll(async () => {
  await model.close();
});
beforeEach(() => {
  model.reset();
});

const SCHEMA = { type: 'object' as const, properties: { path: { type: 'string' } }, required: ['path'] };

async function ollamaChat(body: Record<string, unknown>): Promise<{ status: number; lines: any[] }> {
  const response = await fetch(`${model.url}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'qwen3', ...body }) });
  return { status: response.status, lines: parseNdjsonText(await response.text()) };
}

describe('scripted model: the Ollama wire', () => {
  const tools = [{ type: 'function', function: { name: 'read_file', parameters: SCHEMA } }];
  const user = { role: 'user', content: 'go' };

  it('calls a tool without an id, then answers from the tool message that names it, matched to the id the script gave', async () => {
    model.play([callTool('read_file', { path: 'a.txt' }, 'call_7'), answerFromToolOutput('call_7', (output) => `it said ${output}`)]);
    const first = await ollamaChat({ messages: [user], tools });
    expect(first.status).toBe(200);
    expect(first.lines.flatMap((l) => l.message?.tool_calls ?? [])).toEqual([{ function: { name: 'read_file', arguments: { path: 'a.txt' } } }]);
    expect(first.lines.at(-1)).toMatchObject({ done: true, done_reason: 'stop' });

    const second = await ollamaChat({
      messages: [user, { role: 'assistant', content: '', tool_calls: [{ function: { name: 'read_file', arguments: { path: 'a.txt' } } }] }, { role: 'tool', tool_name: 'read_file', content: 'forty-two' }],
      tools,
    });
    expect(second.lines.map((l) => l.message?.content ?? '').join('')).toBe('it said forty-two');
    expect(model.problems).toEqual([]);
    const chats = model.chatRequests();
    expect(chats.map((c) => c.wire)).toEqual(['ollama', 'ollama']);
    expect(chats[1]?.messages[1]?.tool_calls).toEqual([{ id: 'call_7', type: 'function', function: { name: 'read_file', arguments: '{"path":"a.txt"}' } }]);
    expect(chats[1]?.messages[2]).toMatchObject({ role: 'tool', tool_call_id: 'call_7', content: 'forty-two' });
  });

  it.each([
    ['arguments as a JSON string', { tool_calls: [{ function: { name: 'read_file', arguments: '{"path":"a.txt"}' } }] }, { role: 'tool', tool_name: 'read_file', content: 'x' }, 'arguments is not an object'],
    ['a tool message naming another tool', { tool_calls: [{ function: { name: 'read_file', arguments: { path: 'a' } } }] }, { role: 'tool', tool_name: 'write_file', content: 'x' }, 'answers read_file but names tool_name "write_file"'],
  ])('refuses %s with a 400', async (_what, call, result, problem) => {
    model.play([callTool('read_file', { path: 'a' }, 'call_1'), say('unused')]);
    await ollamaChat({ messages: [user], tools });
    const refused = await ollamaChat({ messages: [user, { role: 'assistant', content: '', ...call }, result], tools });
    expect(refused.status).toBe(400);
    expect(model.problems).toEqual([expect.stringContaining(problem)]);
  });
});

describe('scripted model: the Anthropic wire', () => {
  const tools: Anthropic.Tool[] = [{ name: 'read_file', input_schema: SCHEMA }];
  const user: Anthropic.MessageParam = { role: 'user', content: 'go' };
  const toolUse: Anthropic.MessageParam = { role: 'assistant', content: [{ type: 'tool_use', id: 'call_7', name: 'read_file', input: { path: 'a.txt' } }] };

  it('streams a tool_use block, then answers from the tool_result block of the next user turn', async () => {
    model.play([callTool('read_file', { path: 'a.txt' }, 'call_7'), answerFromToolOutput('call_7', (output) => `it said ${output}`)]);
    const first = await claude.messages.stream({ model: 'claude-x', max_tokens: 100, system: 'be brief', messages: [user], tools }).finalMessage();
    expect(first.stop_reason).toBe('tool_use');
    expect(first.content).toEqual([{ type: 'tool_use', id: 'call_7', name: 'read_file', input: { path: 'a.txt' } }]);

    const second = await claude.messages.create({
      model: 'claude-x',
      max_tokens: 100,
      messages: [user, toolUse, { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_7', content: [{ type: 'text', text: 'forty-two' }] }] }],
      tools,
    });
    expect(second.content).toEqual([{ type: 'text', text: 'it said forty-two' }]);
    expect(second.usage).toMatchObject({ input_tokens: 10, output_tokens: 3 });
    expect(model.problems).toEqual([]);
    const chats = model.chatRequests();
    expect(chats.map((c) => c.wire)).toEqual(['anthropic', 'anthropic']);
    expect(chats[0]?.messages[0]).toEqual({ role: 'system', content: 'be brief' });
    expect(chats[0]?.tools).toEqual([{ type: 'function', function: { name: 'read_file', description: undefined, parameters: SCHEMA } }]);
    expect(chats[1]?.messages.at(-1)).toEqual({ role: 'tool', tool_call_id: 'call_7', content: 'forty-two' });
  });

  it('accepts a system turn inside the messages (newer API versions; Claude Code sends its skills list so) and reads it as a system message', async () => {
    model.play([say('ok')]);
    const body = { model: 'claude-x', max_tokens: 10, messages: [user, { role: 'system', content: 'skills: none' }] };
    const response = await fetch(`${model.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'x-api-key': ANTHROPIC_MOCK_KEY },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(200);
    expect(model.problems).toEqual([]);
    expect(model.chatRequests()[0]?.messages).toEqual([{ role: 'user', content: 'go' }, { role: 'system', content: 'skills: none' }]);
  });

  it('drops the stream mid-way: the client gets the first words, then a broken connection', async () => {
    model.play([dropMidStream(['Working', ' on', ' it'], 2)]);
    const words: string[] = [];
    const stream = claude.messages.stream({ model: 'claude-x', max_tokens: 100, messages: [user] }).on('text', (text) => words.push(text));
    await expect(stream.finalMessage()).rejects.toThrow();
    expect(words).toEqual(['Working']);
  });

  it.each([
    ['a tool_use without a tool_result right after', [user, toolUse, user], 'tool_use ids were found without tool_result blocks immediately after'],
    ['a tool_result answering no tool_use', [user, { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_9', content: 'x' }] }], 'answered call_9'],
    ['a first message from the assistant', [{ role: 'assistant', content: 'hi' }, user], 'the first message must use the "user" role'],
  ] as [string, Anthropic.MessageParam[], string][])('refuses %s with a 400 in Anthropic\'s error envelope', async (_what, messages, problem) => {
    model.play([say('unused')]);
    const refused = claude.messages.create({ model: 'claude-x', max_tokens: 100, messages, tools });
    await expect(refused).rejects.toMatchObject({ status: 400, error: { type: 'error', error: { type: 'invalid_request_error' } } });
    expect(model.problems).toEqual([expect.stringContaining(problem)]);
  });

  it('refuses a request without max_tokens (400), and one with a wrong key (401, as the real API) without using a turn', async () => {
    const post = (headers: Record<string, string>, body: unknown) =>
      fetch(`${model.url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', ...headers }, body: JSON.stringify(body) });
    const noMax = await post({ 'x-api-key': ANTHROPIC_MOCK_KEY }, { model: 'claude-x', messages: [user] });
    expect(noMax.status).toBe(400);
    expect(model.problems).toEqual([expect.stringContaining('max_tokens: Field required')]);
    model.play([say('kept for the next good request')]);
    const wrongKey = await post({ 'x-api-key': 'sk-ant-wrong' }, { model: 'claude-x', max_tokens: 10, messages: [user] });
    expect(wrongKey.status).toBe(401);
    const kept = await claude.messages.create({ model: 'claude-x', max_tokens: 10, messages: [user] });
    expect(kept.content).toEqual([{ type: 'text', text: 'kept for the next good request' }]);
  });
});
