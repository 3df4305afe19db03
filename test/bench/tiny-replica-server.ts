// A stand-in for one gateway replica in the bench's own tests: a node:http server on 127.0.0.1:0
// that answers POST /v1/chat/completions as the bench's verification expects (JSON with choices,
// or an SSE stream with a "Hello" delta ending in [DONE]) when the request carries the accepted
// authorization header, 401 otherwise; it counts the requests and connections it saw.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TinyReplica {
  origin: string;
  /** Requests answered 200. */
  answered: number;
  /** Requests refused 401. */
  refused: number;
  /** TCP connections accepted so far. */
  connections: number;
  close(): Promise<void>;
}

export async function startTinyReplica(acceptedAuthorization: string): Promise<TinyReplica> {
  const replica = { origin: '', answered: 0, refused: 0, connections: 0, close: async () => {} };
  const server: Server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      if (request.headers.authorization !== acceptedAuthorization) {
        replica.refused++;
        response.writeHead(401, { 'content-type': 'application/json' }).end('{"error":{"message":"invalid key"}}');
        return;
      }
      replica.answered++;
      if ((JSON.parse(body || '{}') as { stream?: unknown }).stream === true) {
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        response.end('data: {"choices":[{"delta":{"content":"Hello"}}]}\n\ndata: [DONE]\n\n');
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"choices":[{"message":{"content":"Hello"}}]}');
    });
  });
  server.on('connection', () => replica.connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  replica.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  replica.close = () => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
  return replica;
}
