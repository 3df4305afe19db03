// The optional second loopback listener for clients that insist on Ollama's address
// (127.0.0.1:11434): a node:http server whose requests go through the same fastify app (same
// routes, Host/Origin guard, auth and metering; the guard checks Host against this socket's
// port), serving `/` and `/api/*` only. A port already taken, most likely by a real Ollama, is
// reported in one line and left alone: Switchboard keeps running and never disturbs that process.
import { connect, type Socket } from 'node:net';
import type { CallerLookups } from '../attribution/caller-lookups.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { createHttpServer, DEFAULT_CONNECTION_LIMITS, type ConnectionLimits } from './create-http-server.js';
import { markOllamaListenerRequest } from './ollama-discovery/ollama-listener-request.js';

export const OLLAMA_LISTENER_HOST = '127.0.0.1';

export interface OllamaListener {
  /** The port it listens on; undefined when it could not start (the reason is logged). */
  port: number | undefined;
  close(): Promise<void>;
}

export interface OllamaListenerOptions {
  app: FastifyInstance;
  /** 0 picks a free port (tests). */
  port: number;
  /** Where the Ollama-compatible API stays reachable when this port is taken, e.g. http://127.0.0.1:4141. */
  mainUrl: string;
  log: Logger;
  connectionLimits?: Partial<ConnectionLimits>;
  /** Per-process attribution: a lookup started for every accepted connection (the main port's). */
  callers?: Pick<CallerLookups, 'start'>;
}

const NOT_HERE = JSON.stringify({ error: "this port serves Switchboard's Ollama-compatible API only (/ and /api/*)" });

export async function listenForOllamaClients(options: OllamaListenerOptions): Promise<OllamaListener> {
  const { app, log } = options;
  const inUse = () => log.warn(`port ${options.port} is in use (a running Ollama?): the Ollama-compatible API stays on ${options.mainUrl}/api`);
  // Some systems let a second process bind 127.0.0.1 while another holds the wildcard address
  // (SO_REUSEADDR on macOS); a listener that answers here is left alone rather than shadowed.
  if (options.port !== 0 && (await somethingListens(options.port))) {
    inUse();
    return { port: undefined, close: async () => undefined };
  }
  const server = createHttpServer((request: IncomingMessage, response: ServerResponse) => {
    const url = request.url ?? '';
    const path = url.split('?', 1)[0]!;
    // Absolute-form targets go through: the guard refuses them like on the main port.
    if (url.startsWith('/') && path !== '/' && !path.startsWith('/api/')) {
      response.writeHead(404, { 'content-type': 'application/json' }).end(NOT_HERE);
      return;
    }
    markOllamaListenerRequest(request);
    app.routing(request, response);
  }, { ...DEFAULT_CONNECTION_LIMITS, ...options.connectionLimits }, log);
  const callers = options.callers;
  if (callers) server.on('connection', (socket: Socket) => callers.start(socket));

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: OLLAMA_LISTENER_HOST, port: options.port }, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') inUse();
    else log.warn({ code }, `cannot listen on ${OLLAMA_LISTENER_HOST}:${options.port} for Ollama clients: the Ollama-compatible API stays on ${options.mainUrl}/api`);
    return { port: undefined, close: async () => undefined };
  }
  const address = server.address();
  const port = address && typeof address === 'object' ? address.port : options.port;
  return {
    port,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
      // Streams in flight get the same grace as the main port (start-gateway.ts cuts them after it).
      setTimeout(() => server.closeAllConnections(), 5_000).unref();
    }),
  };
}

/** True when a TCP connect to 127.0.0.1:port succeeds within a moment. */
function somethingListens(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: OLLAMA_LISTENER_HOST, port });
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
