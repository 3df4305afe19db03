import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { startTestGateway, type TestGateway } from '../../support/test-gateway.js';
import { zstdCompress, zstdRleFrame } from '../../support/zstd-compress.js';

// Real sockets: a bomb's 413 must come while the client is still sending, and the connection
// must close (the rest of the body is never read), not hang waiting for the declared length.
const MiB = 1024 * 1024;
const YAML = 'general_settings:\n  max_request_size_mb: 1\nmodel_list: []\n';

let gateway: TestGateway;
let port: number;

beforeAll(async () => {
  gateway = await startTestGateway(YAML);
  gateway.app.post('/test/compressed', { config: { acceptsCompressedBody: true } }, async (request) => ({ body: request.body }));
  await gateway.app.listen({ host: '127.0.0.1', port: 0 });
  port = (gateway.app.server.address() as AddressInfo).port;
});
afterAll(() => gateway.close());

interface Answer {
  head: string;
  body: string;
  /** The server closed the socket (else the answer was keep-alive and the test closed it). */
  closed: boolean;
}

/**
 * Sends the head and the first `sent` bytes of `body` (the head declares all of it); resolves
 * when the server closes the socket, or once a keep-alive answer is complete.
 */
function send(headers: string, body: Buffer, sent = body.length): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      const text = Buffer.concat(chunks).toString('utf8');
      const end = text.indexOf('\r\n\r\n');
      const length = Number(/content-length: (\d+)/i.exec(text)?.[1] ?? -1);
      // A keep-alive answer: done once its body is complete.
      if (end >= 0 && length >= 0 && Buffer.byteLength(text.slice(end + 4)) >= length && !/connection: close/i.test(text.slice(0, end))) {
        socket.destroy();
        resolve({ head: text.slice(0, end), body: text.slice(end + 4), closed: false });
      }
    });
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const end = text.indexOf('\r\n\r\n');
      resolve({ head: text.slice(0, end), body: text.slice(end + 4), closed: true });
    });
    socket.write(`POST /test/compressed HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\n${headers}\r\n`);
    socket.write(body.subarray(0, sent));
  });
}

describe('compressed request bodies over a real socket', () => {
  it.each([
    // 64 KiB of this gzip stream decode to ~64 MiB; the declared body is 1 GiB of zeros.
    ['gzip', Buffer.concat(Array.from({ length: 64 }, () => gzipSync(Buffer.alloc(16 * MiB), { level: 9 })))],
    // 16 KiB of RLE blocks decode to 512 MiB.
    ['zstd', zstdRleFrame(8192)],
  ])('answers a %s bomb with 413 and closes the connection without reading the rest', async (encoding, bomb) => {
    const answer = await send(`Content-Encoding: ${encoding}\r\nContent-Length: ${bomb.length}\r\n`, bomb, 16 * 1024);
    expect(answer.head).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer.head).toMatch(/connection: close/i);
    expect(JSON.parse(answer.body).error.code).toBe('payload_too_large');
    expect(answer.closed).toBe(true);
  });

  it('decodes a zstd body sent in chunked transfer encoding', async () => {
    const json = JSON.stringify({ model: 'm', input: 'hello '.repeat(5000) });
    const zstd = zstdCompress(json);
    const chunked = Buffer.concat([Buffer.from(`${zstd.length.toString(16)}\r\n`), zstd, Buffer.from('\r\n0\r\n\r\n')]);
    const answer = await send('Content-Encoding: zstd\r\nTransfer-Encoding: chunked\r\n', chunked);
    expect(answer.head).toMatch(/^HTTP\/1\.1 200 /);
    expect(JSON.parse(answer.body)).toEqual({ body: JSON.parse(json) });
    expect(answer.closed).toBe(false);
  });
});
