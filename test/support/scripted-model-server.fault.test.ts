// The scripted model the real-agent tests stand on, driven by the official openai SDK over a real
// socket: each turn answers one chat request in OpenAI's wire format, turns read the request, and
// every rule a real server enforces (or the script expects) fails loudly instead of passing by luck.
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { answerFromToolOutput, answerFromToolOutputs, callTool, callTools, chatRequestProblems, dropMidStream, say, startScriptedModel, type ScriptedModel } from './scripted-model-server.js';

let model: ScriptedModel;
let client: OpenAI;

beforeAll(async () => {
  model = await startScriptedModel();
  client = new OpenAI({ baseURL: `${model.url}/v1`, apiKey: 'sk-none', maxRetries: 0 });
});
afterAll(async () => {
  await model.close();
});
beforeEach(() => {
  model.reset();
});

const READ_TOOL: OpenAI.ChatCompletionTool = {
  type: 'function',
  function: { name: 'read_file', parameters: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] } },
};
const USER: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'go' }];

describe('scripted model: turns', () => {
  it('streams a said text word by word, then answers the next request from the next turn', async () => {
    model.play([say('one two three'), say('again')]);
    const stream = await client.chat.completions.create({ model: 'm', messages: USER, stream: true });
    const deltas: string[] = [];
    for await (const chunk of stream) if (chunk.choices[0]?.delta.content) deltas.push(chunk.choices[0].delta.content);
    expect(deltas).toEqual(['one', ' two', ' three']);
    const second = await client.chat.completions.create({ model: 'm', messages: USER });
    expect(second.choices[0]?.message.content).toBe('again');
    expect(model.chatRequests().map((r) => r.stream)).toEqual([true, false]);
    expect(model.problems).toEqual([]);
  });

  it('calls an offered tool with the scripted id and arguments', async () => {
    model.play([callTool('read_file', { path: 'a.txt' }, 'call_7')]);
    const answer = await client.chat.completions.create({ model: 'm', messages: USER, tools: [READ_TOOL] });
    expect(answer.choices[0]?.finish_reason).toBe('tool_calls');
    expect(answer.choices[0]?.message.tool_calls).toEqual([{ id: 'call_7', type: 'function', function: { name: 'read_file', arguments: '{"path":"a.txt"}' } }]);
  });

  it.each([
    ['a tool the request does not offer', callTool('write_file', { path: 'a.txt' }), 'offers no tool named write_file (offered: read_file)'],
    ['arguments missing a required field', callTool('read_file', {}), 'tool read_file requires path'],
    ['arguments the schema does not declare', callTool('read_file', { path: 'a', mode: 'x' }), 'tool read_file declares no mode'],
    ['a tool output the request does not carry', answerFromToolOutput('call_9', (out) => out), 'no tool message answering call_9'],
    ['parallel calls, one of a tool not offered', callTools([{ name: 'read_file', args: { path: 'a' }, id: 'c1' }, { name: 'rm', args: {}, id: 'c2' }]), 'offers no tool named rm'],
    ['the outputs of two calls, one missing', answerFromToolOutputs(['call_9', 'call_10'], (outs) => outs.join()), 'no tool message answering call_9'],
  ])('refuses, with a 400 and a recorded problem, a turn expecting %s', async (_what, turn, problem) => {
    model.play([turn]);
    const failed = client.chat.completions.create({ model: 'm', messages: USER, tools: [READ_TOOL] });
    await expect(failed).rejects.toMatchObject({ status: 400 });
    expect(model.problems).toEqual([expect.stringContaining(problem)]);
  });

  it('makes parallel calls in one answer, then answers from both outputs in the order asked', async () => {
    model.play([
      callTools([
        { name: 'read_file', args: { path: 'a' }, id: 'c1' },
        { name: 'read_file', args: { path: 'b' }, id: 'c2' },
      ]),
      answerFromToolOutputs(['c2', 'c1'], (outputs) => outputs.join(' and ')),
    ]);
    const calls = await client.chat.completions.create({ model: 'm', messages: USER, tools: [READ_TOOL] });
    expect(calls.choices[0]?.message.tool_calls?.map((c) => c.id)).toEqual(['c1', 'c2']);
    const answer = await client.chat.completions.create({
      model: 'm',
      tools: [READ_TOOL],
      messages: [...USER, { role: 'assistant', content: null, tool_calls: calls.choices[0]!.message.tool_calls! }, { role: 'tool', tool_call_id: 'c1', content: 'A' }, { role: 'tool', tool_call_id: 'c2', content: 'B' }],
    });
    expect(answer.choices[0]?.message.content).toBe('B and A');
  });

  it('answers from the tool output the request carries back', async () => {
    model.play([answerFromToolOutput('call_7', (output) => `it said ${output}`)]);
    const answer = await client.chat.completions.create({
      model: 'm',
      tools: [READ_TOOL],
      messages: [
        ...USER,
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_7', type: 'function', function: { name: 'read_file', arguments: '{"path":"a.txt"}' } }] },
        { role: 'tool', tool_call_id: 'call_7', content: [{ type: 'text', text: 'forty-two' }] },
      ],
    });
    expect(answer.choices[0]?.message.content).toBe('it said forty-two');
  });

  it('drops the stream mid-way: the client gets the first words, then a connection error', async () => {
    model.play([dropMidStream(['Working', ' on', ' it'], 2)]);
    const stream = await client.chat.completions.create({ model: 'm', messages: USER, stream: true });
    const deltas: string[] = [];
    const read = (async () => {
      for await (const chunk of stream) if (chunk.choices[0]?.delta.content) deltas.push(chunk.choices[0].delta.content);
    })();
    await expect(read).rejects.toThrow();
    expect(deltas).toEqual(['Working']);
  });

  it('refuses a chat request the script did not expect, and answers other paths without using a turn', async () => {
    model.play([say('only one')]);
    const probe = await fetch(`${model.url}/v1/responses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"model":"m","input":"hi"}' });
    expect(probe.status).toBe(404);
    await client.chat.completions.create({ model: 'm', messages: USER });
    await expect(client.chat.completions.create({ model: 'm', messages: USER })).rejects.toMatchObject({ status: 400 });
    expect(model.problems).toEqual(['chat request #2 was not scripted (the script had 1 turns)']);
  });
});

describe('scripted model: what a chat server refuses', () => {
  const call = (id: string) => ({ id, type: 'function', function: { name: 'read_file', arguments: '{"path":"a"}' } });
  const tools = [READ_TOOL];

  it('accepts a well-formed history with a tool round trip', () => {
    expect(
      chatRequestProblems({
        model: 'm',
        tools,
        messages: [{ role: 'system', content: 's' }, ...USER, { role: 'assistant', content: null, tool_calls: [call('a'), call('b')] }, { role: 'tool', tool_call_id: 'a', content: '1' }, { role: 'tool', tool_call_id: 'b', content: '2' }],
      }),
    ).toEqual([]);
  });

  it.each([
    ['a developer message', { messages: [{ role: 'developer', content: 'x' }, ...USER] }, "messages[0] has role \"developer\""],
    ['a tool message answering no call', { messages: [...USER, { role: 'tool', tool_call_id: 'a', content: '1' }] }, "messages[1] with role 'tool' must be a response"],
    [
      'tool calls left unanswered before the next message',
      { messages: [...USER, { role: 'assistant', content: null, tool_calls: [call('a'), call('b')] }, { role: 'tool', tool_call_id: 'a', content: '1' }, ...USER] },
      'missing: b, before messages[3]',
    ],
    ['tool calls unanswered at the end', { messages: [...USER, { role: 'assistant', content: null, tool_calls: [call('a')] }] }, 'have no tool messages (missing: a)'],
    ['arguments that are not a JSON object in a string', { messages: [...USER, { role: 'assistant', tool_calls: [{ ...call('a'), function: { name: 'read_file', arguments: '{}x' } }] }, { role: 'tool', tool_call_id: 'a', content: '' }] }, 'arguments is not a JSON object'],
    ['a custom (freeform) tool', { tools: [{ type: 'custom', custom: { name: 'apply_patch' } }] }, 'tools[0] is not a function tool (type "custom")'],
    ['a tool name with a dot', { tools: [{ type: 'function', function: { name: 'ns.tool', parameters: { type: 'object' } } }] }, 'does not match'],
    ['the same tool twice', { tools: [READ_TOOL, READ_TOOL] }, 'tools[1].function.name read_file is not unique'],
    ['no messages', { messages: [] }, 'messages is missing or empty'],
  ])('refuses %s', (_what, change, problem) => {
    const problems = chatRequestProblems({ model: 'm', messages: USER, ...change });
    expect(problems).toEqual([expect.stringContaining(problem)]);
  });
});
