// HTTP requests Node's parser refuses before fastify sees them (bad request line, oversized
// headers, broken chunked bodies, header timeout), over real loopback sockets: each is answered
// in OpenAI's error shape with a stable code and `connection: close`, never echoes the bytes it
// was sent (they carry the Authorization header), and never corrupts a response already started.
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { rawRequest } from '../../support/raw-http.js';
import { startTestGateway, type TestGateway } from '../../support/test-gateway.js';
import { startFaultHarness, type FaultHarness, FAULT_MASTER_KEY } from '../../support/fault-harness.js';

const KEY = 'sk-client-error-key-0123456789abcdef';
const YAML = 'model_list:\n  - model_name: m\n    litellm_params: { model: openai/m, api_base: "http://127.0.0.1:9/v1" }\n';

let gateway: TestGateway | undefined;
let harness: FaultHarness | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await gateway?.close();
  await harness?.close();
  gateway = undefined;
  harness = undefined;
});

async function listening(options: Parameters<typeof startTestGateway>[1] = {}): Promise<TestGateway> {
  gateway = await startTestGateway(YAML, { listen: true, masterKey: KEY, ...options });
  return gateway;
}

const auth = `Authorization: Bearer ${KEY}\r\n`;

describe('client-error-handler: what Node\'s HTTP parser refuses, answered in the error contract', () => {
  it.each([
    ['a bad request line', 400, 'malformed_request', () => `GARBAGE\r\nHost: h\r\n${auth}\r\n`],
    ['a bad HTTP version', 400, 'malformed_request', () => `GET /v1/models HTTP/9.9\r\nHost: h\r\n${auth}\r\n`],
    ['a header name with a space', 400, 'malformed_request', () => `GET /v1/models HTTP/1.1\r\nHost: h\r\n${auth}Bad Header: x\r\n\r\n`],
    ['headers beyond 16 KiB', 431, 'headers_too_large', () => `GET /v1/models HTTP/1.1\r\nHost: h\r\n${auth}X-Big: ${'a'.repeat(20_000)}\r\n\r\n`],
    ['a broken chunked body', 400, 'malformed_request', (port: number) => `POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${auth}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{"model":"m"}\r\n0\r\n\r\n`],
    ['Content-Length and Transfer-Encoding together', 400, 'malformed_request', (port: number) => `POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${auth}Content-Type: application/json\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n{}\n\r\n0\r\n\r\n`],
  ] as const)('answers %s with %i %s in OpenAI\'s shape, connection: close, and no echo', async (_name, status, code, text) => {
    const g = await listening();
    const res = await rawRequest(g.port, text(g.port));
    expect(res.status).toBe(status);
    expect(res.head.toLowerCase()).toContain('connection: close');
    expect(res.head.toLowerCase()).toContain('content-type: application/json');
    const body = JSON.parse(res.body) as { error: Record<string, unknown> };
    expect(body).toEqual({ error: { message: expect.any(String), type: 'invalid_request_error', param: null, code } });
    expect(res.head + res.body).not.toContain(KEY);
    expect(res.body).not.toContain('Bad Header');
    // The parser's verdict is the only thing logged, never the bytes it refused.
    expect(g.logs.join('\n')).not.toContain(KEY);
  });

  it('answers a request whose headers never finish with 408 once the header timeout passes', async () => {
    const g = await listening({ connectionLimits: { headersTimeoutMs: 200, checkIntervalMs: 20 } });
    const socket = track(connect({ host: '127.0.0.1', port: g.port }));
    socket.write(`GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1:${g.port}\r\n${auth}X-Slow: `);
    const received = await readUntilClosed(socket);
    expect(received).toMatch(/^HTTP\/1\.1 408 /);
    expect(JSON.parse(received.split('\r\n\r\n')[1]!).error.code).toBe('request_timeout');
    expect(received).not.toContain(KEY);
  });

  it('never writes an error into a response that has already started: the socket is closed instead', async () => {
    harness = await startFaultHarness();
    harness.mock.script({ kind: 'stall-after-n-chunks', n: 1 });
    const body = JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true });
    const socket = track(connect({ host: '127.0.0.1', port: harness.gateway.port }));
    let received = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => (received += chunk));
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.write(`POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1:${harness.gateway.port}\r\nAuthorization: Bearer ${FAULT_MASTER_KEY}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    await new Promise<void>((resolve) => {
      const check = () => (received.includes('data: ') ? resolve() : socket.once('data', check));
      check();
    });
    // A pipelined request line the parser rejects while the stream is in flight.
    socket.write('GARBAGE\r\n\r\n');
    await closed;
    expect(received).toMatch(/^HTTP\/1\.1 200 /);
    expect(received.match(/HTTP\/1\.1 /g)).toHaveLength(1);
  });
});

function track(socket: Socket): Socket {
  sockets.push(socket);
  return socket;
}

function readUntilClosed(socket: Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(text));
  });
}
