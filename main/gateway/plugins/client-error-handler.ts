// Answers what Node's HTTP parser refuses before fastify ever sees a request (a bad request line
// or header syntax, headers over 16 KiB, broken chunked framing, the header/request deadline):
// in OpenAI's error shape with a stable code, then the connection is closed. Never logs or echoes
// the refused bytes (`err.rawPacket` holds the Authorization header, S41), and never writes a
// second status line into a response that has already started.
import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { GatewayError } from '../../core/gateway-error.js';

type ClientErrorHandler = (error: Error, socket: Socket) => void;

/** The answer to one parser error code (llhttp's `HPE_*`, or Node's request timeout). */
export function parserRefusal(code: string | undefined): GatewayError {
  switch (code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new GatewayError('request_timeout', 'The request did not arrive in time: send the headers and the body without pausing');
    case 'HPE_HEADER_OVERFLOW':
      return new GatewayError('headers_too_large', 'The request headers are larger than 16 KiB');
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return new GatewayError('payload_too_large', 'The chunk extensions of the request body are too large');
    default:
      // The code names the rule broken (e.g. HPE_INVALID_METHOD); the bytes themselves are never quoted.
      return new GatewayError('malformed_request', `The request is not valid HTTP/1.1${code !== undefined && /^HPE_[A-Z_]{1,40}$/.test(code) ? ` (${code})` : ''}`);
  }
}

export function createClientErrorHandler(log: Logger): ClientErrorHandler {
  return (error, socket) => {
    const code = (error as NodeJS.ErrnoException).code;
    // A reset connection has nobody left to answer.
    if (code === 'ECONNRESET' || socket.destroyed) return;
    const refusal = parserRefusal(code);
    log.debug({ code: typeof code === 'string' ? code.slice(0, 60) : undefined, status: refusal.status }, 'refused a request the HTTP parser rejected');
    // Node keeps the response in flight on the socket here; once its head is out (a stream with
    // a bad pipelined request behind it), another status line would corrupt it: hang up instead.
    const inFlight = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
    if (socket.writable && inFlight?.headersSent !== true) {
      const body = JSON.stringify(refusal.toBody());
      socket.write(
        `HTTP/1.1 ${refusal.status} ${STATUS_CODES[refusal.status] ?? 'Bad Request'}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    }
    socket.destroy();
  };
}
