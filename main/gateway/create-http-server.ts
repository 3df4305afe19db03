// The node:http server under fastify (its serverFactory): the timeouts that close slow or idle
// connections, the cap on connections and the reserve of free slots kept by shedding idle
// sockets. Node enforces the header and request deadlines only when it sweeps its connection
// list, so the sweep runs every second rather than every 30 s. Never listens itself.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { MAX_REQUEST_HEADERS } from './plugins/header-count-limit.js';
import { shedIdleConnections } from './shed-idle-connections.js';

export interface ConnectionLimits {
  /** Sockets open at once; beyond it Node refuses new connections. */
  maxConnections: number;
  /** Slots kept free for new clients by closing the oldest idle sockets (S44). */
  reservedConnections: number;
  /** A socket must finish sending its request headers within this (slowloris, S12). */
  headersTimeoutMs: number;
  /** ... and its whole request (headers and body) within this. */
  requestTimeoutMs: number;
  /** A keep-alive socket idle between requests is closed after this. */
  keepAliveTimeoutMs: number;
  /** How often Node checks the header and request deadlines (its default, 30 s, let them overrun by that much). */
  checkIntervalMs: number;
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  maxConnections: 1024,
  reservedConnections: 64,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  checkIntervalMs: 1_000,
};

export function createHttpServer(handler: (req: IncomingMessage, res: ServerResponse) => void, limits: ConnectionLimits, log: Logger): Server {
  if (!(limits.reservedConnections > 0 && limits.reservedConnections < limits.maxConnections)) {
    throw new RangeError(`reservedConnections must be between 1 and maxConnections - 1 (got ${limits.reservedConnections} of ${limits.maxConnections})`);
  }
  const server = createServer(
    {
      // We answer a missing Host ourselves (403, like every other bad Host).
      requireHostHeader: false,
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      connectionsCheckingInterval: limits.checkIntervalMs,
    },
    handler,
  );
  server.maxConnections = limits.maxConnections;
  server.maxRequestsPerSocket = 10_000;
  // One line past our cap: Node drops what lies beyond its count unseen, so the cap must be lower
  // than Node's for the overflow to reach registerHeaderCountLimit (and Node holds no more).
  server.maxHeadersCount = MAX_REQUEST_HEADERS + 1;
  shedIdleConnections(server, limits, log);
  return server;
}
