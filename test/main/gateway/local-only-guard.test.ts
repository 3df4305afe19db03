import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../../support/test-gateway.js';
import { isAllowedHost } from '../../../main/gateway/plugins/local-only-guard.js';

// The upstream is never reached in these tests: every request is refused before routing.
const YAML = 'model_list:\n  - model_name: m\n    litellm_params: { model: openai/m, api_base: "http://127.0.0.1:9/v1" }\n';
let gateway: TestGateway;
beforeAll(async () => {
  gateway = await startTestGateway(YAML);
});
afterAll(() => gateway.close());

const chat = JSON.stringify({ model: 'nope', messages: [{ role: 'user', content: 'hi' }] });

describe('local-only-guard', () => {
  // S2: DNS rebinding (CVE-2024-28224, ollama PR #17721, 0.0.0.0 Day).
  it.each([
    'evil.example:80', 'localhost.evil.example:80', '0.0.0.0:80', ':80', 'localhost?:80', 'localhost/x', 'localhost#',
    'user@localhost:80', 'localhost:81', 'evil.example', '127.0.0.1:8080', '[::2]:80',
  ])('refuses Host %j with 403 before any work', async (host) => {
    const res = await gateway.app.inject({ method: 'POST', url: '/v1/chat/completions', headers: { host, 'content-type': 'application/json' }, payload: chat });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('forbidden_host');
  });

  it.each(['localhost:80', '127.0.0.1:80', '[::1]:80', 'LOCALHOST:80'])('accepts Host %j', async (host) => {
    const res = await gateway.app.inject({ method: 'POST', url: '/v1/chat/completions', headers: { host, 'content-type': 'application/json' }, payload: chat });
    // Past the guard: the unknown model is the next thing refused.
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('model_not_found');
  });

  // S3: browser-originated requests (GPT4All #3681, Jan GHSA-x6p8-7cp8-c3p6).
  it.each([
    ['GET', { origin: 'https://evil.example' }],
    ['POST', { origin: 'https://evil.example' }],
    ['OPTIONS', { origin: 'https://evil.example', 'access-control-request-method': 'POST' }],
    ['POST', { origin: 'null' }],
    ['POST', { 'sec-fetch-site': 'cross-site' }],
    ['POST', { 'sec-fetch-site': 'same-site' }],
    ['POST', { referer: 'https://evil.example/page' }],
    // A page served by another local server; the gateway's own origin is the dashboard's (admitted).
    ['POST', { origin: 'http://127.0.0.1:8080' }],
    ['POST', { origin: 'http://localhost:3000' }],
  ] as const)('refuses %s with %j and never answers with a permissive CORS header', async (method, headers) => {
    const res = await gateway.app.inject({ method, url: '/v1/chat/completions', headers: { 'content-type': 'application/json', ...headers }, payload: method === 'POST' ? chat : undefined });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('forbidden_origin');
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(res.headers['access-control-allow-private-network']).toBeUndefined();
  });

  it('admits the gateway\'s own origin on dashboard routes, including the port-less form browsers send on port 80', async () => {
    for (const origin of ['http://localhost', 'http://127.0.0.1']) {
      const res = await gateway.app.inject({ method: 'GET', url: '/health/readiness', headers: { host: 'localhost', origin } });
      expect(res.statusCode, origin).toBe(200);
    }
    const foreign = await gateway.app.inject({ method: 'GET', url: '/health/readiness', headers: { host: 'localhost', origin: 'http://localhost:8080' } });
    expect(foreign.statusCode).toBe(403);
  });

  // S4: simple-request CSRF (agentsview PR #65).
  it.each(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json-seq'])(
    'answers 415 to Content-Type %s without parsing it',
    async (type) => {
      const res = await gateway.app.inject({ method: 'POST', url: '/v1/chat/completions', headers: { 'content-type': type }, payload: chat });
      expect(res.statusCode).toBe(415);
      expect(res.json().error).toMatchObject({ type: 'invalid_request_error', code: 'unsupported_media_type' });
    },
  );

  // S11: no decompression means no zip bomb (Ollama CVE-2024-12886), except on the routes that
  // decode within their size cap (decompress-request-body.test.ts).
  it.each(['gzip', 'br', 'deflate', 'zstd'])('answers 415 to Content-Encoding %s', async (encoding) => {
    const res = await gateway.app.inject({ method: 'POST', url: '/v1/chat/completions', headers: { 'content-type': 'application/json', 'content-encoding': encoding }, payload: chat });
    expect(res.statusCode).toBe(415);
  });

  it.each([
    ['localhost:4141', 4141, true],
    ['localhost', 4141, false],
    // Browsers omit the default port: on port 80 a bare name is what they send.
    ['localhost', 80, true],
    ['[::1]', 80, true],
    ['evil.example', 80, false],
    ['127.0.0.1:4141', 4141, true],
    ['[::1]:4141', 4141, true],
    ['localhost:4141', 4142, false],
    ['localhost:4141 ', 4141, false],
    ['localhost\t:4141', 4141, false],
    ['LocalHost:4141', 4141, true],
    [undefined, 4141, false],
  ] as const)('isAllowedHost(%j, %i) is %s', (host, port, expected) => {
    expect(isAllowedHost(host, port, [])).toBe(expected);
  });

  it.each([
    ['switchboard:4141', true],
    ['switchboard.team.svc.cluster.local:4141', true],
    ['lb.example.com', true],
    ['switchboard:80', true],
    ['switchboard:', false],
    ['switchboard:4141:4141', false],
    ['a.apps.example.com:4141', true],
    ['a.b.apps.example.com:4141', true],
    ['apps.example.com:4141', false],
    ['evilapps.example.com:4141', false],
    ['switchboard.evil:4141', false],
    ['192.0.2.7:4141', true],
    ['192.0.2.7:80', false],
  ] as const)('with Kubernetes and wildcard names allowed, Host %j is %s', (host, expected) => {
    expect(isAllowedHost(host, 4141, ['192.0.2.7'], ['switchboard', 'switchboard.team.svc.cluster.local', 'lb.example.com', '*.apps.example.com'])).toBe(expected);
  });
});
