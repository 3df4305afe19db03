import { describe, expect, it } from 'vitest';
import { createOllamaAdapter } from '../../../main/providers/ollama-adapter.js';
import { testTarget } from './test-deployment.js';
import { expectGatewayError } from './expect-gateway-error.js';
import { upstreamCallJson } from '../../support/upstream-call-json.js';

const adapter = createOllamaAdapter();
const target = testTarget({ provider: 'ollama_chat', protocol: 'ollama', upstreamModel: 'qwen3', apiBase: 'http://127.0.0.1:11434', origin: 'http://127.0.0.1:11434' }, null);
const build = (messages: unknown[]) => upstreamCallJson(adapter.buildRequest('chat', { model: 'm', messages }, target, false)) as { messages: Record<string, unknown>[] };

describe('ollama-adapter request translation', () => {
  it('sends assistant tool-call arguments as objects and names tool results', () => {
    const sent = build([
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: 'sunny' },
    ]);
    expect(sent.messages[0]!.tool_calls).toEqual([{ function: { name: 'get_weather', arguments: { city: 'Oslo' } } }]);
    expect(sent.messages[1]).toMatchObject({ role: 'tool', tool_name: 'get_weather', content: 'sunny' });
  });

  it.each([['not json'], ['[1,2]'], ['"a string"']])('refuses tool-call arguments %j with a 400 naming where they are', (args) => {
    const error = expectGatewayError(() => build([{ role: 'assistant', tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: args } }] }]), 'invalid_request');
    expect(error.message).toContain('messages[0].tool_calls[0].function.arguments');
  });

  it('inlines base64 images (with or without data URL parameters) and refuses image URLs it would have to fetch', () => {
    const sent = build([{ role: 'user', content: [{ type: 'text', text: 'what is this' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0=' } }] }]);
    expect(sent.messages[0]).toMatchObject({ content: 'what is this', images: ['iVBORw0='] });
    expect(build([{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/jpeg;name=a.jpg;base64,/9j/' } }] }]).messages[0]!.images).toEqual(['/9j/']);
    for (const url of ['https://example.com/cat.png', 'data:text/plain;base64,aGk=']) {
      expectGatewayError(() => build([{ role: 'user', content: [{ type: 'image_url', image_url: { url } }] }]), 'invalid_request');
    }
  });
});
