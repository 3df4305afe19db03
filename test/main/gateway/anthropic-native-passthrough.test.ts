import { describe, expect, it } from 'vitest';
import {
  anthropicRoutingBody,
  createAnthropicNativePassthrough,
  createAnthropicPassthroughEncoder,
} from '../../../main/gateway/anthropic-native-passthrough.js';
import { GatewayError } from '../../../main/core/gateway-error.js';
import { parseAnthropicMessagesRequest } from '../../../main/gateway/anthropic-inbound/parse-anthropic-request.js';
import { testDeployment, testTarget } from '../providers/test-deployment.js';

const BODY = {
  model: 'claude-public',
  max_tokens: 100,
  system: [{ type: 'text', text: 'sys', cache_control: { type: 'ephemeral' } }],
  messages: [{ role: 'user', content: 'hi' }],
};

describe('createAnthropicNativePassthrough', () => {
  it('builds the upstream call: the body as sent with the upstream model, the deployment key, version and allowed betas', () => {
    const native = createAnthropicNativePassthrough({
      body: BODY,
      headers: { 'anthropic-version': '2023-06-01', 'anthropic-beta': 'claude-code-20250219,nope', authorization: 'Bearer sk-client', 'x-api-key': 'sk-client' },
    });
    const call = native.buildRequest(testTarget({ apiBase: 'https://api.anthropic.com' }, 'sk-deployment'), true);
    expect(native.accepts(testDeployment())).toBe(true);
    expect(native.accepts(testDeployment({ provider: 'openai', protocol: 'openai' }))).toBe(false);
    expect(call).toEqual({
      method: 'POST',
      path: '/v1/messages',
      headers: {
        'content-type': 'application/json',
        accept: 'text/event-stream',
        'anthropic-version': '2023-06-01',
        'x-api-key': 'sk-deployment',
        'anthropic-beta': 'claude-code-20250219',
      },
      body: JSON.stringify({ ...BODY, model: 'claude-sonnet-4-5-20250929' }),
    });
  });

  it.each([
    ['https://api.anthropic.com', '/v1/messages'],
    ['https://proxy.example/v1', '/messages'],
  ])('builds the path from api_base %s', (apiBase, path) => {
    const native = createAnthropicNativePassthrough({ body: BODY, headers: {} });
    expect(native.buildRequest(testTarget({ apiBase }), false).path).toBe(path);
  });

  it.each([
    [undefined, '2023-06-01'],
    ['2026-10-21', '2026-10-21'],
    ['../../x', '2023-06-01'],
    ['2023-06-01\r\nx: y', '2023-06-01'],
  ])('sends anthropic-version %s as %s, and no key or beta header when there is none', (version, sent) => {
    const native = createAnthropicNativePassthrough({ body: BODY, headers: version === undefined ? {} : { 'anthropic-version': version } });
    const call = native.buildRequest(testTarget({}, null), false);
    expect(call.headers['anthropic-version']).toBe(sent);
    expect(call.headers.accept).toBe('application/json');
    expect(call.headers).not.toHaveProperty('x-api-key');
    expect(call.headers).not.toHaveProperty('anthropic-beta');
  });
});

describe('createAnthropicNativePassthrough, the client\'s bytes', () => {
  // Spacing, key order and a \u escape JSON.stringify would not keep: only the model may change.
  const TEXT = '{ "max_tokens": 100,\n  "model": "claude-public", "messages": [{"role": "user", "content": "caf\\u00e9 \u2014 ok"}] }';
  const clientBody = { text: TEXT, bytes: Buffer.from(TEXT, 'utf8') };
  const target = testTarget({ apiBase: 'https://api.anthropic.com' }, 'sk-deployment');

  it('go upstream as sent, with only the model rewritten in place', () => {
    const native = createAnthropicNativePassthrough({ body: JSON.parse(TEXT) as Record<string, unknown>, headers: {}, clientBody });
    const body = native.buildRequest(target, true).body;
    expect(Buffer.isBuffer(body)).toBe(true);
    expect((body as Buffer).toString('utf8')).toBe(TEXT.replace('"claude-public"', '"claude-sonnet-4-5-20250929"'));
  });

  it('are serialised again when the rewrite cannot prove the result (a top-level key twice)', () => {
    const twice = '{"model":"claude-public","max_tokens":1,"max_tokens":100,"messages":[]}';
    const parsed = JSON.parse(twice) as Record<string, unknown>;
    const native = createAnthropicNativePassthrough({ body: parsed, headers: {}, clientBody: { text: twice, bytes: Buffer.from(twice) } });
    expect(native.buildRequest(target, false).body).toBe(JSON.stringify({ ...parsed, model: 'claude-sonnet-4-5-20250929' }));
  });
});

describe('createAnthropicPassthroughEncoder', () => {
  it('relays each event as it came and renders nothing from translated chunks', () => {
    const encoder = createAnthropicPassthroughEncoder();
    expect(encoder.start()).toBe('');
    expect(encoder.event?.({ event: 'ping', data: '{"type": "ping"}' })).toBe('event: ping\ndata: {"type": "ping"}\n\n');
    expect(encoder.event?.({ data: '{"type":"message_stop"}' })).toBe('event: message_stop\ndata: {"type":"message_stop"}\n\n');
    expect(encoder.event?.({ event: 'x', data: '{\n"type":"x"}' })).toBe('event: x\ndata: {\ndata: "type":"x"}\n\n');
    expect(encoder.push({ type: 'chunk', chunk: { choices: [{ delta: { content: 'hi' } }] } })).toBe('');
    expect(encoder.finish()).toBe('');
  });

  it('drops what is not a JSON object instead of relaying it', () => {
    const encoder = createAnthropicPassthroughEncoder();
    expect(encoder.event?.({ event: 'content_block_delta', data: 'not json' })).toBe('');
    expect(encoder.event?.({ data: '[1,2]' })).toBe('');
  });

  it('ends a failed stream with an Anthropic error event', () => {
    const encoder = createAnthropicPassthroughEncoder();
    const text = encoder.error(new GatewayError('upstream_bad_response', 'Anthropic stream ended early, before message_stop'));
    expect(text).toBe('event: error\ndata: {"type":"error","error":{"type":"api_error","message":"Anthropic stream ended early, before message_stop"}}\n\n');
  });

  it("adds no second error event after relaying the upstream's own", () => {
    const encoder = createAnthropicPassthroughEncoder();
    const upstream = '{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}';
    expect(encoder.event?.({ event: 'error', data: upstream })).toBe(`event: error\ndata: ${upstream}\n\n`);
    expect(encoder.error(new GatewayError('upstream_error', 'Anthropic reported an error mid-stream'))).toBe('');
  });
});

describe('anthropicRoutingBody', () => {
  it('is the OpenAI translation when there is one', () => {
    const routed = anthropicRoutingBody(parseAnthropicMessagesRequest(BODY));
    expect(routed.untranslatable).toBeUndefined();
    expect(routed.body).toMatchObject({ model: 'claude-public', max_tokens: 100, messages: [{ role: 'system', content: 'sys' }, { role: 'user', content: 'hi' }] });
  });

  it.each([
    ['a server tool', { tools: [{ type: 'web_search_20250305', name: 'web_search' }] }, 'tools.0'],
    ['max_tokens 0 (cache pre-warming)', { max_tokens: 0 }, 'max_tokens'],
  ])('stands in for a request only Anthropic serves (%s), carrying the translation error', (_name, extra, param) => {
    const routed = anthropicRoutingBody(parseAnthropicMessagesRequest({ ...BODY, ...extra, stream: true }));
    expect(routed.untranslatable).toBeInstanceOf(GatewayError);
    expect(routed.untranslatable?.param).toBe(param);
    expect(routed.body.model).toBe('claude-public');
    expect(routed.body.stream).toBe(true);
    expect(routed.body.messages).toEqual([{ role: 'system', content: BODY.system }, ...BODY.messages]);
  });

  it('lets other errors through', () => {
    // A thrown non-GatewayError is a bug, not an untranslatable request.
    expect(() => anthropicRoutingBody(null as never)).toThrow();
  });
});
