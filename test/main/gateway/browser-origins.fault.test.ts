// A web app on an allowed origin calling inference over real sockets: its CORS header must be on
// every answer it reads, streamed ones included (a stream's head is written straight to the
// socket, past fastify's reply headers), and the request id with it. Loopback mock upstream only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGatewaySettings } from '../../../main/config/gateway-settings.js';
import { createMockUpstream, type MockUpstream } from '../../support/mock-upstream.js';
import { sendToGateway } from '../../support/send-to-gateway.js';
import { openAIModelYaml, startTestGateway, type TestGateway } from '../../support/test-gateway.js';

const MASTER = 'sk-master-browser-origins-0123456789';
const ALLOWED = 'http://localhost:5173';
let upstream: MockUpstream;
let gateway: TestGateway;

beforeAll(async () => {
  upstream = await createMockUpstream();
  const stored = new Map<string, unknown>();
  const gatewaySettings = createGatewaySettings({ get: (key) => stored.get(key), set: (key, value) => stored.set(key, value) });
  gatewaySettings.update({ allowed_origins: [ALLOWED] });
  gateway = await startTestGateway(openAIModelYaml('m', `${upstream.url}/v1`), { listen: true, masterKey: MASTER, gatewaySettings });
});
afterAll(async () => {
  await gateway?.close();
  await upstream?.close();
});

const chat = (stream: boolean) => ({ model: 'm', stream, messages: [{ role: 'user', content: 'hi' }] });

describe('browser origins over real sockets', () => {
  it.each([false, true])('gives the allowed origin its CORS header and the request id (stream: %s)', async (stream) => {
    const exchange = sendToGateway(gateway.port, '/v1/chat/completions', chat(stream), { key: MASTER, headers: { origin: ALLOWED } });
    const head = await exchange.head;
    await exchange.done;
    expect(head.status).toBe(200);
    expect(head.headers['access-control-allow-origin']).toBe(ALLOWED);
    expect(head.headers.vary).toContain('Origin');
    expect(head.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});
