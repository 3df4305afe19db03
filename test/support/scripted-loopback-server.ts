// The shared body of the provider-format mocks (mock-anthropic-upstream.ts, mock-gemini-upstream.ts):
// a node:http server on 127.0.0.1:0 that records every request (headers included), hands it to
// the protocol's handler with the next scripted behaviour, and writes byte pieces as separate
// reads. It never listens beyond loopback and never crashes on a client that left early.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { flattenHeaders, parseJson, readBody } from './read-incoming-request.js';

export interface MockRequest {
  /** Position in `requests`. */
  index: number;
  method: string;
  /** Path with query string, exactly as requested. */
  path: string;
  /** Lower-cased names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: string;
  /** Parsed body; undefined when empty or not JSON. */
  json: unknown;
  /** The client closed the connection before the response finished. */
  aborted: boolean;
}

export interface ScriptedServer<B> {
  /** 'http://127.0.0.1:PORT' */
  url: string;
  port: number;
  requests: MockRequest[];
  /** Queue behaviours for the next request(s), in order. */
  script(behaviour: B | B[]): void;
  setDefault(behaviour: B): void;
  /** Drops behaviours scripted but not used (e.g. by a test that failed early), so they never leak into the next test. */
  clearScript(): void;
  /** Resolves once `n` requests have been recorded. */
  waitForRequests(n: number): Promise<void>;
  close(): Promise<void>;
}

export type ScriptedHandler<B> = (behaviour: B, request: MockRequest, res: ServerResponse) => Promise<void> | void;

export async function startScriptedServer<B>(fallback: B, handle: ScriptedHandler<B>): Promise<ScriptedServer<B>> {
  let defaultBehaviour = fallback;
  const queue: B[] = [];
  const requests: MockRequest[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  const sockets = new Set<Socket>();

  const server = createServer((req, res) => {
    req.on('error', ignore);
    res.on('error', ignore);
    const rec: MockRequest = {
      index: -1,
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      headers: flattenHeaders(req.headers),
      body: '',
      json: undefined,
      aborted: false,
    };
    res.once('close', () => {
      if (!res.writableFinished) rec.aborted = true;
    });
    readBody(req)
      .then(async (body) => {
        rec.body = body;
        rec.json = parseJson(body);
        rec.index = requests.length;
        requests.push(rec);
        for (const w of [...waiters]) {
          if (requests.length >= w.n) {
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve();
          }
        }
        if (res.destroyed) return;
        await handle(queue.shift() ?? defaultBehaviour, rec, res);
      })
      .catch(() => {
        // A handler bug shows as a broken response, never as a crashed test process.
        if (!res.destroyed) res.destroy();
      });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('error', ignore);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('clientError', (_err, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0 }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    script(behaviour) {
      queue.push(...(Array.isArray(behaviour) ? behaviour : [behaviour]));
    },
    setDefault(behaviour) {
      defaultBehaviour = behaviour;
    },
    clearScript() {
      queue.length = 0;
    },
    waitForRequests: (n) =>
      new Promise<void>((resolve) => {
        if (requests.length >= n) resolve();
        else waiters.push({ n, resolve });
      }),
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Whole body in one write, with its length. */
export function sendWhole(res: ServerResponse, status: number, headers: Record<string, string>, text: string): void {
  if (res.destroyed) return;
  res.writeHead(status, { ...headers, 'content-length': String(Buffer.byteLength(text)) });
  res.end(text);
}

/**
 * Head now, then `bytes` cut at `cuts` (byte offsets), each piece its own write that the client
 * reads separately (a check-phase turn between writes), then the end of the body — or, with
 * `end: 'close'`, a dropped connection. Chunked encoding, so the body can stop anywhere.
 */
export async function sendPieces(
  res: ServerResponse,
  status: number,
  headers: Record<string, string>,
  bytes: Buffer,
  cuts: readonly number[] = [],
  end: 'end' | 'close' = 'end',
): Promise<void> {
  if (res.destroyed) return;
  res.writeHead(status, headers);
  res.flushHeaders();
  const points = [0, ...[...new Set(cuts)].filter((c) => c > 0 && c < bytes.length).sort((a, b) => a - b), bytes.length];
  for (let i = 0; i + 1 < points.length; i++) {
    if (res.destroyed) return;
    await flushed(res, bytes.subarray(points[i], points[i + 1]));
    await peerTurn();
  }
  if (res.destroyed) return;
  if (end === 'close') res.socket?.destroy();
  else res.end();
}

/** Byte offsets inside every multi-byte UTF-8 character of `bytes` (after its first byte). */
export function cutsInsideMultibyteCharacters(bytes: Buffer): number[] {
  const cuts: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number;
    // A lead byte of a 2-, 3- or 4-byte sequence: cut right after it.
    if (b >= 0xc0) cuts.push(i + 1);
  }
  return cuts;
}

function flushed(res: ServerResponse, piece: Buffer): Promise<void> {
  return new Promise((resolve) => {
    if (res.destroyed) return resolve();
    const finish = () => {
      res.off('close', finish);
      resolve();
    };
    res.once('close', finish);
    res.write(piece, finish);
  });
}

/** Two check phases apart: an in-process client reads what the kernel holds before the next write. */
function peerTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
}

function ignore(): void {}
