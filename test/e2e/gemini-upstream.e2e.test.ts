// The official `openai` SDK calling Gemini through the gateway: a `gemini/` deployment whose
// api_base is the loopback Gemini-format mock. Every case checks both sides: what the SDK got
// (OpenAI shapes, tool_calls with ids the gateway gives them) and what the mock received
// (generateContent / streamGenerateContent?alt=sse, systemInstruction, functionDeclarations,
// functionResponse, and the key in x-goog-api-key — never in the URL).
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  GEMINI_MOCK_KEY,
  createMockGeminiUpstream,
  cutsInsideMultibyteCharacters,
  geminiFixture,
  type MockGeminiUpstream,
  type MockRequest,
} from '../support/mock-gemini-upstream.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';
import { collectChatStream } from '../support/collect-chat-stream.js';

const MASTER_KEY = 'sk-gateway-master-key-gemini-upstream';
const WEATHER_TOOL = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
  },
};
// MCP servers hand out schemas like this one; Gemini refuses an OBJECT without properties (litellm #18442).
const EMPTY_SCHEMA_TOOL = { type: 'function' as const, function: { name: 'list_files', parameters: { type: 'object' } } };

let mock: MockGeminiUpstream;
let gateway: TestGateway;
let client: OpenAI;
let mark = 0;

beforeAll(async () => {
  mock = await createMockGeminiUpstream();
  gateway = await startTestGateway(
    `model_list:
  - model_name: gemini
    litellm_params: { model: gemini/gemini-2.5-flash, api_base: "${mock.url}", api_key: "${GEMINI_MOCK_KEY}" }
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

function only(): MockRequest & { json: Record<string, unknown> } {
  const requests = mock.requests.slice(mark);
  expect(requests).toHaveLength(1);
  return requests[0] as MockRequest & { json: Record<string, unknown> };
}

/** The key travels in x-goog-api-key and nowhere else: not in the URL, not as a bearer token. */
function expectKeyInHeaderOnly(request: MockRequest): void {
  expect(request.headers['x-goog-api-key']).toBe(GEMINI_MOCK_KEY);
  expect(request.path).not.toContain('key=');
  expect(request.path).not.toContain(GEMINI_MOCK_KEY);
  expect(request.headers.authorization).toBeUndefined();
  expect(JSON.stringify(request.headers)).not.toContain(MASTER_KEY);
}

describe('the openai SDK against a Gemini-format upstream', () => {
  it('answers a chat completion through generateContent, system text as systemInstruction', async () => {
    const completion = await client.chat.completions.create({
      model: 'gemini',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'hi' },
      ],
      max_tokens: 50,
    });
    expect(completion.choices[0]?.message.content).toBe('Hello from Gemini');
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.usage).toMatchObject({ prompt_tokens: 9, completion_tokens: 5 });

    const request = only();
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    expectKeyInHeaderOnly(request);
    expect(request.json.systemInstruction).toEqual({ parts: [{ text: 'Be brief.' }] });
    expect(request.json.contents).toEqual([{ role: 'user', parts: [{ text: 'hi' }] }]);
    expect(request.json.generationConfig).toMatchObject({ maxOutputTokens: 50 });
  });

  it('streams through streamGenerateContent?alt=sse chunk by chunk, usage at the end when asked', async () => {
    const stream = await client.chat.completions.create({
      model: 'gemini',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const { deltas, finish, usage } = await collectChatStream(stream);
    expect(deltas).toEqual(['Hello', ' from', ' Gemini']);
    expect(finish).toBe('stop');
    expect(usage).toMatchObject({ prompt_tokens: 9, completion_tokens: 5 });
    const request = only();
    expect(request.path).toBe('/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse');
    expectKeyInHeaderOnly(request);
  });

  it('returns function calls as tool_calls with ids, and sends tool results back as functionResponse parts', async () => {
    mock.script({
      kind: 'response',
      parts: [
        { functionCall: { name: 'get_weather', args: { city: 'Paris' } } },
        { functionCall: { name: 'get_weather', args: { city: 'Lyon' } } },
      ],
    });
    const first = await client.chat.completions.create({
      model: 'gemini',
      messages: [{ role: 'user', content: 'Weather in Paris and Lyon?' }],
      tools: [WEATHER_TOOL, EMPTY_SCHEMA_TOOL],
    });
    const message = first.choices[0]?.message;
    expect(first.choices[0]?.finish_reason).toBe('tool_calls');
    const calls = (message?.tool_calls ?? []) as OpenAI.ChatCompletionMessageFunctionToolCall[];
    expect(calls.map((c) => c.function.name)).toEqual(['get_weather', 'get_weather']);
    expect(calls.map((c) => JSON.parse(c.function.arguments) as unknown)).toEqual([{ city: 'Paris' }, { city: 'Lyon' }]);
    for (const call of calls) expect(call.id).toMatch(/^\S+$/);
    expect(new Set(calls.map((c) => c.id)).size).toBe(2);

    const declarations = (only().json.tools as { functionDeclarations: Record<string, unknown>[] }[])[0]?.functionDeclarations ?? [];
    expect(declarations.map((d) => d.name)).toEqual(['get_weather', 'list_files']);
    expect(declarations[0]?.description).toBe('Current weather for a city');
    // Gemini's schema dialect has no additionalProperties; it must not be forwarded.
    expect(JSON.stringify(declarations[0])).not.toContain('additionalProperties');

    mark = mock.requests.length;
    mock.script({ kind: 'response', parts: [{ text: 'Paris 18°C, Lyon 21°C.' }] });
    const second = await client.chat.completions.create({
      model: 'gemini',
      messages: [
        { role: 'user', content: 'Weather in Paris and Lyon?' },
        message as OpenAI.ChatCompletionMessageParam,
        { role: 'tool', tool_call_id: calls[0]?.id ?? '', content: '{"temp":18}' },
        { role: 'tool', tool_call_id: calls[1]?.id ?? '', content: '{"temp":21}' },
      ],
      tools: [WEATHER_TOOL],
    });
    expect(second.choices[0]?.message.content).toBe('Paris 18°C, Lyon 21°C.');
    const contents = only().json.contents as { role: string; parts: Record<string, unknown>[] }[];
    expect(contents.map((c) => c.role)).toEqual(['user', 'model', 'user']);
    expect(contents[1]?.parts.map((p) => p.functionCall)).toEqual([{ name: 'get_weather', args: { city: 'Paris' } }, { name: 'get_weather', args: { city: 'Lyon' } }]);
    expect(contents[2]?.parts.map((p) => (p.functionResponse as { name: string }).name)).toEqual(['get_weather', 'get_weather']);
    expect(JSON.stringify(contents[2]?.parts)).toContain('18');
  });

  it('streams function calls as tool_call deltas with ids', async () => {
    mock.script({ kind: 'response', parts: [{ text: 'Checking.', chunks: ['Check', 'ing.'] }, { functionCall: { name: 'get_weather', args: { city: 'Oslo' } } }] });
    const final = await client.chat.completions.stream({ model: 'gemini', messages: [{ role: 'user', content: 'Weather in Oslo?' }], tools: [WEATHER_TOOL] }).finalChatCompletion();
    const call = final.choices[0]?.message.tool_calls?.[0] as OpenAI.ChatCompletionMessageFunctionToolCall | undefined;
    expect(final.choices[0]?.message.content).toBe('Checking.');
    expect(call?.id).toMatch(/^\S+$/);
    expect(call?.function.name).toBe('get_weather');
    expect(JSON.parse(call?.function.arguments ?? '')).toEqual({ city: 'Oslo' });
    expect(final.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it('relays a Gemini error status with its message', async () => {
    mock.script({ kind: 'error', httpStatus: 400, status: 'INVALID_ARGUMENT', message: 'Request contains an invalid argument.' });
    const error = await client.chat.completions.create({ model: 'gemini', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(400);
    expect((error as Error).message).toContain('invalid argument');
    expect((error as Error).message).not.toContain(GEMINI_MOCK_KEY);
  });
});

async function drain(stream: AsyncIterable<OpenAI.ChatCompletionChunk>): Promise<{ text: string; calls: Map<number, { id?: string; name?: string; args: string }>; finish: string | null; error: unknown }> {
  let text = '';
  let finish: string | null = null;
  const calls = new Map<number, { id?: string; name?: string; args: string }>();
  try {
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      if (!choice) continue;
      if (choice.delta.content) text += choice.delta.content;
      for (const call of choice.delta.tool_calls ?? []) {
        const entry = calls.get(call.index) ?? { args: '' };
        if (call.id) entry.id = call.id;
        if (call.function?.name) entry.name = call.function.name;
        entry.args += call.function?.arguments ?? '';
        calls.set(call.index, entry);
      }
      if (choice.finish_reason) finish = choice.finish_reason;
    }
    return { text, calls, finish, error: undefined };
  } catch (error) {
    return { text, calls, finish, error };
  }
}

/** A fixture as Google's servers frame it: CRLF line endings. */
function crlf(text: string): string {
  return text.replace(/\r?\n/g, '\r\n');
}

describe('Gemini stream fixtures through the gateway to the openai SDK', () => {
  const streamFrom = () => client.chat.completions.create({ model: 'gemini', messages: [{ role: 'user', content: 'go' }], stream: true });

  it('a UTF-8 character split across chunks (and a CRLF split between its CR and LF) arrives whole', async () => {
    const text = crlf(geminiFixture('text-with-cached-prompt.sse'));
    const bytes = Buffer.from(text, 'utf8');
    const crlfCuts: number[] = [];
    for (let i = bytes.indexOf('\r\n'); i >= 0; i = bytes.indexOf('\r\n', i + 2)) crlfCuts.push(i + 1);
    mock.script({ kind: 'sse', text, cuts: [...cutsInsideMultibyteCharacters(bytes), ...crlfCuts] });
    const result = await drain(await streamFrom());
    expect(result.error).toBeUndefined();
    expect(result.text).toBe('Hello from Gemini 🌍, in three chunks.');
    expect(result.finish).toBe('stop');
  });

  it('a tool call split over many reads (Gemini sends each call whole in one event) is reassembled, with ids', async () => {
    const text = crlf(geminiFixture('function-calls-arrive-whole.sse'));
    const bytes = Buffer.from(text, 'utf8');
    const cuts = Array.from({ length: Math.floor(bytes.length / 23) }, (_, i) => (i + 1) * 23);
    mock.script({ kind: 'sse', text, cuts });
    const result = await drain(await streamFrom());
    expect(result.error).toBeUndefined();
    const calls = [...result.calls.values()];
    expect(calls.map((c) => c.name)).toEqual(['get_weather', 'get_time']);
    expect(calls.map((c) => JSON.parse(c.args) as unknown)).toEqual([{ location: 'San Francisco' }, {}]);
    for (const call of calls) expect(call.id).toMatch(/^\S+$/);
    expect(result.finish).toBe('tool_calls');
  });

  it('an error event mid-stream reaches the client as an error after the text before it', async () => {
    mock.script({ kind: 'sse', text: crlf(geminiFixture('error-event-mid-stream.sse')) });
    const result = await drain(await streamFrom());
    expect(result.text).toBe('Once upon a time');
    expect(result.error).toBeInstanceOf(OpenAI.APIError);
    expect((result.error as Error).message).toContain('overloaded');
  });

  it('a stream cut without its final event (no finishReason) ends in an error, not a clean finish', async () => {
    mock.script({ kind: 'sse', text: crlf(geminiFixture('stream-cut-without-finish-reason.sse')) });
    const result = await drain(await streamFrom());
    expect(result.text).toBe('Partial answ');
    expect(result.finish).toBeNull();
    expect(result.error).toBeInstanceOf(OpenAI.APIError);
    expect((result.error as Error).message).toMatch(/ended early|finishReason/);
  });
});
