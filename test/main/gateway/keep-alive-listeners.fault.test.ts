// Nothing a request attaches outlives it (issue 18 item 4): many requests on one keep-alive
// connection leave the connection's socket with the listeners it had after the first, whatever
// the answer (JSON, stream, upstream failure, client error), and the request's abort (a
// RequestAbort, the EventEmitter-shaped signal undici is given) is accepted by undici as is.
import { createServer } from 'node:http';
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Client, Pool } from 'undici';
import { createMockUpstream, type MockUpstream } from '../../support/mock-upstream.js';
import { startTestGateway, type TestGateway } from '../../support/test-gateway.js';
import { RequestAbort } from '../../../main/core/request-abort.js';

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const thing of open.splice(0).reverse()) await thing.close();
});

function listenerCounts(socket: Socket): Record<string, number> {
  return Object.fromEntries(socket.eventNames().map((name) => [String(name), socket.listenerCount(name)]));
}

describe('listeners on a keep-alive connection', () => {
  it('stay the same over 60 requests of every kind on one connection', async () => {
    const upstream = await createMockUpstream({
      defaultBehaviour: {
        kind: 'per-request',
        choose: ({ json }) => (JSON.stringify(json).includes('fail') ? { kind: 'status', status: 500, body: 'down' } : { kind: 'ok' }),
      },
    });
    open.push(upstream);
    const gateway: TestGateway = await startTestGateway(`model_list:
  - model_name: m
    litellm_params: { model: openai/m, api_base: "${upstream.url}/v1", api_key: sk-upstream-test-key }
router_settings: { num_retries: 0, allowed_fails: 1000 }
`, { listen: true });
    open.push(gateway);
    const sockets: Socket[] = [];
    gateway.app.server.on('connection', (socket: Socket) => sockets.push(socket));
    const client = new Client(gateway.url, { pipelining: 1, keepAliveTimeout: 60_000 });
    open.push({ close: () => client.close() });
    const send = async (body: object) => {
      const answer = await client.request({ method: 'POST', path: '/v1/chat/completions', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const text = await answer.body.text();
      return { status: answer.statusCode, text };
    };
    const chat = (content: string, extra: object = {}) => ({ model: 'm', messages: [{ role: 'user', content }], ...extra });

    expect((await send(chat('hi'))).status).toBe(200);
    expect(sockets).toHaveLength(1);
    const after1 = listenerCounts(sockets[0]!);

    const statuses: number[] = [];
    for (let i = 0; i < 15; i++) {
      statuses.push((await send(chat('hi'))).status);
      const streamed = await send(chat('hi', { stream: true }));
      expect(streamed.text).toContain('[DONE]');
      statuses.push(streamed.status);
      statuses.push((await send(chat('fail'))).status);
      statuses.push((await send({ ...chat('hi'), model: 'no-such-model' })).status);
    }
    expect(new Set(statuses)).toEqual(new Set([200, 502, 404]));
    // Still the one connection: a leak would show on it, not on fresh sockets.
    expect(sockets).toHaveLength(1);
    expect(listenerCounts(sockets[0]!)).toEqual(after1);
  });
});

describe('RequestAbort as undici\'s signal', () => {
  it('aborts a pending upstream call with its reason and leaves no listener behind', async () => {
    const server = createServer(() => undefined); // never answers
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    open.push({ close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }) });
    const { port } = server.address() as { port: number };
    const pool = new Pool(`http://127.0.0.1:${port}`);
    open.push({ close: () => pool.destroy() });
    const abort = new RequestAbort();
    const pending = pool.request({ method: 'GET', path: '/', signal: abort as never });
    setImmediate(() => abort.abort(new Error('client left')));
    await expect(pending).rejects.toThrow('client left');
    expect(abort.listenerCount('abort')).toBe(0);
  });

  it('leaves no listener behind once an answered call\'s body is read', async () => {
    const server = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    open.push({ close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }) });
    const { port } = server.address() as { port: number };
    const pool = new Pool(`http://127.0.0.1:${port}`);
    open.push({ close: () => pool.destroy() });
    const abort = new RequestAbort();
    const answer = await pool.request({ method: 'GET', path: '/', signal: abort as never });
    expect(await answer.body.text()).toBe('ok');
    // undici removes its listener on the body's 'close', a tick after its end.
    await new Promise((resolve) => setImmediate(resolve));
    expect(abort.listenerCount('abort')).toBe(0);
  });
});
