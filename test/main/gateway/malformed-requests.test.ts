// Malformed requests still answer inside the error contract, in the shape of the route they aimed
// at: a query parameter given twice (it reached handlers as an array: 500s), a bad percent-escape
// in the path (fastify's own `{"error":"Bad Request"}`, answered before any hook, Host check
// included), a path that decodes to a bad escape (decoded twice: a 500).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startManagementGateway, type ManagementGateway } from '../../support/management-gateway.js';

let gateway: ManagementGateway;
beforeAll(async () => {
  gateway = await startManagementGateway();
});
afterAll(() => gateway.dispose());

const openAIError = (body: unknown) => expect(body).toMatchObject({ error: { message: expect.any(String), type: 'invalid_request_error', code: 'invalid_request' } });

describe('malformed requests', () => {
  it.each([
    ['/spend/logs?model=a&model=b', 'model'],
    ['/key/list?key_alias=a&key_alias=b', 'key_alias'],
    ['/v2/model/info?search=a&search=b', 'search'],
    ['/health?model=a&model=b', 'model'],
  ])('answers %s with a 400 naming the repeated parameter', async (url, param) => {
    const res = await gateway.send('GET', url);
    expect(res.statusCode).toBe(400);
    openAIError(res.json());
    expect(res.json().error.param).toBe(param);
  });

  it('refuses a repeated query parameter on every management GET route, never with a 500', async () => {
    const gets = gateway.routes().filter((r) => r.zone === 'management' && r.method === 'GET');
    expect(gets.length).toBeGreaterThan(10);
    for (const route of gets) {
      const url = `${route.url.replace(':name', 'upstream').replace('*', 'x')}?page=1&page=2`;
      const res = await gateway.send('GET', url);
      expect(res.statusCode, url).toBe(400);
      expect(res.json().error.param, url).toBe('page');
    }
  });

  it.each(['/v1/models/%ZZ', '/key/%E0', '/%', '/active-model/aliases/%ZZ'])('answers the malformed URL %s in the OpenAI error shape', async (url) => {
    const res = await gateway.send('GET', url);
    expect(res.statusCode).toBe(400);
    openAIError(res.json());
    expect(res.json().error.message).not.toContain('%');
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers a malformed URL on the Anthropic routes in the Anthropic error shape', async () => {
    const res = await gateway.send('POST', '/v1/messages/count_tokens%ZZ', { body: { model: 'm', messages: [] } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error', message: expect.any(String) }, request_id: res.headers['x-request-id'] });
  });

  it('checks the Host before answering a malformed URL (S2: nothing for a rebinding page)', async () => {
    const res = await gateway.send('GET', '/v1/models/%ZZ', { headers: { host: 'evil.example:4141' } });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('forbidden_host');
  });

  it('does not decode a model id twice: %25ZZ is the model "%ZZ", not a 500', async () => {
    const res = await gateway.send('GET', '/v1/models/%25ZZ');
    expect(res.statusCode).toBe(404);
    expect(res.json().error).toMatchObject({ code: 'model_not_found', message: expect.stringContaining('"%ZZ"') });
    const slash = await gateway.send('GET', '/v1/models/a%2Fb');
    expect(slash.json().error.message).toContain('"a/b"');
  });

  it('does not decode an alias twice either', async () => {
    const res = await gateway.send('DELETE', '/active-model/aliases/%25ZZ');
    expect(res.statusCode).toBe(404);
    expect(res.json().error).toMatchObject({ code: 'not_found', message: expect.stringContaining('"%ZZ"') });
  });
});
