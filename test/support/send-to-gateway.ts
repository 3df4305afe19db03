// A hand-driven HTTP client for fault tests: one request on its own socket (no agent, no
// keep-alive), the response decoded as it arrives, and the controls a misbehaving client has —
// stop reading, wait for some text, drop the connection. Loopback only; never retries.
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';

export interface ResponseHead {
  status: number;
  headers: IncomingHttpHeaders;
}

export interface ClientExchange {
  /** Resolves with status and headers once the response head arrives. */
  head: Promise<ResponseHead>;
  /** Everything received so far, decoded with one streaming UTF-8 decoder. */
  received(): string;
  /** Bytes received so far. */
  receivedBytes(): number;
  /** Resolves once `predicate(received())` holds; rejects if the response ends first. */
  waitFor(predicate: (text: string) => boolean): Promise<string>;
  /** Resolves with the whole body when the response ends cleanly; rejects if the connection breaks. */
  done: Promise<string>;
  /** Resolves once the request has been written completely (the body is on the wire). */
  sent: Promise<void>;
  /** The client goes away: destroys the socket, wherever the exchange is. */
  disconnect(): void;
  /** Stop reading from the socket (a slow reader) / start again. */
  pause(): void;
  resume(): void;
}

export interface SendOptions {
  method?: 'GET' | 'POST';
  /** Sent as `Authorization: Bearer <key>`. */
  key?: string;
  headers?: Record<string, string>;
}

export function sendToGateway(port: number, path: string, body: unknown, options: SendOptions = {}): ClientExchange {
  const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  const headers: Record<string, string> = { host: `127.0.0.1:${port}`, ...options.headers };
  if (payload !== undefined) {
    headers['content-type'] ??= 'application/json';
    headers['content-length'] = String(Buffer.byteLength(payload));
  }
  if (options.key !== undefined) headers.authorization = `Bearer ${options.key}`;

  const decoder = new TextDecoder('utf-8');
  let text = '';
  let bytes = 0;
  let ended = false;
  let failure: Error | undefined;
  let response: IncomingMessage | undefined;
  let paused = false;
  const waiters = new Set<() => void>();
  const notify = () => {
    for (const waiter of [...waiters]) waiter();
  };

  const req = httpRequest({ host: '127.0.0.1', port, path, method: options.method ?? (payload === undefined ? 'GET' : 'POST'), headers, agent: false });
  const head = new Promise<ResponseHead>((resolve, reject) => {
    req.once('response', (res) => {
      response = res;
      if (paused) res.pause();
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        text += decoder.decode(chunk, { stream: true });
        notify();
      });
      res.once('end', () => {
        text += decoder.decode();
        ended = true;
        notify();
      });
      res.once('error', (error) => {
        failure = error;
        notify();
      });
      res.once('close', () => {
        if (!ended && !failure) failure = new Error('connection closed before the response ended');
        notify();
      });
      resolve({ status: res.statusCode ?? 0, headers: res.headers });
    });
    req.once('error', (error) => {
      failure = error;
      notify();
      reject(error);
    });
  });
  // A test that never awaits `head` (it disconnects first) must not leave an unhandled rejection.
  head.catch(() => undefined);

  const waitFor = (predicate: (text: string) => boolean) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        if (predicate(text)) {
          waiters.delete(check);
          resolve(text);
        } else if (ended || failure) {
          waiters.delete(check);
          reject(failure ?? new Error(`response ended without the expected text; received: ${text.slice(0, 500)}`));
        }
      };
      waiters.add(check);
      check();
    });

  const done = new Promise<string>((resolve, reject) => {
    const check = () => {
      if (ended) {
        waiters.delete(check);
        resolve(text);
      } else if (failure) {
        waiters.delete(check);
        reject(failure);
      }
    };
    waiters.add(check);
  });
  done.catch(() => undefined);

  const sent = new Promise<void>((resolve) => {
    req.end(payload, () => resolve());
  });

  return {
    head,
    received: () => text,
    receivedBytes: () => bytes,
    waitFor,
    done,
    sent,
    disconnect() {
      req.destroy();
      response?.destroy();
    },
    pause() {
      paused = true;
      response?.pause();
    },
    resume() {
      paused = false;
      response?.resume();
    },
  };
}

/** Sends a request and waits for the whole response; the body parsed as JSON when it is JSON. */
export async function callGateway(
  port: number,
  path: string,
  body: unknown,
  options: SendOptions = {},
): Promise<ResponseHead & { text: string; json: unknown }> {
  const exchange = sendToGateway(port, path, body, options);
  const head = await exchange.head;
  const text = await exchange.done;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { ...head, text, json };
}
