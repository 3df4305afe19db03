// requestUpstream against a real HTTP server through undici's pool: a 2xx answer that is not HTML
// comes whole as `collected`, any other with a body stream; the cap cuts the upstream off; an
// abort or a failure mid-body rejects `collected` (never unhandled); and the abort listener never
// outlives the call (a RequestAbort lives as long as its request, a listener left on it per call
// would pile up on long-lived signals).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { text } from 'node:stream/consumers';
import Pool from 'undici/lib/dispatcher/pool.js';
import { afterEach, describe, expect, it } from 'vitest';
import { RequestAbort } from '../../../main/core/request-abort.js';
import { requestUpstream, type BodyCap, type CollectedUpstreamResponse, type UpstreamResponse } from '../../../main/providers/request-upstream.js';

let server: Server | undefined;
let pool: Pool | undefined;
afterEach(async () => {
  await pool?.destroy();
  pool = undefined;
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server?.closeAllConnections();
  server = undefined;
});

/** A server answering with `handler`; also counts the sockets the server saw close. */
async function serve(handler: (request: IncomingMessage, response: ServerResponse) => void): Promise<{ pool: Pool; closed: () => number }> {
  let closed = 0;
  server = createServer(handler);
  server.on('connection', (socket) => socket.on('close', () => closed++));
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  pool = new Pool(`http://127.0.0.1:${port}`, { connections: 4 });
  return { pool, closed: () => closed };
}

const cap = (limit = 1024 * 1024): BodyCap => ({ limit, onOverflow: () => Object.assign(new Error('too large'), { code: 'cap' }) });

function call(p: Pool, signal: RequestAbort, collect = cap()) {
  return requestUpstream(p, { method: 'POST', path: '/v1/chat/completions', headers: { 'content-type': 'application/json' }, body: '{"model":"m"}', signal, headersTimeout: 5_000, bodyTimeout: 5_000, collect });
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(check()).toBe(true);
}

describe('requestUpstream', () => {
  it('collects a 2xx JSON answer sent in several chunks into one Buffer, with its status and headers, and drops its abort listener', async () => {
    const { pool: p } = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'x-upstream': 'yes' });
      response.write('{"id":"a",');
      setTimeout(() => response.end('"object":"chat.completion"}'), 20);
    });
    const signal = new RequestAbort();
    const answer = await call(p, signal);
    expect(answer.status).toBe(200);
    expect(answer.headers['x-upstream']).toBe('yes');
    expect(answer.body).toBeUndefined();
    const bytes = await (answer as CollectedUpstreamResponse).collected;
    expect(bytes.toString()).toBe('{"id":"a","object":"chat.completion"}');
    expect(signal.listenerCount('abort')).toBe(0);
  });

  it.each([
    ['an error status', 503, 'application/json', '{"error":{"message":"overloaded"}}'],
    ['a 2xx HTML page', 200, 'text/html; charset=utf-8', '<html>login</html>'],
    ['a redirect', 302, 'text/plain', 'moved'],
  ])('gives %s its body as a stream, and drops the abort listener once the body is read', async (_name, status, type, body) => {
    const { pool: p } = await serve((_request, response) => {
      response.writeHead(status, { 'content-type': type });
      response.end(body);
    });
    const signal = new RequestAbort();
    const answer = await call(p, signal);
    expect(answer.status).toBe(status);
    expect(answer.collected).toBeUndefined();
    expect(await text((answer as UpstreamResponse).body)).toBe(body);
    await until(() => signal.listenerCount('abort') === 0);
  });

  it('cuts the upstream off past the cap: `collected` rejects with the cap\'s error and the connection is closed', async () => {
    const { pool: p, closed } = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      // Keeps sending until the gateway hangs up.
      const chunk = Buffer.alloc(16 * 1024, 'x');
      const timer = setInterval(() => response.write(chunk), 1);
      response.on('close', () => clearInterval(timer));
    });
    const signal = new RequestAbort();
    const answer = await call(p, signal, cap(64 * 1024));
    await expect((answer as CollectedUpstreamResponse).collected).rejects.toMatchObject({ code: 'cap' });
    await until(() => closed() === 1);
    expect(signal.listenerCount('abort')).toBe(0);
  });

  it('an abort before the head rejects the call with the abort\'s reason and closes the connection', async () => {
    const { pool: p, closed } = await serve(() => {
      // Never answers.
    });
    const signal = new RequestAbort();
    const pending = call(p, signal);
    setTimeout(() => signal.abort(new Error('client left')), 30);
    await expect(pending).rejects.toThrow('client left');
    await until(() => closed() === 1);
    expect(signal.listenerCount('abort')).toBe(0);
  });

  it('an abort while the body arrives rejects `collected` and closes the connection', async () => {
    const { pool: p, closed } = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"id":');
      // The rest never comes.
    });
    const signal = new RequestAbort();
    const answer = await call(p, signal);
    signal.abort(new Error('client left'));
    await expect((answer as CollectedUpstreamResponse).collected).rejects.toThrow('client left');
    await until(() => closed() === 1);
    expect(signal.listenerCount('abort')).toBe(0);
  });

  it('a signal aborted before the call never reaches the server', async () => {
    let requests = 0;
    const { pool: p } = await serve((_request, response) => {
      requests++;
      response.end('{}');
    });
    const signal = new RequestAbort();
    signal.abort(new Error('already gone'));
    await expect(call(p, signal)).rejects.toThrow('already gone');
    expect(requests).toBe(0);
  });

  it('an upstream that resets mid-body rejects `collected` (a body failure, after the head), never as unhandled', async () => {
    const { pool: p } = await serve((request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      response.write('{"id":');
      setTimeout(() => request.socket.destroy(), 20);
    });
    const signal = new RequestAbort();
    const answer = await call(p, signal);
    expect(answer.status).toBe(200);
    await expect((answer as CollectedUpstreamResponse).collected).rejects.toBeInstanceOf(Error);
    expect(signal.listenerCount('abort')).toBe(0);
  });

  it('an answer nobody reads that then fails is not an unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const { pool: p } = await serve((request, response) => {
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
        response.write('{');
        setTimeout(() => request.socket.destroy(), 10);
      });
      const signal = new RequestAbort();
      await call(p, signal);
      await until(() => signal.listenerCount('abort') === 0);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('skips an informational 103 Early Hints head and answers with the final one', async () => {
    const { pool: p } = await serve((_request, response) => {
      response.writeEarlyHints({ link: '</style.css>; rel=preload; as=style' });
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"ok":true}');
    });
    const answer = await call(p, new RequestAbort());
    expect(answer.status).toBe(200);
    expect((await (answer as CollectedUpstreamResponse).collected).toString()).toBe('{"ok":true}');
  });
});
