// relayStream on a real HTTP response over loopback, counting the writes that reach its socket
// (each one a writev(2)): Node corks a response's writes until the end of the turn, so what one
// upstream read renders leaves in one socket write, and a read that ends the answer ends the
// response in that same write instead of one of its own on the next turn (issue 18: a short
// streamed answer from a fast upstream took two socket writes, the head and frames, then the end).
// The upstream is a real loopback server read with undici, as the gateway reads it: when its body
// reports its end decides which turn the relay ends in.
import { createServer, request as httpRequest, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { FastifyReply } from 'fastify';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { createOpenAISseEncoder, relayStream } from '../../../main/gateway/relay-stream.js';
import { createOpenAICompatibleAdapter } from '../../../main/providers/openai-compatible-adapter.js';
import type { UpstreamResponse } from '../../../main/providers/upstream-client.js';
import { testTarget } from '../providers/test-deployment.js';
import { sseFrame, SSE_DONE_FRAME } from '../../support/sse-frames.js';

const chunk = (content: string, finish: string | null = null) =>
  sseFrame({ id: 'c', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content }, finish_reason: finish }] });

const servers: { close(): void }[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

/** Counts the writes the response's socket hands to the OS (corked writes flush as one _writev). */
function countSocketWrites(socket: Socket): () => number {
  let writes = 0;
  const target = socket as unknown as { _writev: (...args: unknown[]) => unknown; _write: (...args: unknown[]) => unknown };
  const writev = target._writev.bind(socket);
  const write = target._write.bind(socket);
  target._writev = (...args) => {
    writes++;
    return writev(...args);
  };
  target._write = (...args) => {
    writes++;
    return write(...args);
  };
  return () => writes;
}

/** An upstream on loopback that answers with `first` in one write and, 20 ms later, `later` with the end. */
async function startUpstream(first: string, later?: string): Promise<string> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    if (later === undefined) {
      res.end(first);
      return;
    }
    res.write(first);
    setTimeout(() => res.end(later), 20);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

/**
 * Relays the upstream's answer, read with undici as the gateway reads it, to a client over
 * loopback; returns what the client read and how many socket writes the response took.
 */
async function relayOverSocket(first: string, later?: string): Promise<{ text: string; socketWrites: number }> {
  const upstreamUrl = await startUpstream(first, later);
  let socketWrites = (): number => -1;
  let relayed!: Promise<unknown>;
  const server = createServer((_req, res: ServerResponse) => {
    socketWrites = countSocketWrites(res.socket as Socket);
    const reply = { raw: res, getHeaders: () => ({}), hijack() {} } as unknown as FastifyReply;
    const adapter = createOpenAICompatibleAdapter();
    relayed = request(upstreamUrl).then((upstream) => relayStream({
      reply, headers: {}, reader: adapter, endpoint: 'chat', target: testTarget(), requestId: 'r1',
      body: upstream.body as unknown as UpstreamResponse['body'],
      encoder: createOpenAISseEncoder(false), signal: new AbortController().signal, onFirstContent() {},
    })).then((result) => {
      if (result.error) throw result.error;
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const text = await new Promise<string>((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, method: 'POST', path: '/', agent: false }, (res) => {
      let received = '';
      res.setEncoding('utf8');
      res.on('data', (data: string) => (received += data));
      res.on('end', () => resolve(received));
    });
    req.on('error', reject);
    req.end();
  });
  await relayed;
  return { text, socketWrites: socketWrites() };
}

describe('relayStream on a real socket', () => {
  it('sends a whole short answer that came in one read, head to end, in one socket write', async () => {
    const answer = chunk('Hel') + chunk('lo', 'stop') + SSE_DONE_FRAME;
    const { text, socketWrites } = await relayOverSocket(answer);
    expect(text).toBe(chunk('Hel') + chunk('lo', 'stop') + SSE_DONE_FRAME);
    expect(socketWrites).toBe(1);
  });

  it('sends each read in one write, the last one with the end', async () => {
    const { text, socketWrites } = await relayOverSocket(chunk('a') + chunk('b'), chunk('c', 'stop') + SSE_DONE_FRAME);
    expect(text).toBe(chunk('a') + chunk('b') + chunk('c', 'stop') + SSE_DONE_FRAME);
    expect(socketWrites).toBe(2);
  });
});
