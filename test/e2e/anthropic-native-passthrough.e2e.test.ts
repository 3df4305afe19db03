// /v1/messages routed to an `anthropic/` deployment goes through natively: the official Anthropic
// SDK (and a raw fetch, for byte comparisons) against the gateway in front of the loopback
// Anthropic-format mock. Checks that the body arrives as the client sent it (model replaced,
// cache_control and thinking signatures intact), that only allowlisted betas are forwarded, that
// the answer comes back unchanged (JSON and every stream event), and that usage (cache reads and
// writes included), retries before the first byte and errors follow the usual lifecycle.
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ANTHROPIC_MOCK_KEY,
  anthropicFixture,
  createMockAnthropicUpstream,
  type MockAnthropicUpstream,
  type MockRequest,
} from '../support/mock-anthropic-upstream.js';
import { createMockUpstream, type MockUpstream } from '../support/mock-upstream.js';
import { createRecordingMeter, type RecordingMeter } from '../support/recording-meter.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';

const MASTER = 'sk-master-anthropic-native';
const UPSTREAM_MODEL = 'claude-sonnet-4-5-20250929';
const SIGNATURE = 'EqQBCkYIBxgCKkBv0Zt1yQ==';

let mock: MockAnthropicUpstream;
let openaiMock: MockUpstream;
let gateway: TestGateway;
let recorder: RecordingMeter;
let mark = 0;
let settled = 0;

beforeAll(async () => {
  mock = await createMockAnthropicUpstream();
  openaiMock = await createMockUpstream();
  recorder = createRecordingMeter();
  gateway = await startTestGateway(
    `model_list:
  - model_name: claude-sonnet-4-5
    litellm_params: { model: anthropic/${UPSTREAM_MODEL}, api_base: "${mock.url}", api_key: "${ANTHROPIC_MOCK_KEY}" }
  - model_name: claude-v1-base
    litellm_params: { model: anthropic/claude-haiku-4-5, api_base: "${mock.url}/v1", api_key: "${ANTHROPIC_MOCK_KEY}" }
  - model_name: claude-wrong-key
    litellm_params: { model: anthropic/${UPSTREAM_MODEL}, api_base: "${mock.url}", api_key: sk-ant-wrong }
  - model_name: local-qwen
    litellm_params: { model: openai/qwen, api_base: "${openaiMock.url}/v1", api_key: sk-up }
router_settings: { num_retries: 1, cooldown_time: 0, retry_after: 0 }
`,
    // Retries wait on this, not on the wall clock.
    { listen: true, masterKey: MASTER, meter: recorder.meter, sleep: async () => {} },
  );
});
afterAll(async () => {
  await gateway?.close();
  await mock?.close();
  await openaiMock?.close();
});
beforeEach(() => {
  mock.clearScript();
  mark = mock.requests.length;
  settled = recorder.finished.length;
});

const client = () => new Anthropic({ baseURL: gateway.url, apiKey: MASTER, maxRetries: 0 });

function sentUpstream(): MockRequest[] {
  return mock.requests.slice(mark);
}

/** The one usage settlement this test caused (exactly one, whatever happened). */
async function settledOnce() {
  const all = await recorder.waitForFinished(settled + 1);
  expect(all.length).toBe(settled + 1);
  return all[settled]!;
}

/** A raw POST /v1/messages, for comparing bytes. */
async function post(body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${gateway.url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': MASTER, 'anthropic-version': '2023-06-01', ...headers },
    body: JSON.stringify(body),
  });
}

/** What Claude Code sends on a second turn: cached system blocks, a signed thinking block, tools. */
function claudeCodeParams(): Anthropic.MessageCreateParamsNonStreaming {
  return {
    model: 'claude-sonnet-4-5',
    // Below the SDK's own limit for non-stream calls (it refuses ones that may take over 10 minutes).
    max_tokens: 16000,
    system: [
      { type: 'text', text: "You are Claude Code, Anthropic's official CLI for Claude.", cache_control: { type: 'ephemeral' } },
      { type: 'text', text: 'Be concise.', cache_control: { type: 'ephemeral', ttl: '1h' } },
    ],
    thinking: { type: 'enabled', budget_tokens: 12000 },
    tools: [{ name: 'Bash', description: 'Run a command', input_schema: { type: 'object', properties: { command: { type: 'string' } } }, cache_control: { type: 'ephemeral' } }],
    metadata: { user_id: 'user_4f5e6d7c_account__session_0b1c2d3e' },
    messages: [
      { role: 'user', content: [{ type: 'text', text: 'List the files', cache_control: { type: 'ephemeral' } }] },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: 'The user wants a listing.', signature: SIGNATURE },
          { type: 'tool_use', id: 'toolu_01A09q90qw90lq917835lq9', name: 'Bash', input: { command: 'ls' } },
        ],
      },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01A09q90qw90lq917835lq9', content: 'index.ts' }] },
    ],
  };
}

describe('/v1/messages to an anthropic/ deployment is passed through natively', () => {
  it('sends the body as the client sent it, with the deployment key, the version and only allowlisted betas', async () => {
    mock.script({
      kind: 'message',
      content: [{ type: 'thinking', thinking: 'One file.', signature: 'EpMBCkYIBxgCKkD2sig' }, { type: 'text', text: 'There is index.ts.' }],
      usage: { input_tokens: 40, cache_read_input_tokens: 2048, cache_creation_input_tokens: 100, output_tokens: 30 },
    });
    const params = claudeCodeParams();
    let versionSent: string | null = null;
    const recordingClient = new Anthropic({
      baseURL: gateway.url,
      apiKey: MASTER,
      maxRetries: 0,
      fetch: (url, init) => {
        versionSent = new Headers(init?.headers).get('anthropic-version');
        return fetch(url, init);
      },
    });
    const message = await recordingClient.messages.create(params, {
      headers: { 'anthropic-beta': 'claude-code-20250219, interleaved-thinking-2025-05-14,made-up-beta-2099-01-01,oauth-2025-04-20,claude-code-20250219' },
    });

    const [request] = sentUpstream();
    expect(sentUpstream()).toHaveLength(1);
    expect(request?.path).toBe('/v1/messages');
    expect(request?.headers['x-api-key']).toBe(ANTHROPIC_MOCK_KEY);
    expect(request?.headers.authorization).toBeUndefined();
    expect(JSON.stringify(request?.headers)).not.toContain(MASTER);
    // The client's own API version goes through (this SDK release sends a newer one than the gateway pins).
    expect(request?.headers['anthropic-version']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(request?.headers['anthropic-version']).toBe(versionSent);
    expect(request?.headers['anthropic-beta']).toBe('claude-code-20250219,interleaved-thinking-2025-05-14');
    // Byte-level intent: everything but the model is the client's own request.
    expect(request?.json).toEqual({ ...params, model: UPSTREAM_MODEL });
    expect(request?.body).toContain(`"signature":"${SIGNATURE}"`);
    expect(request?.body).toContain('"cache_control":{"type":"ephemeral","ttl":"1h"}');

    // The answer is Anthropic's own message (its id, its signed thinking block), not a translation.
    expect(message.id).toMatch(/^msg_01Mock/);
    expect(message.model).toBe(UPSTREAM_MODEL);
    expect(message.content).toEqual([
      { type: 'thinking', thinking: 'One file.', signature: 'EpMBCkYIBxgCKkD2sig' },
      { type: 'text', text: 'There is index.ts.' },
    ]);
    expect(message.usage).toEqual({ input_tokens: 40, cache_read_input_tokens: 2048, cache_creation_input_tokens: 100, output_tokens: 30 });

    const finished = await settledOnce();
    expect(finished.status).toBe('success');
    expect(finished.usage).toEqual({ promptTokens: 2188, completionTokens: 30, cachedTokens: 2048, cacheCreationTokens: 100, reasoningTokens: 0 });
  });

  it('returns the non-stream body byte for byte', async () => {
    mock.script({ kind: 'message', content: [{ type: 'text', text: 'Zürich 🌍' }] });
    const response = await post({ model: 'claude-sonnet-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(response.headers.get('x-request-id')).toBeTruthy();
    const text = await response.text();
    // The mock writes JSON.stringify(message); a translated answer would have the gateway's id and field order.
    const message = JSON.parse(text) as Record<string, unknown>;
    expect(text).toBe(JSON.stringify(message));
    expect(text.startsWith('{"id":"msg_01Mock')).toBe(true);
    expect(message.content).toEqual([{ type: 'text', text: 'Zürich 🌍' }]);
    await settledOnce();
  });

  it.each([
    ['thinking-then-text.sse', { promptTokens: 85, completionTokens: 178, cachedTokens: 0, cacheCreationTokens: 0, reasoningTokens: 0 }],
    ['tool-call-split-over-many-deltas.sse', { promptTokens: 2620, completionTokens: 89, cachedTokens: 2048, cacheCreationTokens: 100, reasoningTokens: 0 }],
  ])('relays the event stream %s unchanged, reading usage from message_start and message_delta', async (fixture, usage) => {
    const upstreamText = anthropicFixture(fixture);
    mock.script({ kind: 'sse', text: upstreamText });
    const response = await post({ model: 'claude-sonnet-4-5', max_tokens: 64000, stream: true, messages: [{ role: 'user', content: 'go' }] });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    expect(await response.text()).toBe(upstreamText);
    expect(sentUpstream()[0]?.headers.accept).toContain('text/event-stream');
    const finished = await settledOnce();
    expect(finished.status).toBe('success');
    expect(finished.usage).toEqual(usage);
    expect(finished.ttftMs).not.toBeNull();
  });

  it('completes the framing of a last event that arrives without its blank line, and relays nothing after message_stop', async () => {
    const upstreamText = anthropicFixture('text-with-ping.sse');
    // The final message_stop ends with a single newline, and the connection closes cleanly.
    mock.script({ kind: 'sse', text: upstreamText.replace(/\n\n$/, '\n') });
    const response = await post({ model: 'claude-sonnet-4-5', max_tokens: 10, stream: true, messages: [{ role: 'user', content: 'go' }] });
    expect(await response.text()).toBe(upstreamText);
    expect((await settledOnce()).status).toBe('success');
  });

  it('streams to the SDK with thinking signatures and tool ids intact', async () => {
    mock.script({ kind: 'sse', text: anthropicFixture('thinking-then-text.sse') });
    const final = await client().messages.stream({ ...claudeCodeParams() }).finalMessage();
    expect(final.content[0]).toMatchObject({ type: 'thinking', signature: 'EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds' });
    expect(final.content[1]).toMatchObject({ type: 'text', text: 'The greatest common divisor of 1071 and 462 is **21**.' });
    expect(sentUpstream()[0]?.json).toMatchObject({ stream: true, model: UPSTREAM_MODEL });
    await settledOnce();

    settled = recorder.finished.length;
    mock.script({ kind: 'sse', text: anthropicFixture('tool-call-split-over-many-deltas.sse') });
    const withTools = await client().messages.stream({ ...claudeCodeParams() }).finalMessage();
    expect(withTools.content.filter((b) => b.type === 'tool_use')).toEqual([
      { type: 'tool_use', id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', name: 'get_weather', input: { location: 'San Francisco, CA', unit: 'fahrenheit' } },
      { type: 'tool_use', id: 'toolu_01Q3tKwd9QZ1bqEekVXv2Nbj', name: 'get_time', input: { tz: 'America/Los_Angeles' } },
    ]);
    expect(withTools.usage).toMatchObject({ cache_read_input_tokens: 2048, cache_creation_input_tokens: 100, output_tokens: 89 });
    await settledOnce();
  });

  it("relays the upstream's own error event mid-stream, and nothing after it", async () => {
    const upstreamText = anthropicFixture('error-event-mid-stream.sse');
    mock.script({ kind: 'sse', text: upstreamText });
    const response = await post({ model: 'claude-sonnet-4-5', max_tokens: 10, stream: true, messages: [{ role: 'user', content: 'go' }] });
    expect(await response.text()).toBe(upstreamText);
    const finished = await settledOnce();
    expect(finished.status).toBe('upstream_error');
    // message_start reported the input tokens; the output count (message_delta) never came, so
    // the meter keeps the real input and estimates the relayed output.
    expect(finished.usage).toMatchObject({ promptTokens: 12 });
    expect(finished.outputChars).toBe('Once upon a time'.length);

    settled = recorder.finished.length;
    mock.script({ kind: 'sse', text: upstreamText });
    const stream = client().messages.stream({ model: 'claude-sonnet-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'go' }] });
    await expect(stream.finalMessage()).rejects.toMatchObject({ error: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } } });
    await settledOnce();
  });

  it('ends a stream cut without message_stop with an Anthropic error event', async () => {
    const upstreamText = anthropicFixture('stream-cut-without-message-stop.sse');
    mock.script({ kind: 'sse', text: upstreamText });
    const response = await post({ model: 'claude-sonnet-4-5', max_tokens: 10, stream: true, messages: [{ role: 'user', content: 'go' }] });
    const text = await response.text();
    expect(text.startsWith(upstreamText)).toBe(true);
    const tail = text.slice(upstreamText.length);
    expect(tail).toMatch(/^event: error\ndata: \{"type":"error","error":\{"type":"api_error","message":"[^"]*ended early[^"]*"\}\}\n\n$/);
    const finished = await settledOnce();
    expect(finished.status).toBe('upstream_error');
    expect(finished.errorCode).toBe('upstream_bad_response');
  });

  it('retries an overloaded upstream before the first byte and settles once', async () => {
    mock.script([{ kind: 'error', status: 529, type: 'overloaded_error', message: 'Overloaded' }, { kind: 'message' }]);
    const message = await client().messages.create({ model: 'claude-sonnet-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] });
    expect(message.content).toEqual([{ type: 'text', text: 'Hello from Claude' }]);
    expect(sentUpstream()).toHaveLength(2);
    expect(sentUpstream()[1]?.json).toEqual(sentUpstream()[0]?.json);
    const finished = await settledOnce();
    expect(finished.retries).toBe(1);
    expect(finished.status).toBe('success');
  });

  it('answers an upstream refusal in Anthropic shape with its status and message', async () => {
    mock.script({ kind: 'error', status: 400, type: 'invalid_request_error', message: 'messages.1.content.0.type: Expected `thinking` or `redacted_thinking`, but found `tool_use`.' });
    const error = await client().messages.create({ model: 'claude-sonnet-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect(error).toMatchObject({ status: 400, error: { type: 'error', error: { type: 'invalid_request_error' } } });
    expect((error as Error).message).toContain('Expected `thinking`');
    expect((await settledOnce()).errorCode).toBe('upstream_invalid_request');
  });

  it('does not leak the upstream key when the upstream rejects it', async () => {
    const error = await client().messages.create({ model: 'claude-wrong-key', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect(JSON.stringify((error as InstanceType<typeof Anthropic.APIError>).error)).not.toContain('sk-ant-wrong');
    expect(sentUpstream()[0]?.headers['x-api-key']).toBe('sk-ant-wrong');
    await settledOnce();
  });

  it('accepts an api_base that already ends in /v1', async () => {
    await client().messages.create({ model: 'claude-v1-base', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] });
    expect(sentUpstream()[0]?.path).toBe('/v1/messages');
    expect(sentUpstream()[0]?.json).toMatchObject({ model: 'claude-haiku-4-5' });
    await settledOnce();
  });

  it("does not forward the client's query string (Claude Code's ?beta=true)", async () => {
    const response = await fetch(`${gateway.url}/v1/messages?beta=true`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${MASTER}`, 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(response.status).toBe(200);
    expect(sentUpstream()[0]?.path).toBe('/v1/messages');
    await settledOnce();
  });

  it('replaces an anthropic-version that is not a version, and drops a beta header with no allowed flag', async () => {
    const response = await post(
      { model: 'claude-sonnet-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] },
      { 'anthropic-version': '../../admin', 'anthropic-beta': 'made-up-2099-01-01' },
    );
    expect(response.status).toBe(200);
    expect(sentUpstream()[0]?.headers['anthropic-version']).toBe('2023-06-01');
    expect(sentUpstream()[0]?.headers['anthropic-beta']).toBeUndefined();
    await settledOnce();
  });

  it('sends what only Anthropic serves (a server tool, max_tokens 0) natively, and refuses it for a translated deployment', async () => {
    const webSearch = { type: 'web_search_20250305', name: 'web_search', max_uses: 3 };
    const body = { max_tokens: 1024, tools: [webSearch], messages: [{ role: 'user', content: 'news?' }] };
    const native = await post({ ...body, model: 'claude-sonnet-4-5' });
    expect(native.status).toBe(200);
    expect(sentUpstream()[0]?.json).toMatchObject({ tools: [webSearch] });
    await settledOnce();

    settled = recorder.finished.length;
    const openaiBefore = openaiMock.requests.length;
    const translated = await post({ ...body, model: 'local-qwen' });
    expect(translated.status).toBe(400);
    expect(await translated.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error', message: expect.stringContaining('tools.0') } });
    expect(openaiMock.requests.length).toBe(openaiBefore);
    expect((await settledOnce()).status).toBe('error');
  });
});
