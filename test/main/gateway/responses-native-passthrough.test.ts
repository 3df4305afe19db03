// Which deployments get a Responses request natively, what they are sent (path, key header,
// body with only `model` replaced), and how a relayed stream that breaks is ended.
import { describe, expect, it } from 'vitest';
import { createResponsesNativePassthrough, createResponsesPassthroughEncoder, servesResponses } from '../../../main/gateway/responses-native-passthrough.js';
import { GatewayError } from '../../../main/core/gateway-error.js';
import type { Deployment } from '../../../main/core/deployment.js';
import { testDeployment, testTarget } from '../providers/test-deployment.js';
import { upstreamCallJson } from '../../support/upstream-call-json.js';

const BODY = { model: 'gpt-5', input: [{ type: 'web_search_call', id: 'ws_1' }], tools: [{ type: 'web_search' }], stream: true };

describe('servesResponses', () => {
  it.each<[string, Partial<Deployment>, boolean]>([
    ['openai/', { provider: 'openai', protocol: 'openai' }, true],
    ['azure/', { provider: 'azure', protocol: 'azure' }, true],
    ['openai/ with supports_responses: false (a chat-only server behind it)', { provider: 'openai', protocol: 'openai', supportsResponses: false }, false],
    ['azure/ with supports_responses: false', { provider: 'azure', protocol: 'azure', supportsResponses: false }, false],
    ['hosted_vllm/ without supports_responses', { provider: 'hosted_vllm', protocol: 'openai' }, false],
    ['hosted_vllm/ with supports_responses', { provider: 'hosted_vllm', protocol: 'openai', supportsResponses: true }, true],
    ['lm_studio/ with supports_responses', { provider: 'lm_studio', protocol: 'openai', supportsResponses: true }, true],
    ['ollama_chat/ with supports_responses', { provider: 'ollama_chat', protocol: 'ollama', supportsResponses: true }, true],
    ['ollama_chat/ without', { provider: 'ollama_chat', protocol: 'ollama' }, false],
    ['anthropic/ even with supports_responses', { provider: 'anthropic', protocol: 'anthropic', supportsResponses: true }, false],
    ['gemini/', { provider: 'gemini', protocol: 'gemini' }, false],
  ])('%s: %s', (_name, overrides, expected) => {
    expect(servesResponses(testDeployment(overrides))).toBe(expected);
  });
});

describe('createResponsesNativePassthrough', () => {
  const native = createResponsesNativePassthrough({ body: BODY });

  it('sends an OpenAI-compatible server the body as sent with its model and a Bearer key, at {api_base}/responses', () => {
    const call = native.buildRequest(testTarget({ provider: 'openai', protocol: 'openai', apiBase: 'https://api.openai.com/v1', upstreamModel: 'gpt-5-2025-08-07' }, 'sk-deployment'), true);
    expect(call).toEqual({
      method: 'POST',
      path: '/responses',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: 'Bearer sk-deployment' },
      body: JSON.stringify({ ...BODY, model: 'gpt-5-2025-08-07' }),
    });
  });

  it('sends Azure its key as api-key, to the v1 Responses API under /openai', () => {
    const call = native.buildRequest(testTarget({ provider: 'azure', protocol: 'azure', apiBase: 'https://acme.openai.azure.com', upstreamModel: 'my-gpt5' }, 'azure-key'), false);
    expect(call.path).toBe('/openai/v1/responses');
    expect(call.headers).toEqual({ 'content-type': 'application/json', accept: 'application/json', 'api-key': 'azure-key' });
    expect(upstreamCallJson(call).model).toBe('my-gpt5');
    expect(native.buildRequest(testTarget({ protocol: 'azure', apiBase: 'https://acme.openai.azure.com/openai' }, 'k'), false).path).toBe('/v1/responses');
  });

  it('sends Ollama to /v1/responses on its origin, without a key header when it has none', () => {
    const call = native.buildRequest(testTarget({ provider: 'ollama_chat', protocol: 'ollama', apiBase: 'http://127.0.0.1:11434', supportsResponses: true }, null), true);
    expect(call.path).toBe('/v1/responses');
    expect(call.headers.authorization).toBeUndefined();
  });

  it('carries the untranslatable refusal for bridged deployments', () => {
    const refusal = new GatewayError('invalid_request', 'nothing to send');
    expect(createResponsesNativePassthrough({ body: BODY, untranslatable: refusal }).untranslatable).toBe(refusal);
  });
});

describe('createResponsesNativePassthrough, the client\'s bytes', () => {
  const TEXT = '{"model": "gpt-5", "input": "h\\u00e9llo",  "stream": true}';
  const target = testTarget({ provider: 'openai', protocol: 'openai', apiBase: 'https://api.openai.com/v1', upstreamModel: 'gpt-5-2025-08-07' }, 'sk-deployment');

  it('go upstream as sent, with only the model rewritten in place', () => {
    const native = createResponsesNativePassthrough({ body: JSON.parse(TEXT) as Record<string, unknown>, clientBody: { text: TEXT, bytes: Buffer.from(TEXT) } });
    expect(String(native.buildRequest(target, true).body)).toBe(TEXT.replace('"gpt-5"', '"gpt-5-2025-08-07"'));
  });

  it('without them (a body with stored history spliced in), the body is serialised', () => {
    const body = { model: 'gpt-5', input: [{ role: 'user', content: 'earlier' }, { role: 'user', content: 'now' }] };
    expect(createResponsesNativePassthrough({ body }).buildRequest(target, false).body).toBe(JSON.stringify({ ...body, model: 'gpt-5-2025-08-07' }));
  });
});

describe('createResponsesPassthroughEncoder', () => {
  const frame = (data: object) => ({ event: (data as { type: string }).type, data: JSON.stringify(data) });

  it('relays events unchanged and ends a broken stream with response.failed continuing the sequence and id', () => {
    const encoder = createResponsesPassthroughEncoder();
    const created = frame({ type: 'response.created', sequence_number: 0, response: { id: 'resp_up', object: 'response', status: 'in_progress', output: [], usage: null } });
    expect(encoder.event!(created)).toBe(`event: response.created\ndata: ${created.data}\n\n`);
    encoder.event!(frame({ type: 'response.output_text.delta', sequence_number: 4, delta: 'x' }));
    const failed = encoder.error(new GatewayError('upstream_timeout', 'Upstream went silent'));
    const data = JSON.parse(failed.split('data: ')[1]!);
    expect(data).toMatchObject({ type: 'response.failed', sequence_number: 5, response: { id: 'resp_up', status: 'failed', error: { code: 'server_error' } } });
  });

  it('adds nothing after the upstream\'s own response.failed', () => {
    const encoder = createResponsesPassthroughEncoder();
    encoder.event!(frame({ type: 'response.failed', sequence_number: 3, response: { id: 'resp_up', status: 'failed', error: { code: 'server_error', message: 'x' } } }));
    expect(encoder.error(new GatewayError('upstream_error', 'failed'))).toBe('');
  });
});
