// Keeps connection slots free for new clients (S44): once fewer than `reservedConnections` of
// `maxConnections` slots are free, each new connection closes the least recently active idle
// socket (no request in flight: a keep-alive socket between requests, or one that has not sent a
// complete request head, down to one that never sent a byte). Never closes a socket whose request
// is in flight, nor the connection that just arrived; Node's own cap still refuses the one too many.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';

export interface SlotReserve {
  maxConnections: number;
  /** Free slots kept for new clients; idle sockets are shed beyond maxConnections - reservedConnections. */
  reservedConnections: number;
}

export function shedIdleConnections(server: Server, reserve: SlotReserve, log: Logger): void {
  const threshold = reserve.maxConnections - reserve.reservedConnections;
  // Map order is the shedding order: a socket moves to the end whenever a request on it finishes.
  const inFlight = new Map<Socket, number>();
  let warned = false;

  server.on('connection', (socket: Socket) => {
    inFlight.set(socket, 0);
    socket.once('close', () => inFlight.delete(socket));
    let excess = inFlight.size - threshold;
    if (excess <= 0) {
      // Pressure is over once a whole reserve is free again; the next episode is worth a line.
      if (warned && inFlight.size <= threshold - reserve.reservedConnections) warned = false;
      return;
    }
    let shed = 0;
    for (const [candidate, requests] of inFlight) {
      if (excess === 0) break;
      if (requests > 0 || candidate === socket) continue;
      inFlight.delete(candidate);
      candidate.destroy();
      excess--;
      shed++;
    }
    if (shed > 0 && !warned) {
      warned = true;
      log.warn({ open: inFlight.size, maxConnections: reserve.maxConnections }, 'connection slots running low: closing the oldest idle connections');
    }
  });

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const socket = req.socket;
    const requests = inFlight.get(socket);
    if (requests === undefined) return;
    inFlight.set(socket, requests + 1);
    res.once('close', () => {
      const now = inFlight.get(socket);
      if (now === undefined) return;
      // Idle again, and now the most recently active: re-inserting moves it to the end.
      inFlight.delete(socket);
      inFlight.set(socket, now - 1);
    });
  });
}
