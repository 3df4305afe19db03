import { describe, expect, it } from 'vitest';
import { AZURE_DEFAULT_API_VERSION, createAzureAdapter } from '../../../main/providers/azure-adapter.js';
import { testTarget } from './test-deployment.js';
import { expectGatewayError } from './expect-gateway-error.js';
import { upstreamCallJson } from '../../support/upstream-call-json.js';

const adapter = createAzureAdapter();
const azure = {
  provider: 'azure', protocol: 'azure' as const, upstreamModel: 'gpt4o-prod', apiBase: 'https://contoso.openai.azure.com', origin: 'https://contoso.openai.azure.com',
  apiVersion: '2024-10-21', baseModel: 'azure/gpt-4o',
};
const target = (overrides = {}, key: string | null = 'azure-key') => testTarget({ ...azure, ...overrides }, key);
const chat = { model: 'public-model', messages: [{ role: 'user', content: 'Hi' }] };

describe('createAzureAdapter', () => {
  it('speaks the OpenAI wire format for chat, completions and embeddings', () => {
    expect(adapter.protocol).toBe('azure');
    expect(adapter.streamFraming).toBe('sse');
    expect(['chat', 'completions', 'embeddings'].every((e) => adapter.supports(e as 'chat'))).toBe(true);
  });

  it.each([
    ['chat', '/openai/deployments/gpt4o-prod/chat/completions?api-version=2024-10-21'],
    ['completions', '/openai/deployments/gpt4o-prod/completions?api-version=2024-10-21'],
    ['embeddings', '/openai/deployments/gpt4o-prod/embeddings?api-version=2024-10-21'],
  ] as const)('sends %s to the deployment URL %s', (endpoint, path) => {
    expect(adapter.buildRequest(endpoint, chat, target(), false).path).toBe(path);
  });

  it('sends the key in api-key, never as a Bearer token, and leaves the body untouched', () => {
    const call = adapter.buildRequest('chat', chat, target(), false);
    expect(call.method).toBe('POST');
    expect(call.headers['api-key']).toBe('azure-key');
    expect(Object.keys(call.headers).map((h) => h.toLowerCase())).not.toContain('authorization');
    expect(upstreamCallJson(call)).toEqual(chat);
  });

  it('defaults the api-version to the latest GA version', () => {
    expect(AZURE_DEFAULT_API_VERSION).toBe('2024-10-21');
    expect(adapter.buildRequest('chat', chat, target({ apiVersion: undefined }), false).path).toBe('/openai/deployments/gpt4o-prod/chat/completions?api-version=2024-10-21');
    expect(adapter.buildRequest('chat', chat, target({ apiVersion: '2025-04-01-preview' }), false).path).toContain('?api-version=2025-04-01-preview');
  });

  it('asks for usage in streams on versions that support it and drops stream_options on older ones', () => {
    expect(upstreamCallJson(adapter.buildRequest('chat', chat, target(), true)).stream_options).toEqual({ include_usage: true });
    const old = upstreamCallJson(adapter.buildRequest('chat', { ...chat, stream: true, stream_options: { include_usage: true } }, target({ apiVersion: '2024-06-01' }), true));
    expect(old.stream_options).toBeUndefined();
    expect(old.stream).toBe(true);
  });

  it('sends the client\'s own bytes when it may, adding include_usage to a stream, and serialises for an old version\'s stream', () => {
    const text = '{ "model": "public-model", "messages": [{"role":"user","content":"Hi é"}] }';
    const bytes = Buffer.from(text);
    const plain = adapter.buildRequest('chat', JSON.parse(text), target(), false, { text, bytes });
    expect(Buffer.from(plain.body as Uint8Array).toString()).toBe(text);
    const streamed = adapter.buildRequest('chat', { ...JSON.parse(text), stream: true }, target(), true, { text, bytes });
    expect(Buffer.from(streamed.body as Uint8Array).toString()).toBe(text.replace(/ }$/, ' ,"stream_options":{"include_usage":true}}'));
    const old = adapter.buildRequest('chat', { ...JSON.parse(text), stream: true }, target({ apiVersion: '2024-06-01' }), true, { text, bytes });
    expect(typeof old.body).toBe('string');
    expect(upstreamCallJson(old).stream_options).toBeUndefined();
  });

  it('accepts an api_base that already ends in /openai', () => {
    expect(adapter.buildRequest('chat', chat, target({ apiBase: 'https://contoso.openai.azure.com/openai' }), false).path).toBe('/deployments/gpt4o-prod/chat/completions?api-version=2024-10-21');
  });

  it.each([
    ['a deployment name with a slash', { upstreamModel: 'gpt4o/../../admin' }],
    ['a deployment name with a query', { upstreamModel: 'gpt4o?x=1' }],
    ['a deployment name with a fragment', { upstreamModel: 'gpt4o#@evil.com' }],
    ['an api_version carrying a query', { apiVersion: '2024-10-21&foo=bar' }],
    ['a free-form api_version', { apiVersion: 'latest' }],
  ])('refuses %s', (_label, overrides) => {
    expectGatewayError(() => adapter.buildRequest('chat', chat, target(overrides), false), 'internal_error');
  });

  it('lists models with the api-version and the api-key header', () => {
    const call = adapter.buildModelsRequest!(target());
    expect(call).toMatchObject({ method: 'GET', path: '/openai/models?api-version=2024-10-21' });
    expect(call.headers['api-key']).toBe('azure-key');
  });

  it('passes Azure responses through, usage included', () => {
    const json = { id: 'chatcmpl-1', object: 'chat.completion', created: 1, model: 'gpt-4o-2024-08-06', choices: [{ index: 0, message: { role: 'assistant', content: 'Hi' }, finish_reason: 'stop' }], usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6, prompt_tokens_details: { cached_tokens: 0 } } };
    const parsed = adapter.parseResponse('chat', json, target(), JSON.stringify(json), 'r');
    expect(parsed.body).toBe(json);
    expect(parsed.usage).toMatchObject({ promptTokens: 5, completionTokens: 1 });
  });

  it('forwards Azure\'s leading prompt_filter_results chunk as an ordinary chunk, not as usage', () => {
    const translator = adapter.createStreamTranslator('chat', target(), 'r');
    const first = translator.push({ data: '{"choices":[],"created":0,"id":"","model":"","object":"","prompt_filter_results":[{"prompt_index":0,"content_filter_results":{"hate":{"filtered":false,"severity":"safe"}}}]}' });
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ type: 'chunk' });
    expect(first[0]).not.toHaveProperty('usageOnly');
  });

  it('extracts the message of an Azure error body', () => {
    expect(adapter.extractErrorMessage({ error: { code: 'DeploymentNotFound', message: 'The API deployment for this resource does not exist.' } })).toBe('The API deployment for this resource does not exist.');
  });
});
