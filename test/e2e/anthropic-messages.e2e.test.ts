import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Anthropic from '@anthropic-ai/sdk';
import { createMockUpstream, type MockUpstream } from '../support/mock-upstream.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';

let upstream: MockUpstream;
let gateway: TestGateway;
const MASTER = 'sk-master-anthropic-smoke';

beforeAll(async () => {
  upstream = await createMockUpstream();
  gateway = await startTestGateway(
    `model_list:\n  - model_name: local-qwen\n    litellm_params: { model: openai/qwen, api_base: "${upstream.url}/v1", api_key: sk-up }\n  - model_name: ollama-qwen\n    litellm_params: { model: ollama_chat/qwen, api_base: "${upstream.url}" }\n`,
    { listen: true, masterKey: MASTER },
  );
});
afterAll(async () => {
  await gateway.close();
  await upstream.close();
});

describe('/v1/messages with the official Anthropic SDK', () => {
  const client = () => new Anthropic({ baseURL: gateway.url, apiKey: MASTER, maxRetries: 0 });

  it.each(['local-qwen', 'ollama-qwen'])('answers a non-stream message through %s', async (model) => {
    upstream.script({ kind: 'ok', content: 'Hello from upstream' });
    const message = await client().messages.create({ model, max_tokens: 100, system: 'be brief', messages: [{ role: 'user', content: 'hi' }] });
    expect(message.type).toBe('message');
    expect(message.content).toHaveLength(1);
    expect(message.content[0]).toMatchObject({ type: 'text', text: 'Hello from upstream' });
    expect(message.stop_reason).toBe('end_turn');
    expect(message.usage.input_tokens).toBeGreaterThan(0);
  });

  it.each(['local-qwen', 'ollama-qwen'])('streams a message through %s as proper Anthropic events', async (model) => {
    upstream.script({ kind: 'ok', chunks: ['Hel', 'lo ', 'world'] });
    const stream = client().messages.stream({ model, max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] });
    const deltas: string[] = [];
    stream.on('text', (text) => deltas.push(text));
    const final = await stream.finalMessage();
    expect(deltas.join('')).toBe('Hello world');
    expect(deltas.length).toBeGreaterThan(1);
    expect(final.content[0]).toMatchObject({ type: 'text', text: 'Hello world' });
    expect(final.usage.output_tokens).toBeGreaterThan(0);
  });

  it('answers errors in Anthropic shape', async () => {
    const bad = new Anthropic({ baseURL: gateway.url, apiKey: 'sk-wrong', maxRetries: 0 });
    await expect(bad.messages.create({ model: 'local-qwen', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({
      status: 401,
      error: { type: 'error', error: { type: 'authentication_error' } },
    });
    await expect(client().messages.create({ model: 'nope', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({ status: 404 });
  });

  it('counts tokens without calling the upstream', async () => {
    const before = upstream.requests.length;
    const count = await client().messages.countTokens({ model: 'local-qwen', messages: [{ role: 'user', content: 'hello there' }] });
    expect(count.input_tokens).toBeGreaterThan(0);
    expect(upstream.requests.length).toBe(before);
  });
});
