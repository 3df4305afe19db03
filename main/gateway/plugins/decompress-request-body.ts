// Inbound compression for routes that opt in with `config: { acceptsCompressedBody: true }`
// (/v1/responses: Codex may send zstd): a preParsing hook that decodes gzip, deflate, br or zstd
// as the body streams in; every other route still refuses a Content-Encoding (local-only-guard.ts,
// S11). Never decodes past the route's body limit (a zip bomb is a 413) nor ahead of the parser.
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { Readable, type Duplex } from 'node:stream';
import type { FastifyInstance, FastifyRequest, preParsingHookHandler } from 'fastify';
import { GatewayError } from '../../core/gateway-error.js';
import { createZstdDecoder } from './create-zstd-decoder.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route decodes Content-Encoding gzip/deflate/br/zstd bodies, up to its body limit. */
    acceptsCompressedBody?: boolean;
  }
}

/**
 * A decoder per accepted content coding (RFC 9110 §8.4.1; `x-gzip` is gzip's old name), given
 * the most output wanted. zlib's streams put out 16 KiB at a time and wait for their reader, so
 * they need no cap of their own; the zstd decoder cannot pause mid-chunk, so it stops itself.
 */
const DECODERS = {
  gzip: () => createGunzip(),
  'x-gzip': () => createGunzip(),
  // HTTP's "deflate" is the zlib format (RFC 1950), not raw deflate.
  deflate: () => createInflate(),
  br: () => createBrotliDecompress(),
  zstd: createZstdDecoder,
} as const satisfies Record<string, (maxOutput: number) => Duplex>;

type ContentCoding = keyof typeof DECODERS;

const ACCEPTED = 'gzip, deflate, br or zstd';

/** The request's route decodes compressed bodies (the guard lets its Content-Encoding through). */
export function acceptsCompressedBody(request: FastifyRequest): boolean {
  return request.routeOptions.config.acceptsCompressedBody === true;
}

/** Attaches the decoding hook to every route registered after this call that opts in. */
export function registerRequestDecompression(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    if (route.config?.acceptsCompressedBody !== true) return;
    route.preParsing = [...[route.preParsing ?? []].flat(), decompressRequestBody];
  });
}

const decompressRequestBody: preParsingHookHandler = (request, _reply, payload, done) => {
  const header = request.headers['content-encoding'];
  if (header === undefined) return done(null, payload);
  let coding: ContentCoding | undefined;
  try {
    coding = parseContentEncoding(header);
  } catch (error) {
    return done(error as GatewayError);
  }
  if (coding === undefined) return done(null, payload);
  const limit = request.routeOptions.bodyLimit;
  done(null, decompressBody(payload, DECODERS[coding](limit), { limit, coding }));
};

/**
 * The one coding a Content-Encoding header names, undefined for none (`identity`), or a 415.
 * A list of codings is refused: no client stacks them, and each layer is more work per byte.
 */
export function parseContentEncoding(header: string): ContentCoding | undefined {
  const codings = header.split(',').map((c) => c.trim().toLowerCase()).filter((c) => c !== '' && c !== 'identity');
  if (codings.length === 0) return undefined;
  if (codings.length > 1) {
    throw new GatewayError('unsupported_media_type', `Send one Content-Encoding (${ACCEPTED}), not a list of codings`);
  }
  const coding = codings[0]!;
  if (Object.hasOwn(DECODERS, coding)) return coding as ContentCoding;
  // Echoed only when it is a short token: a header is client text, never repeated verbatim.
  const named = /^[a-z0-9-]{1,32}$/.test(coding) ? ` ${coding}` : '';
  throw new GatewayError('unsupported_media_type', `Content-Encoding${named} is not supported; send the body uncompressed or as ${ACCEPTED}`);
}

/** What fastify's body reader needs: the compressed bytes read so far, checked against Content-Length. */
export interface DecompressedBody extends Readable {
  receivedEncodedLength: number;
}

export interface DecompressOptions {
  /** Most decoded bytes accepted: the route's body limit. */
  limit: number;
  /** For error messages. */
  coding: string;
}

/**
 * `source` decoded by `decoder`, as a stream that fails with 413 once more than `limit` bytes come
 * out (and stops both: nothing more is read or decoded) and with 400 on data the decoder refuses.
 * Backpressure runs end to end, so the decoder only works as fast as the body is parsed.
 */
export function decompressBody(source: Readable, decoder: Duplex, options: DecompressOptions): DecompressedBody {
  let decoded = 0;
  let sourceEnded = false;
  let failed = false;
  const body = new Readable({
    read() {
      decoder.resume();
    },
    destroy(error, callback) {
      stop();
      callback(error);
    },
  }) as DecompressedBody;
  body.receivedEncodedLength = 0;

  const onSourceData = (chunk: Buffer): void => {
    body.receivedEncodedLength += chunk.length;
    if (!decoder.write(chunk)) source.pause();
  };
  const onDrain = (): void => {
    source.resume();
  };
  const onSourceEnd = (): void => {
    sourceEnded = true;
    decoder.end();
  };
  const onSourceError = (error: Error): void => fail(error);
  source.on('data', onSourceData);
  source.on('end', onSourceEnd);
  source.on('error', onSourceError);
  decoder.on('drain', onDrain);
  decoder.on('data', (chunk: Buffer) => {
    if (failed) return;
    decoded += chunk.length;
    if (decoded > options.limit) {
      fail(new GatewayError('payload_too_large', `The request body decompresses to more than the ${options.limit}-byte size cap`, closeHeader()));
      return;
    }
    if (!body.push(chunk)) decoder.pause();
  });
  decoder.on('end', () => {
    if (!failed) body.push(null);
  });
  decoder.on('error', (error: Error) => {
    fail(new GatewayError('invalid_request', `The request body is not valid ${options.coding} data (${error.message})`, closeHeader()));
  });

  // The rest of an abandoned body is never read: the answer closes the connection instead.
  function closeHeader(): { headers?: Record<string, string> } {
    return sourceEnded ? {} : { headers: { connection: 'close' } };
  }

  function fail(error: Error): void {
    if (failed) return;
    failed = true;
    body.destroy(error);
  }

  function stop(): void {
    failed = true;
    source.off('data', onSourceData);
    source.off('end', onSourceEnd);
    source.off('error', onSourceError);
    decoder.off('drain', onDrain);
    source.pause();
    decoder.destroy();
  }

  return body;
}
