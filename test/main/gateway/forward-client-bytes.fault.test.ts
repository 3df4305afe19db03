// An OpenAI request that needs no change but its model (and a stream's include_usage) goes
// upstream as the client's own bytes (issue 18 item 3), and a non-stream answer comes back as the
// upstream's bytes; whatever could
// make the upstream read another request than the one the gateway validated and held a budget
// for is serialised from the parsed body instead, as before.
import { afterEach, describe, expect, it } from 'vitest';
import { createMockUpstream, type MockUpstream } from '../../support/mock-upstream.js';
import { startTestGateway, type TestGateway } from '../../support/test-gateway.js';
import { FORWARDABLE_MAX_DEPTH } from '../../../main/gateway/plugins/json-body-parser.js';

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const thing of open.splice(0).reverse()) await thing.close();
});

async function start(options: { maxJsonDepth?: number } = {}): Promise<{ gateway: TestGateway; upstream: MockUpstream }> {
  const upstream = await createMockUpstream({ defaultBehaviour: { kind: 'ok' } });
  open.push(upstream);
  const gateway = await startTestGateway(`model_list:
  - model_name: public-name
    litellm_params: { model: openai/upstream-name, api_base: "${upstream.url}/v1", api_key: sk-upstream-test-key }
`, options);
  open.push(gateway);
  return { gateway, upstream };
}

function post(gateway: TestGateway, payload: string, path = '/v1/chat/completions') {
  return gateway.app.inject({ method: 'POST', url: path, headers: { 'content-type': 'application/json' }, payload });
}

describe('forwarding the client\'s bytes', () => {
  it('sends a non-stream chat body as the client wrote it, only the model replaced', async () => {
    const { gateway, upstream } = await start();
    const text = '{ "messages": [ {"role":"user","content":"caf\\u00e9 \\"quoted\\""} ],\n  "model": "public-name", "max_tokens": 1e1, "metadata": {"model":"x"} }';
    const answer = await post(gateway, text);
    expect(answer.statusCode).toBe(200);
    expect(upstream.requests[0]!.body).toBe(text.replace('"public-name"', '"upstream-name"'));
  });

  it('sends legacy completions and embeddings bodies as bytes too', async () => {
    const { gateway, upstream } = await start();
    const completion = '{"model":"public-name", "prompt":"Say hi"}';
    const embedding = '{"model":"public-name", "input":["a", "b"]}';
    expect((await post(gateway, completion, '/v1/completions')).statusCode).toBe(200);
    expect((await post(gateway, embedding, '/v1/embeddings')).statusCode).toBe(200);
    expect(upstream.requests.map((r) => r.body)).toEqual([
      completion.replace('public-name', 'upstream-name'),
      embedding.replace('public-name', 'upstream-name'),
    ]);
  });

  it('serialises the parsed body when a top-level field is repeated: the upstream reads what was validated', async () => {
    const { gateway, upstream } = await start();
    // JSON.parse keeps the last max_tokens (what the budget hold read); an upstream keeping the
    // first would generate 1,000,000 tokens against a hold for 1.
    const answer = await post(gateway, '{"model":"public-name","max_tokens":1000000,"messages":[{"role":"user","content":"hi"}],"max_tokens":1}');
    expect(answer.statusCode).toBe(200);
    expect(upstream.requests[0]!.body).toBe('{"model":"upstream-name","max_tokens":1,"messages":[{"role":"user","content":"hi"}]}');
  });

  it('serialises the parsed body when the operator raised the nesting limit past what is surely serialisable (S40)', async () => {
    const { gateway, upstream } = await start({ maxJsonDepth: FORWARDABLE_MAX_DEPTH + 1 });
    const answer = await post(gateway, '{ "model": "public-name", "messages": [ {"role":"user","content":"hi"} ] }');
    expect(answer.statusCode).toBe(200);
    expect(upstream.requests[0]!.body).toBe('{"model":"upstream-name","messages":[{"role":"user","content":"hi"}]}');
  });

  it('sends a stream body as the client\'s bytes too, with stream_options.include_usage added at its end', async () => {
    const { gateway, upstream } = await start();
    const text = '{"model":"public-name", "stream": true, "messages":[{"role":"user","content":"hi"}]}';
    const answer = await post(gateway, text);
    expect(answer.statusCode).toBe(200);
    expect(upstream.requests[0]!.body).toBe('{"model":"upstream-name", "stream": true, "messages":[{"role":"user","content":"hi"}],"stream_options":{"include_usage":true}}');
    // The client did not ask for the usage chunk: it is not relayed.
    expect(answer.body).not.toMatch(/"usage":\{/);
  });

  it('splices the changes into the client\'s UTF-8 bytes, whatever characters come before and after them', async () => {
    const { gateway, upstream } = await start();
    const text = '{"messages":[{"role":"user","content":"café 日本語 😀 \\u00e9"}], "model":"public-name", "stream":true, "metadata":{"x":"ü"}}';
    const answer = await post(gateway, text);
    expect(answer.statusCode).toBe(200);
    expect(upstream.requests[0]!.body).toBe(text.replace('"public-name"', '"upstream-name"').replace(/}$/, ',"stream_options":{"include_usage":true}}'));
  });

  it('adds include_usage to a stream body\'s own stream_options, and relays the usage chunk it asked for', async () => {
    const { gateway, upstream } = await start();
    const answer = await post(gateway, '{"model":"public-name","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]}');
    expect(answer.statusCode).toBe(200);
    expect(upstream.requests[0]!.body).toBe('{"model":"upstream-name","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]}');
    expect(answer.body).toMatch(/"usage":\{/);
    const off = await post(gateway, '{"model":"public-name","stream":true,"stream_options":{"include_usage":false},"messages":[{"role":"user","content":"hi"}]}');
    expect(off.statusCode).toBe(200);
    expect(upstream.requests[1]!.body).toBe('{"model":"upstream-name","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]}');
    expect(off.body).not.toMatch(/"usage":\{/);
  });

  it('serialises a stream body whose stream_options repeats a key: the upstream reads what was validated', async () => {
    const { gateway, upstream } = await start();
    const answer = await post(gateway, '{"model":"public-name","stream":true,"stream_options":{"include_usage":true,"include_usage":false},"messages":[{"role":"user","content":"hi"}]}');
    expect(answer.statusCode, answer.body).toBe(200);
    expect(upstream.requests[0]!.json).toEqual({ model: 'upstream-name', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'hi' }] });
    expect(upstream.requests[0]!.body).not.toContain('"include_usage":false');
  });

  it('forwards an Azure deployment\'s bodies as the client\'s bytes, and serialises a stream for an api_version without stream_options', async () => {
    const upstream = await createMockUpstream({ defaultBehaviour: { kind: 'ok' } });
    open.push(upstream);
    const gateway = await startTestGateway(`model_list:
  - model_name: az-new
    litellm_params: { model: azure/prod-deployment, api_base: "${upstream.url}", api_key: az-test-key, api_version: "2024-10-21" }
  - model_name: az-old
    litellm_params: { model: azure/old-deployment, api_base: "${upstream.url}", api_key: az-test-key, api_version: "2024-06-01" }
`);
    open.push(gateway);
    const plain = '{ "model": "az-new", "messages": [{"role":"user","content":"héllo"}] }';
    expect((await post(gateway, plain)).statusCode).toBe(200);
    expect(upstream.requests[0]!.body).toBe(plain);
    expect(upstream.requests[0]!.path).toContain('/openai/deployments/prod-deployment/chat/completions?api-version=2024-10-21');
    const stream = '{"model":"az-new","stream":true,"messages":[{"role":"user","content":"hi"}]}';
    expect((await post(gateway, stream)).statusCode).toBe(200);
    expect(upstream.requests[1]!.body).toBe('{"model":"az-new","stream":true,"messages":[{"role":"user","content":"hi"}],"stream_options":{"include_usage":true}}');
    expect((await post(gateway, stream.replace('az-new', 'az-old'))).statusCode).toBe(200);
    expect(upstream.requests[2]!.json).toEqual({ model: 'az-old', stream: true, messages: [{ role: 'user', content: 'hi' }] });
  });

  it('still refuses a routing field before anything is sent', async () => {
    const { gateway, upstream } = await start();
    const answer = await post(gateway, '{"model":"public-name","messages":[{"role":"user","content":"hi"}],"api_b\\u0061se":"http://evil.example"}');
    expect(answer.statusCode).toBe(400);
    expect(answer.json().error.param).toBe('api_base');
    expect(upstream.requests).toHaveLength(0);
  });

  it('relays a non-stream answer as the upstream\'s bytes, whitespace and escapes included', async () => {
    const { gateway, upstream } = await start();
    const answer = '{ "id":"chatcmpl-1", "object":"chat.completion", "model":"upstream-name",\n "choices":[{"index":0,"message":{"role":"assistant","content":"caf\u00e9"},"finish_reason":"stop"}], "usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5} }';
    upstream.script({ kind: 'raw', handler: (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(answer) });
    const reply = await post(gateway, '{"model":"public-name","messages":[{"role":"user","content":"hi"}]}');
    expect(reply.statusCode).toBe(200);
    expect(reply.body).toBe(answer);
    expect(reply.headers['content-type']).toMatch(/^application\/json/);
  });

  it('never relays invalid UTF-8 from the upstream: the client gets what decoding made of it', async () => {
    const { gateway, upstream } = await start();
    const before = Buffer.from('{"id":"c","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"a');
    const after = Buffer.from('b"},"finish_reason":"stop"}]}');
    // A 4-byte sequence cut short: three bytes that decode to one U+FFFD (three bytes too).
    const raw = Buffer.concat([before, Buffer.from([0xf0, 0x90, 0x80]), after]);
    upstream.script({ kind: 'raw', handler: (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(raw) });
    const reply = await post(gateway, '{"model":"public-name","messages":[{"role":"user","content":"hi"}]}');
    expect(reply.statusCode).toBe(200);
    expect(reply.rawPayload.equals(raw)).toBe(false);
    expect(reply.json().choices[0].message.content).toBe('a\ufffdb');
  });
});
