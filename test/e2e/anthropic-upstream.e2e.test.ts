// The official `openai` SDK calling Claude through the gateway: an `anthropic/` deployment whose
// api_base is the loopback Anthropic-format mock. Every case checks both sides: what the SDK got
// (OpenAI shapes: content, tool_calls with Anthropic's ids, finish_reason, usage) and what the
// mock received (Messages API body, x-api-key, anthropic-version, system lifted out).
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ANTHROPIC_MOCK_KEY,
  anthropicFixture,
  anthropicStreamText,
  createMockAnthropicUpstream,
  cutsInsideMultibyteCharacters,
  type MockAnthropicUpstream,
  type MockRequest,
} from '../support/mock-anthropic-upstream.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';
import { collectChatStream } from '../support/collect-chat-stream.js';

const MASTER_KEY = 'sk-gateway-master-key-anthropic-upstream';
const UPSTREAM_MODEL = 'claude-sonnet-4-5-20250929';
const WEATHER_TOOL = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

let mock: MockAnthropicUpstream;
let gateway: TestGateway;
let client: OpenAI;
let mark = 0;

beforeAll(async () => {
  mock = await createMockAnthropicUpstream();
  gateway = await startTestGateway(
    `model_list:
  - model_name: claude
    litellm_params: { model: anthropic/${UPSTREAM_MODEL}, api_base: "${mock.url}", api_key: "${ANTHROPIC_MOCK_KEY}" }
router_settings: { num_retries: 0, cooldown_time: 0 }
`,
    { listen: true, masterKey: MASTER_KEY },
  );
  client = new OpenAI({ apiKey: MASTER_KEY, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
});
afterAll(async () => {
  await gateway?.close();
  await mock?.close();
});
beforeEach(() => {
  mock.clearScript();
  mark = mock.requests.length;
});

/** The requests this test caused. */
function sent(): MockRequest[] {
  return mock.requests.slice(mark);
}

function only(): MockRequest & { json: Record<string, unknown> } {
  const requests = sent();
  expect(requests).toHaveLength(1);
  return requests[0] as MockRequest & { json: Record<string, unknown> };
}

describe('the openai SDK against an Anthropic-format upstream', () => {
  it('answers a chat completion, with the system messages lifted into `system` and the upstream key in x-api-key', async () => {
    const completion = await client.chat.completions.create({
      model: 'claude',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'hi' },
        { role: 'system', content: 'Answer in English.' },
        { role: 'user', content: 'how are you?' },
      ],
    });
    expect(completion.choices[0]?.message.content).toBe('Hello from Claude');
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.usage).toMatchObject({ prompt_tokens: 12, completion_tokens: 7, total_tokens: 19 });

    const request = only();
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/v1/messages');
    expect(request.headers['x-api-key']).toBe(ANTHROPIC_MOCK_KEY);
    expect(request.headers['anthropic-version']).toBe('2023-06-01');
    // The gateway's own key never travels upstream.
    expect(request.headers.authorization).toBeUndefined();
    expect(JSON.stringify(request.headers)).not.toContain(MASTER_KEY);
    const body = request.json;
    expect(body.model).toBe(UPSTREAM_MODEL);
    expect(typeof body.max_tokens).toBe('number');
    expect(JSON.stringify(body.system)).toContain('Be brief.');
    expect(JSON.stringify(body.system)).toContain('Answer in English.');
    const messages = body.messages as { role: string }[];
    expect(messages.every((m) => m.role === 'user' || m.role === 'assistant')).toBe(true);
    // Consecutive user turns (once the system message between them is lifted) are merged.
    expect(messages.map((m) => m.role)).toEqual(['user']);
  });

  it('streams a chat completion chunk by chunk, with usage at the end when asked', async () => {
    const stream = await client.chat.completions.create({
      model: 'claude',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const { deltas, finish, usage } = await collectChatStream(stream);
    expect(deltas).toEqual(['Hello', ' from', ' Claude']);
    expect(finish).toBe('stop');
    expect(usage).toMatchObject({ prompt_tokens: 12, completion_tokens: 7 });
    const request = only();
    expect(request.json.stream).toBe(true);
    expect(request.headers.accept).toContain('text/event-stream');
  });

  it('returns tool calls with Anthropic\'s ids and sends the tool result back as a tool_result block', async () => {
    mock.script({
      kind: 'message',
      content: [
        { type: 'text', text: 'Let me check.' },
        { type: 'tool_use', id: 'toolu_01A09q90qw90lq917835lq9', name: 'get_weather', input: { city: 'Paris' } },
      ],
    });
    const first = await client.chat.completions.create({
      model: 'claude',
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tools: [WEATHER_TOOL],
      tool_choice: 'auto',
    });
    const message = first.choices[0]?.message;
    expect(first.choices[0]?.finish_reason).toBe('tool_calls');
    expect(message?.content).toBe('Let me check.');
    const call = message?.tool_calls?.[0];
    expect(call).toMatchObject({ id: 'toolu_01A09q90qw90lq917835lq9', type: 'function', function: { name: 'get_weather' } });
    expect(JSON.parse((call as { function: { arguments: string } }).function.arguments)).toEqual({ city: 'Paris' });
    const toolsSent = only().json.tools as Record<string, unknown>[];
    expect(toolsSent).toEqual([
      { name: 'get_weather', description: 'Current weather for a city', input_schema: WEATHER_TOOL.function.parameters },
    ]);
    expect(only().json.tool_choice).toEqual({ type: 'auto' });

    mark = mock.requests.length;
    mock.script({ kind: 'message', content: [{ type: 'text', text: 'It is 18°C in Paris.' }] });
    const second = await client.chat.completions.create({
      model: 'claude',
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        message as OpenAI.ChatCompletionMessageParam,
        { role: 'tool', tool_call_id: 'toolu_01A09q90qw90lq917835lq9', content: '18°C, sunny' },
      ],
      tools: [WEATHER_TOOL],
    });
    expect(second.choices[0]?.message.content).toBe('It is 18°C in Paris.');
    const turns = only().json.messages as { role: string; content: Record<string, unknown>[] }[];
    expect(turns.map((t) => t.role)).toEqual(['user', 'assistant', 'user']);
    expect(turns[1]?.content).toContainEqual({ type: 'tool_use', id: 'toolu_01A09q90qw90lq917835lq9', name: 'get_weather', input: { city: 'Paris' } });
    expect(turns[2]?.content[0]).toMatchObject({ type: 'tool_result', tool_use_id: 'toolu_01A09q90qw90lq917835lq9' });
    expect(JSON.stringify(turns[2]?.content[0])).toContain('18°C, sunny');
  });

  it('streams a tool call whose input arrives over several input_json_delta events', async () => {
    mock.script({
      kind: 'message',
      content: [{ type: 'tool_use', id: 'toolu_01Stream', name: 'get_weather', input: { city: 'Zürich', unit: 'celsius' }, jsonChunks: ['{"ci', 'ty":"Zü', 'rich","unit', '":"celsius"}'] }],
    });
    const runner = client.chat.completions.stream({ model: 'claude', messages: [{ role: 'user', content: 'Weather in Zürich?' }], tools: [WEATHER_TOOL] });
    const final = await runner.finalChatCompletion();
    const call = final.choices[0]?.message.tool_calls?.[0];
    expect(call).toMatchObject({ id: 'toolu_01Stream', function: { name: 'get_weather' } });
    expect(JSON.parse((call as { function: { arguments: string } }).function.arguments)).toEqual({ city: 'Zürich', unit: 'celsius' });
    expect(final.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it('relays an Anthropic error status with its message and status code', async () => {
    mock.script({ kind: 'error', status: 429, type: 'rate_limit_error', message: 'Number of request tokens has exceeded your per-minute rate limit', retryAfter: 7 });
    const error = await client.chat.completions.create({ model: 'claude', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(429);
    expect((error as Error).message).toContain('per-minute rate limit');
    expect(sent()).toHaveLength(1);
  });
});

/** Reads an OpenAI stream to the end (or its error): the text, the tool calls and the error. */
async function drain(stream: AsyncIterable<OpenAI.ChatCompletionChunk>): Promise<{ text: string; args: Map<number, string>; ids: Map<number, string>; finish: string | null; error: unknown }> {
  let text = '';
  let finish: string | null = null;
  const args = new Map<number, string>();
  const ids = new Map<number, string>();
  try {
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      if (!choice) continue;
      if (choice.delta.content) text += choice.delta.content;
      for (const call of choice.delta.tool_calls ?? []) {
        if (call.id) ids.set(call.index, call.id);
        args.set(call.index, (args.get(call.index) ?? '') + (call.function?.arguments ?? ''));
      }
      if (choice.finish_reason) finish = choice.finish_reason;
    }
    return { text, args, ids, finish, error: undefined };
  } catch (error) {
    return { text, args, ids, finish, error };
  }
}

describe('Anthropic stream fixtures through the gateway to the openai SDK', () => {
  const streamFrom = (model = 'claude') => client.chat.completions.create({ model, messages: [{ role: 'user', content: 'go' }], stream: true });

  it('a UTF-8 character split across chunks arrives whole', async () => {
    const text = anthropicStreamText({ kind: 'message', content: [{ type: 'text', text: '你好🌍, Zürich ×', chunks: ['你好', '🌍, Zürich', ' ×'] }] });
    const bytes = Buffer.from(text, 'utf8');
    mock.script({ kind: 'sse', text, cuts: cutsInsideMultibyteCharacters(bytes) });
    const result = await drain(await streamFrom());
    expect(result.error).toBeUndefined();
    expect(result.text).toBe('你好🌍, Zürich ×');
    expect(result.text).not.toContain('\uFFFD');
    expect(result.finish).toBe('stop');
  });

  it('a tool call split over many deltas is reassembled per tool, ids kept', async () => {
    mock.script({ kind: 'sse', text: anthropicFixture('tool-call-split-over-many-deltas.sse') });
    const result = await drain(await streamFrom());
    expect(result.error).toBeUndefined();
    expect(result.text).toBe("Okay, let's check the weather for San Francisco, CA:");
    expect([...result.ids.values()]).toEqual(['toolu_01T1x1fJ34qAmk2tNTrN7Up6', 'toolu_01Q3tKwd9QZ1bqEekVXv2Nbj']);
    expect(JSON.parse(result.args.get(0) ?? '')).toEqual({ location: 'San Francisco, CA', unit: 'fahrenheit' });
    expect(JSON.parse(result.args.get(1) ?? '')).toEqual({ tz: 'America/Los_Angeles' });
    expect(result.finish).toBe('tool_calls');
  });

  it('an error event mid-stream reaches the client as an error after the text before it', async () => {
    mock.script({ kind: 'sse', text: anthropicFixture('error-event-mid-stream.sse') });
    const result = await drain(await streamFrom());
    expect(result.text).toBe('Once upon a time');
    expect(result.error).toBeInstanceOf(OpenAI.APIError);
    expect((result.error as Error).message).toContain('Overloaded');
  });

  it('a stream cut without its final event ends in an error, not a clean finish', async () => {
    mock.script({ kind: 'sse', text: anthropicFixture('stream-cut-without-message-stop.sse') });
    const result = await drain(await streamFrom());
    expect(result.text).toBe('Partial answ');
    expect(result.finish).toBeNull();
    expect(result.error).toBeInstanceOf(OpenAI.APIError);
    expect((result.error as Error).message).toMatch(/ended early|message_stop/);
  });

  it('a stream whose connection drops mid-event ends in an error', async () => {
    const text = anthropicStreamText({ kind: 'message' });
    const cut = text.indexOf('"text":" from"') + 5;
    mock.script({ kind: 'sse', text: text.slice(0, cut), cuts: [], end: 'close' });
    const result = await drain(await streamFrom());
    expect(result.text).toBe('Hello');
    expect(result.error).toBeInstanceOf(OpenAI.APIError);
  });
});
