// The non-stream upstream body reader: the whole body as one Buffer, cut off past its cap, and
// every way a body can end without finishing (an error, a destroy with no reason) a rejection,
// never a hang. Driven with real Readables, including undici's own body over a real socket.
import { createServer, type Server } from 'node:http';
import { Readable } from 'node:stream';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { GatewayError } from '../../../main/core/gateway-error.js';
import { readCappedBytes } from '../../../main/providers/read-upstream-body.js';

const tooLarge = () => new GatewayError('upstream_response_too_large', 'too large');

function pushed(): Readable {
  return new Readable({ read() {} });
}

describe('readCappedBytes', () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  it('joins the chunks in order', async () => {
    const body = pushed();
    const read = readCappedBytes(body as never, 100, tooLarge);
    body.push(Buffer.from('{"a":'));
    body.push(Buffer.from('"é"}'));
    body.push(null);
    expect((await read).toString('utf8')).toBe('{"a":"é"}');
  });

  it('returns a single chunk as it came', async () => {
    const chunk = Buffer.from('{}');
    const body = pushed();
    const read = readCappedBytes(body as never, 100, tooLarge);
    body.push(chunk);
    body.push(null);
    expect(await read).toBe(chunk);
  });

  it('cuts the body off past the cap, destroys it and throws what onOverflow makes', async () => {
    const body = pushed();
    const read = readCappedBytes(body as never, 5, tooLarge);
    body.push(Buffer.from('1234'));
    body.push(Buffer.from('56'));
    await expect(read).rejects.toMatchObject({ code: 'upstream_response_too_large' });
    expect(body.destroyed).toBe(true);
  });

  it('rejects with the stream error', async () => {
    const body = pushed();
    const read = readCappedBytes(body as never, 100, tooLarge);
    body.push(Buffer.from('{"a"'));
    body.destroy(Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }));
    await expect(read).rejects.toMatchObject({ code: 'UND_ERR_SOCKET' });
  });

  it('rejects as a premature close when destroyed with no reason', async () => {
    const body = pushed();
    const read = readCappedBytes(body as never, 100, tooLarge);
    body.destroy();
    await expect(read).rejects.toMatchObject({ code: 'ERR_STREAM_PREMATURE_CLOSE' });
  });

  it('rejects at once for a body already errored or destroyed', async () => {
    const errored = pushed();
    errored.on('error', () => undefined);
    errored.destroy(new Error('gone'));
    await new Promise((resolve) => setImmediate(resolve));
    await expect(readCappedBytes(errored as never, 100, tooLarge)).rejects.toThrow('gone');
    const destroyed = pushed();
    destroyed.destroy();
    await new Promise((resolve) => setImmediate(resolve));
    await expect(readCappedBytes(destroyed as never, 100, tooLarge)).rejects.toMatchObject({ code: 'ERR_STREAM_PREMATURE_CLOSE' });
  });

  it("reads undici's body, cuts it off past the cap without an uncaught abort error, and rejects when the upstream drops the connection mid-body", async () => {
    server = createServer((req, res) => {
      if (req.url === '/whole') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"id":"x",');
        setTimeout(() => res.end('"n":1}'), 5);
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"id":"x",');
      setTimeout(() => res.socket?.destroy(), 5);
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', () => resolve()));
    const { port } = server.address() as { port: number };
    const whole = await request(`http://127.0.0.1:${port}/whole`);
    expect((await readCappedBytes(whole.body, 1000, tooLarge)).toString()).toBe('{"id":"x","n":1}');
    const capped = await request(`http://127.0.0.1:${port}/whole`);
    await expect(readCappedBytes(capped.body, 12, tooLarge)).rejects.toMatchObject({ code: 'upstream_response_too_large' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(capped.body.destroyed).toBe(true);
    const cut = await request(`http://127.0.0.1:${port}/cut`);
    await expect(readCappedBytes(cut.body, 10_000, tooLarge)).rejects.toBeInstanceOf(Error);
  });
});
