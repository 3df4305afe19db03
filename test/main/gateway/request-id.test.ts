// x-request-id on every response, whatever answered it: a success from any zone, a static file,
// a refusal from a hook, a 404, a malformed URL (answered before any hook runs). It is what a user quotes when reporting a problem.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startManagementGateway, type ManagementGateway } from '../../support/management-gateway.js';

let gateway: ManagementGateway;
beforeAll(async () => {
  gateway = await startManagementGateway();
});
afterAll(() => gateway.dispose());

// Version 7: ordered by time, so usage rows append to their request-id index (time-ordered-request-id.ts).
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('x-request-id', () => {
  it.each([
    ['an inference success', 'GET', '/v1/models', {}, 200],
    ['a management success', 'GET', '/settings', {}, 200],
    ['a public liveness probe', 'GET', '/health/liveliness', { key: null }, 200],
    ['the dashboard page', 'GET', '/', { key: null }, 200],
    ['a dashboard asset', 'GET', '/assets/app.js', { key: null }, 200],
    ['a missing key', 'GET', '/v1/models', { key: null }, 401],
    ['a refused Host', 'GET', '/v1/models', { headers: { host: 'evil.example:4141' } }, 403],
    ['an unknown route', 'GET', '/no/such/route', {}, 404],
    ['a malformed URL', 'GET', '/v1/models/%ZZ', {}, 400],
    ['an Anthropic error', 'POST', '/v1/messages', { body: { model: 'x' } }, 400],
  ] as const)('is on %s', async (_name, method, url, options, status) => {
    const res = await gateway.send(method, url, options);
    expect(res.statusCode).toBe(status);
    expect(res.headers['x-request-id']).toMatch(UUID);
  });

  it('differs between requests', async () => {
    const [a, b] = await Promise.all([gateway.send('GET', '/v1/models'), gateway.send('GET', '/v1/models')]);
    expect(a.headers['x-request-id']).not.toBe(b.headers['x-request-id']);
  });

  it('grows with time, so a later request sorts after an earlier one', async () => {
    const first = String((await gateway.send('GET', '/v1/models')).headers['x-request-id']);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const later = String((await gateway.send('GET', '/v1/models')).headers['x-request-id']);
    expect(first < later).toBe(true);
    const ms = (id: string) => parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
    expect(Math.abs(ms(later) - Date.now())).toBeLessThan(60_000);
  });
});
