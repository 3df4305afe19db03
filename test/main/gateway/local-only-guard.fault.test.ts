import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../../support/test-gateway.js';
import { rawRequest } from '../../support/raw-http.js';

const YAML = 'model_list:\n  - model_name: m\n    litellm_params: { model: openai/m, api_base: "http://127.0.0.1:9/v1" }\n';
let gateway: TestGateway;
beforeAll(async () => {
  gateway = await startTestGateway(YAML, { listen: true });
});
afterAll(() => gateway.close());

const body = '{"model":"m","messages":[{"role":"user","content":"hi"}]}';
const post = (target: string, hostLine: string) =>
  `POST ${target} HTTP/1.1\r\n${hostLine}Content-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`;

describe('local-only-guard over real sockets', () => {
  // S2: what a client library would never send, a rebinding attacker might.
  it.each([
    ['a missing Host header', post('/v1/chat/completions', '')],
    ['an empty Host header', post('/v1/chat/completions', 'Host: \r\n')],
    ['an absolute-form target', post('http://evil.example/v1/chat/completions', 'Host: evil.example\r\n')],
    ['an absolute-form target with a good Host', post('http://evil.example/v1/chat/completions', 'Host: localhost:PORT\r\n')],
  ])('refuses %s with 403', async (_name, text) => {
    const res = await rawRequest(gateway.port, text.replace('PORT', String(gateway.port)));
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body).error.code).toBe('forbidden_host');
  });

  // Node keeps the first of two Host headers; a proxy or cache in front may use the last.
  it.each([
    ['a good Host, then an evil one', 'Host: localhost:PORT\r\nHost: evil.example\r\n'],
    ['an evil Host, then a good one', 'Host: evil.example\r\nHost: localhost:PORT\r\n'],
    ['the same good Host twice', 'Host: localhost:PORT\r\nHost: localhost:PORT\r\n'],
  ])('refuses %s with 403', async (_name, hostLines) => {
    const res = await rawRequest(gateway.port, post('/v1/chat/completions', hostLines.replaceAll('PORT', String(gateway.port))));
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body).error).toMatchObject({ code: 'forbidden_host', message: expect.stringContaining('more than one Host') });
  });

  it('checks the Host port against the port the socket is really on', async () => {
    const res = await rawRequest(gateway.port, post('/v1/models', `Host: localhost:${gateway.port + 1}\r\n`));
    expect(res.status).toBe(403);
  });

  // S1: bound to loopback only (175k exposed Ollama servers). We assert the bound address rather
  // than probing the machine's other interfaces: test traffic stays on 127.0.0.0/8.
  it('listens on 127.0.0.1 only', () => {
    const address = gateway.app.server.address();
    expect(typeof address === 'object' && address?.address).toBe('127.0.0.1');
  });
});
