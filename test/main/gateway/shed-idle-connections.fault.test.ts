// Connection slots (S44, S12), over real loopback sockets with small, injected limits: one local
// process opening more idle sockets than the server has slots must not lock other clients out.
// The oldest idle sockets (no request in flight, including ones that never sent a byte) are
// closed first to keep a reserve of free slots; a request in flight is never cut; sockets that
// never finish their headers are closed by the header timeout. Every wait is on an event.
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { rawRequest } from '../../support/raw-http.js';
import { startTestGateway, type TestGateway } from '../../support/test-gateway.js';

const YAML = 'model_list:\n  - model_name: m\n    litellm_params: { model: openai/m, api_base: "http://127.0.0.1:9/v1" }\n';
const MAX = 16;
const RESERVED = 4;
const FLOOD = 40;

let gateway: TestGateway | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await gateway?.close();
  gateway = undefined;
});

async function start(limits: Record<string, number>): Promise<TestGateway> {
  // Long header timeout unless a test shortens it: only shedding may close the flood here.
  gateway = await startTestGateway(YAML, { listen: true, connectionLimits: { maxConnections: MAX, reservedConnections: RESERVED, headersTimeoutMs: 60_000, requestTimeoutMs: 120_000, ...limits } });
  return gateway;
}

interface Opened {
  socket: Socket;
  closed: Promise<void>;
  isClosed(): boolean;
}

function open(port: number): Opened {
  const socket = connect({ host: '127.0.0.1', port });
  sockets.push(socket);
  socket.on('error', () => undefined);
  socket.resume();
  let isClosed = false;
  const closed = new Promise<void>((resolve) => socket.once('close', () => {
    isClosed = true;
    resolve();
  }));
  return { socket, closed, isClosed: () => isClosed };
}

/** Resolves once the server has accepted (or dropped) `count` more connections than now. */
function serverSees(g: TestGateway, count: number): Promise<void> {
  return new Promise((resolve) => {
    let seen = 0;
    const onOne = () => {
      if (++seen < count) return;
      g.app.server.off('connection', onOne);
      g.app.server.off('drop', onOne);
      resolve();
    };
    g.app.server.on('connection', onOne);
    g.app.server.on('drop', onOne);
  });
}

const get = (port: number, path: string) => `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`;

describe('shed-idle-connections', () => {
  it(`serves a normal request while ${FLOOD} idle sockets hold more than all ${MAX} slots, closing the oldest idle ones first`, async () => {
    const g = await start({});
    const accepted = serverSees(g, FLOOD);
    const flood = Array.from({ length: FLOOD }, () => open(g.port));
    await accepted;

    const res = await rawRequest(g.port, get(g.port, '/v1/models'));
    expect(res.status).toBe(200);

    // The oldest were shed; the newest are still open (nothing else closes them within a minute).
    const shed = FLOOD - (MAX - RESERVED);
    await Promise.all(flood.slice(0, shed).map((s) => s.closed));
    expect(flood.slice(-(MAX - RESERVED - 1)).map((s) => s.isClosed())).toEqual(Array(MAX - RESERVED - 1).fill(false));
  });

  it('never closes a socket whose request is in flight, even when it is the oldest', async () => {
    const g = await start({});
    const body = JSON.stringify({ model: 'nope', messages: [{ role: 'user', content: 'hi' }] });
    const slow = open(g.port);
    let response = '';
    slow.socket.setEncoding('utf8').on('data', (chunk: string) => (response += chunk));
    const dispatched = new Promise<void>((resolve) => g.app.server.once('request', () => resolve()));
    // The headers and half the body: the request is in flight, waiting for the rest.
    slow.socket.write(`POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1:${g.port}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body.slice(0, 10)}`);
    await dispatched;

    const accepted = serverSees(g, FLOOD);
    const flood = Array.from({ length: FLOOD }, () => open(g.port));
    await accepted;
    await flood[0]!.closed;

    slow.socket.write(body.slice(10));
    await slow.closed;
    expect(response).toMatch(/^HTTP\/1\.1 404 /);
    expect(response).toContain('model_not_found');
  });

  it('closes a socket that never sends a byte once the header timeout passes', async () => {
    const g = await start({ headersTimeoutMs: 100, checkIntervalMs: 20 });
    const silent = open(g.port);
    await silent.closed;
    expect(silent.isClosed()).toBe(true);
  });
});
