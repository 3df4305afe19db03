// Spawns the zstd CLI for real zstd frames and opens real sockets: a fault test, run serially.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Readable, type Duplex } from 'node:stream';
import { connect, type AddressInfo } from 'node:net';
import { brotliCompressSync, createGunzip, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { startTestGateway, type TestGateway } from '../../support/test-gateway.js';
import { sendError } from '../../../main/gateway/plugins/error-handler.js';
import { decompressBody, parseContentEncoding } from '../../../main/gateway/plugins/decompress-request-body.js';
import { createZstdDecoder } from '../../../main/gateway/plugins/create-zstd-decoder.js';
import { zstdCompress, zstdRleFrame } from '../../support/zstd-compress.js';
import { isGatewayError } from '../../../main/core/gateway-error.js';

const MiB = 1024 * 1024;
// The gateway's body limit in these tests, and so the decompressed-size cap.
const LIMIT = 1 * MiB;
const YAML = 'general_settings:\n  max_request_size_mb: 1\nmodel_list: []\n';

// What Codex sends, in miniature: a Responses request with instructions and input items.
const CODEX_BODY = {
  model: 'qwen3',
  instructions: 'You are Codex, a coding agent. '.repeat(200),
  input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'list the files' }] }],
  tools: [{ type: 'custom', name: 'apply_patch', description: 'Edit files', format: { type: 'grammar', syntax: 'lark', definition: 'start: /.+/' } }],
  stream: true,
  store: false,
};
const CODEX_JSON = Buffer.from(JSON.stringify(CODEX_BODY));

/** zstd as Codex writes it (zstd::stream::encode_all, level 3): streamed, so no content size in the frame. */
const zstdStreamed = (data: Buffer | string) => zstdCompress(data);
/** One frame that states its content size up front, as `zstd file` writes. */
const zstdSized = (data: Buffer) => zstdCompress(data, ['-3', `--stream-size=${data.length}`]);

/** `total` zero bytes as gzip: identical members concatenated (one member of 16 MiB compresses to ~16 KB). */
function gzipBomb(total: number): Buffer {
  const member = gzipSync(Buffer.alloc(16 * MiB), { level: 9 });
  return Buffer.concat(Array.from({ length: total / (16 * MiB) }, () => member));
}

let gateway: TestGateway;
let gzip1GiB: Buffer;
let zstd1GiB: Buffer;

/** Test routes on the real gateway: its guard, body parser, error handler and decompression hook. */
function addEchoRoutes(app: FastifyInstance): void {
  const echo = async (request: { body: unknown }) => ({ body: request.body });
  app.post('/test/compressed', { config: { acceptsCompressedBody: true } }, echo);
  app.post('/test/plain', echo);
  // A route with Anthropic's error shape, as /v1/messages has: errors follow the route's handler.
  app.register(async (scope) => {
    scope.setErrorHandler((error, request, reply) => sendError(request, reply, error, 'anthropic'));
    scope.post('/test/anthropic-compressed', { config: { acceptsCompressedBody: true } }, echo);
  });
}

beforeAll(async () => {
  gateway = await startTestGateway(YAML);
  addEchoRoutes(gateway.app);
  gzip1GiB = gzipBomb(1024 * MiB);
  zstd1GiB = zstdRleFrame(8192);
});
afterAll(() => gateway.close());

const post = (url: string, encoding: string | undefined, payload: Buffer | string) =>
  gateway.app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json', ...(encoding === undefined ? {} : { 'content-encoding': encoding }) },
    payload,
  });

describe('registerRequestDecompression', () => {
  it.each([
    ['gzip', 'gzip', async () => gzipSync(CODEX_JSON)],
    ['gzip under its old name', 'x-gzip', async () => gzipSync(CODEX_JSON)],
    ['gzip of two members', 'gzip', async () => Buffer.concat([gzipSync(CODEX_JSON.subarray(0, 100)), gzipSync(CODEX_JSON.subarray(100))])],
    ['deflate (the zlib format)', 'deflate', async () => deflateSync(CODEX_JSON)],
    ['br', 'br', async () => brotliCompressSync(CODEX_JSON)],
    ['zstd streamed, as Codex sends it', 'zstd', async () => zstdStreamed(CODEX_JSON)],
    ['zstd in one frame with its content size', 'zstd', async () => zstdSized(CODEX_JSON)],
    ['zstd of two frames, each with a checksum', 'zstd', async () => Buffer.concat([zstdStreamed(CODEX_JSON.subarray(0, 100)), zstdStreamed(CODEX_JSON.subarray(100))])],
    ['zstd after a skippable frame', 'zstd', async () => Buffer.concat([Buffer.from([0x5a, 0x2a, 0x4d, 0x18, 2, 0, 0, 0, 0xaa, 0xbb]), zstdStreamed(CODEX_JSON)])],
    ['zstd with the largest window accepted (8 MiB)', 'zstd', async () => zstdCompress(CODEX_JSON, ['--zstd=wlog=23'])],
    ['zstd in upper case', 'ZSTD', async () => zstdSized(CODEX_JSON)],
    ['gzip beside identity', 'identity, gzip', async () => gzipSync(CODEX_JSON)],
    ['identity', 'identity', async () => CODEX_JSON],
    ['no Content-Encoding', undefined, async () => CODEX_JSON],
  ])('hands the route the decoded JSON body: %s', async (_name, encoding, encode) => {
    const res = await post('/test/compressed', encoding, await encode());
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().body).toEqual(CODEX_BODY);
  });

  it('caps the decoded body at the route body limit: exactly the limit passes, one byte more is a 413', async () => {
    const exactly = (size: number) => Buffer.from(`{"pad":"${'a'.repeat(size - '{"pad":""}'.length)}"}`);
    const atLimit = await post('/test/compressed', 'zstd', zstdStreamed(exactly(LIMIT)));
    expect(atLimit.statusCode, atLimit.body).toBe(200);
    expect(atLimit.json().body.pad).toHaveLength(LIMIT - 10);
    const over = await post('/test/compressed', 'gzip', gzipSync(exactly(LIMIT + 1)));
    expect(over.statusCode).toBe(413);
    expect(over.json().error).toMatchObject({ type: 'invalid_request_error', code: 'payload_too_large' });
  });

  it.each([
    ['gzip', () => gzip1GiB, '/test/compressed'],
    ['zstd', () => zstd1GiB, '/test/anthropic-compressed'],
  ])('answers a %s bomb (1 GiB of zeros) with 413 in the route\'s error shape, without growing memory', async (encoding, bomb, url) => {
    const before = process.memoryUsage().rss;
    const res = await post(url, encoding, bomb());
    const grown = process.memoryUsage().rss - before;
    expect(res.statusCode).toBe(413);
    if (url === '/test/compressed') {
      expect(res.json().error).toMatchObject({ type: 'invalid_request_error', code: 'payload_too_large' });
    } else {
      expect(res.json()).toMatchObject({ type: 'error', error: { type: 'request_too_large' } });
    }
    // The rest of the body is never read: the connection is not reused.
    expect(res.headers.connection).toBe('close');
    // Decoding it whole would take 1 GiB; a stopped decoder leaves the body cap's worth at most.
    expect(grown).toBeLessThan(64 * MiB);
  });

  it.each([
    ['a list of codings', 'gzip, zstd', 'Send one Content-Encoding (gzip, deflate, br or zstd), not a list of codings'],
    ['a coding it does not decode', 'compress', 'Content-Encoding compress is not supported; send the body uncompressed or as gzip, deflate, br or zstd'],
    ['a coding that is not a token, never echoed', 'gz<script>', 'Content-Encoding is not supported; send the body uncompressed or as gzip, deflate, br or zstd'],
  ])('refuses %s with 415', async (_name, encoding, message) => {
    const res = await post('/test/compressed', encoding, gzipSync(CODEX_JSON));
    expect(res.statusCode).toBe(415);
    expect(res.json()).toEqual({ error: { message, type: 'invalid_request_error', param: null, code: 'unsupported_media_type' } });
  });

  it('answers 415 in Anthropic\'s shape on a route with Anthropic\'s errors', async () => {
    const res = await post('/test/anthropic-compressed', 'snappy', gzipSync(CODEX_JSON));
    expect(res.statusCode).toBe(415);
    expect(res.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
  });

  it.each([
    ['gzip', 'not gzip at all', 'gzip'],
    ['gzip', gzipSync(CODEX_JSON).subarray(0, 40), 'gzip'],
    ['deflate', deflateRawSync(CODEX_JSON), 'deflate'],
    ['zstd', 'not zstd at all', 'zstd'],
    ['zstd', zstdStreamed(CODEX_JSON).subarray(0, 30), 'unexpected EOF'],
    ['br', Buffer.from([0xff, 0xff, 0xff, 0xff]), 'br'],
  ])('answers %s data its decoder refuses (%#) with 400', async (encoding, payload, mentions) => {
    const res = await post('/test/compressed', encoding, payload);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('invalid_request');
    expect(res.json().error.message).toContain(mentions);
  });

  it.each([
    ['a frame', () => zstdCompress(CODEX_JSON, ['--zstd=wlog=24'])],
    ['a second frame', () => Buffer.concat([zstdStreamed(CODEX_JSON.subarray(0, 100)), zstdCompress(CODEX_JSON.subarray(100), ['--zstd=wlog=31'])])],
    // 2^40 bytes of content stated in a single-segment frame's header: its window.
    ['a single-segment frame stating 1 TiB', () => Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0xe0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0])],
  ])('refuses %s that needs a window over 8 MiB before allocating it (400)', async (_name, frame) => {
    const res = await post('/test/compressed', 'zstd', frame());
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/^The request body is not valid zstd data \(a zstd frame asks for a \d+ MiB window; at most 8 MiB is accepted/);
  });

  it('still refuses a Content-Encoding on a route that does not opt in', async () => {
    const res = await post('/test/plain', 'gzip', gzipSync(CODEX_JSON));
    expect(res.statusCode).toBe(415);
    expect(res.json().error.message).toBe('Compressed request bodies are not accepted on this route (Content-Encoding must be absent)');
  });

  it('decodes the JSON the parser then refuses like any other body (400 invalid_json)', async () => {
    const res = await post('/test/compressed', 'gzip', gzipSync('{"model":'));
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('invalid_json');
  });
});

describe('parseContentEncoding', () => {
  it.each([
    ['gzip', 'gzip'],
    [' Deflate ', 'deflate'],
    ['identity', undefined],
    ['identity, identity', undefined],
    ['', undefined],
    ['zstd, identity', 'zstd'],
  ])('reads %j as %s', (header, coding) => {
    expect(parseContentEncoding(header)).toBe(coding);
  });
});

describe('decompressBody', () => {
  /** Feeds `data` in 16 KiB chunks and collects the stream's outcome. */
  async function drain(data: Buffer, decoder: Duplex, limit: number, chunkSize = 16 * 1024) {
    const chunks = Array.from({ length: Math.ceil(data.length / chunkSize) }, (_, i) => data.subarray(i * chunkSize, (i + 1) * chunkSize));
    let decodedOut = 0;
    // A second listener only counts: pausing the decoder still pauses it for both.
    decoder.on('data', (chunk: Buffer) => {
      decodedOut += chunk.length;
    });
    const body = decompressBody(Readable.from(chunks, { objectMode: false }), decoder, { limit, coding: 'test' });
    const received: Buffer[] = [];
    const error = await new Promise<unknown>((resolve) => {
      body.on('data', (chunk: Buffer) => received.push(chunk));
      body.on('end', () => resolve(undefined));
      body.on('error', resolve);
    });
    // One more turn of the event loop: a decoder still running would keep counting.
    const decodedAtError = decodedOut;
    await new Promise((resolve) => setImmediate(resolve));
    return { error, received: Buffer.concat(received), body, decodedAtError, decodedOut };
  }

  it('stops reading and decoding a gzip bomb within a chunk of the cap', async () => {
    const decoder = createGunzip();
    const { error, body, decodedAtError, decodedOut } = await drain(gzip1GiB, decoder, LIMIT);
    expect(isGatewayError(error) && error.code).toBe('payload_too_large');
    expect(decoder.destroyed).toBe(true);
    // ~1 KB of this gzip decodes to 1 MiB: reading stopped long before the 1 MiB it holds.
    expect(body.receivedEncodedLength).toBeLessThan(128 * 1024);
    expect(decodedAtError).toBeLessThanOrEqual(LIMIT + 64 * 1024);
    expect(decodedOut).toBe(decodedAtError);
  });

  it('stops a zstd bomb within a chunk of the cap, though one 16 KiB chunk of it holds 512 MiB', async () => {
    const decoder = createZstdDecoder(LIMIT);
    const { error, decodedAtError, decodedOut } = await drain(zstd1GiB, decoder, LIMIT);
    expect(isGatewayError(error) && error.code).toBe('payload_too_large');
    expect(decoder.destroyed).toBe(true);
    // The cap plus at most one 128 KiB zstd block: the decoder stopped itself mid-chunk.
    expect(decodedAtError).toBeLessThanOrEqual(LIMIT + 128 * 1024);
    expect(decodedOut).toBe(decodedAtError);
  });

  it('counts the compressed bytes it read, which fastify checks against Content-Length', async () => {
    const compressed = gzipSync(CODEX_JSON);
    const { error, received, body } = await drain(compressed, createGunzip(), LIMIT);
    expect(error).toBeUndefined();
    expect(received.equals(CODEX_JSON)).toBe(true);
    expect(body.receivedEncodedLength).toBe(compressed.length);
  });

  it('reads zstd headers split across chunks: frames, checksums and a refused window fed a byte at a time', async () => {
    const two = Buffer.concat([zstdStreamed(CODEX_JSON.subarray(0, 100)), zstdStreamed(CODEX_JSON.subarray(100))]);
    const ok = await drain(two, createZstdDecoder(LIMIT), LIMIT, 1);
    expect(ok.error).toBeUndefined();
    expect(ok.received.equals(CODEX_JSON)).toBe(true);
    const wide = Buffer.concat([zstdStreamed(CODEX_JSON.subarray(0, 100)), zstdCompress(CODEX_JSON.subarray(100), ['--zstd=wlog=24'])]);
    const refused = await drain(wide, createZstdDecoder(LIMIT), LIMIT, 1);
    expect(isGatewayError(refused.error) && refused.error.code).toBe('invalid_request');
    expect(refused.received.equals(CODEX_JSON.subarray(0, 100))).toBe(true);
  });
});

// Real sockets: a bomb's 413 must come while the client is still sending, and the connection
// must close (the rest of the body is never read), not hang waiting for the declared length.
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
function send(port: number, headers: string, body: Buffer, sent = body.length): Promise<Answer> {
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
  let port: number;
  beforeAll(async () => {
    await gateway.app.listen({ host: '127.0.0.1', port: 0 });
    port = (gateway.app.server.address() as AddressInfo).port;
  });

  it.each([
    // 16 KiB of the gzip bomb decode to ~16 MiB, of the zstd one to 512 MiB.
    ['gzip', () => gzip1GiB],
    ['zstd', () => zstd1GiB],
  ])('answers a %s bomb with 413 and closes the connection without reading the rest', async (encoding, bombOf) => {
    const bomb = bombOf();
    const answer = await send(port, `Content-Encoding: ${encoding}\r\nContent-Length: ${bomb.length}\r\n`, bomb, 16 * 1024);
    expect(answer.head).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer.head).toMatch(/connection: close/i);
    expect(JSON.parse(answer.body).error.code).toBe('payload_too_large');
    expect(answer.closed).toBe(true);
  });

  it('decodes a zstd body sent in chunked transfer encoding', async () => {
    const json = JSON.stringify({ model: 'm', input: 'hello '.repeat(5000) });
    const zstd = zstdCompress(json);
    const chunked = Buffer.concat([Buffer.from(`${zstd.length.toString(16)}\r\n`), zstd, Buffer.from('\r\n0\r\n\r\n')]);
    const answer = await send(port, 'Content-Encoding: zstd\r\nTransfer-Encoding: chunked\r\n', chunked);
    expect(answer.head).toMatch(/^HTTP\/1\.1 200 /);
    expect(JSON.parse(answer.body)).toEqual({ body: JSON.parse(json) });
    expect(answer.closed).toBe(false);
  });
});
