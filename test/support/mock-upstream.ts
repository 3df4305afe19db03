// A scripted loopback upstream for gateway tests: a real node:http server on 127.0.0.1:0 that
// speaks the OpenAI-compatible and Ollama native wire formats byte for byte, records every
// request, and misbehaves on cue (see mock-behaviours.ts). It never listens beyond loopback and
// never lets a client that disconnects early crash the process.
//
// Wire formats checked against (search corpus, this session):
// - OpenAI OpenAPI spec, ChatCompletionStreamOptions.include_usage (docs.rs openai-struct
//   chat_completion_stream_options.rs; rubydoc openai-ruby ChatCompletionStreamOptions): an extra
//   chunk before `data: [DONE]` whose `choices` is always [] carries usage; every other chunk has
//   "usage": null.
// - CreateChatCompletionStreamResponse (hexdocs ex_openai): id/created identical on every chunk,
//   object "chat.completion.chunk", choices[{index, delta, logprobs, finish_reason}]; delta tool
//   calls {index, id?, type?, function{name?, arguments?}} (LangChain OpenAIClient
//   ChatCompletionChunk.Choice.Delta.ToolCall).
// - openai-node 6 embeddings.create defaults encoding_format to "base64" (float32 LE), so the
//   mock honours it (node_modules/openai/resources/embeddings.js).
// - ollama/ollama docs/api.md: /api/chat streams {model, created_at, message{role, content},
//   done:false} lines and a final done:true line with done_reason, total_duration, load_duration,
//   prompt_eval_count, prompt_eval_duration, eval_count, eval_duration (ns); stream defaults to
//   true; tool_calls [{function{name, arguments:{...}}}] without id; /api/tags, /api/embed shapes.
//   docs.ollama.com/api/usage.md: usage fields ride on the final done:true chunk.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { flattenHeaders, parseJson, readBody } from './read-incoming-request.js';
import { performBehaviour, type Behaviour } from './mock-behaviours.js';
import { DEFAULT_MODEL, resolveAnswer } from './mock-answer.js';

export type { Behaviour, GarbageVariant, AnswerOverrides } from './mock-behaviours.js';
export { SPLIT_UTF8_CONTENT, IN_BAND_ERROR_MESSAGE } from './mock-behaviours.js';
export type { OkBehaviour, MockToolCall, MockUsage } from './mock-answer.js';
export { sseFrame, parseSseText, parseSseEvents, parseNdjsonText, ndjsonLine, SSE_DONE_FRAME } from './sse-frames.js';
export { buildOpenAIChunk } from './mock-openai-wire.js';

export interface RecordedRequest {
  /** Position in `requests` (order in which request bodies finished arriving). */
  index: number;
  method: string;
  /** Path with query string, exactly as requested. */
  path: string;
  /** Lower-cased names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** Raw body text (partial if the client left mid-body). */
  body: string;
  /** Parsed body, undefined when empty or not JSON. */
  json: unknown;
  /** The client closed the connection before the response finished. */
  aborted: boolean;
  /** When (the mock's clock, ms) the client closed the connection early; set with `aborted`. */
  closedAt: number | undefined;
  /** The connection this request came on has closed, for whatever reason. */
  socketClosed: boolean;
}

export interface MockUpstreamOptions {
  /** Clock for `created` / `created_at` and `closedAt` (ms since epoch); fixed by default. */
  now?: () => number;
  /** Model ids for /v1/models and /api/tags. */
  models?: string[];
  /** Behaviour when the script queue is empty; 'ok' by default. */
  defaultBehaviour?: Behaviour;
}

export interface MockUpstream {
  /** 'http://127.0.0.1:PORT' */
  url: string;
  origin: string;
  port: number;
  requests: RecordedRequest[];
  /** Queue behaviours for the next request(s), in order. */
  script(behaviour: Behaviour | Behaviour[]): void;
  setDefault(behaviour: Behaviour): void;
  /** Resolves once `n` requests (bodies complete) have been recorded. */
  waitForRequests(n: number): Promise<void>;
  /** Resolves once the connection that carried request #index has closed. */
  waitForClientClose(index: number): Promise<void>;
  openSockets(): number;
  /** Destroys every socket and stops listening. */
  close(): Promise<void>;
}

/** 2024-06-01T00:00:00Z: a fixed clock keeps ids and timestamps deterministic. */
export const MOCK_EPOCH_MS = Date.UTC(2024, 5, 1);

/**
 * Starts the mock on 127.0.0.1 with a free port.
 *
 *   const upstream = await createMockUpstream();
 *   upstream.script([{ kind: 'status', status: 429, retryAfter: 1 }, { kind: 'ok', chunks: ['Hi', '!'] }]);
 *   // ... point a deployment at `${upstream.url}/v1` (OpenAI) or upstream.url (Ollama) ...
 *   await upstream.waitForClientClose(0);          // e.g. after the gateway's client went away
 *   expect(upstream.requests[0]?.aborted).toBe(true);
 *   await upstream.close();
 *
 * Paths under /api/ speak Ollama; every other path speaks OpenAI, matched by suffix
 * (/chat/completions, /completions, /embeddings, /models), so Azure-style prefixes work too.
 */
export async function createMockUpstream(options: MockUpstreamOptions = {}): Promise<MockUpstream> {
  const now = options.now ?? (() => MOCK_EPOCH_MS);
  const models = options.models ?? [DEFAULT_MODEL];
  let fallback: Behaviour = options.defaultBehaviour ?? { kind: 'ok' };
  const queue: Behaviour[] = [];
  const requests: RecordedRequest[] = [];
  const closeSignals: Promise<void>[] = [];
  const requestWaiters: { n: number; resolve: () => void }[] = [];
  const sockets = new Set<Socket>();
  const closedByMock = new WeakSet<Socket>();
  const socketClosed = new WeakMap<Socket, Promise<void>>();

  const destroyByMock = (socket: Socket, reset: boolean) => {
    closedByMock.add(socket);
    if (reset) socket.resetAndDestroy();
    else socket.destroy();
  };

  const record = (rec: RecordedRequest, closed: Promise<void>) => {
    rec.index = requests.length;
    requests.push(rec);
    closeSignals.push(closed);
    for (const w of [...requestWaiters]) {
      if (requests.length >= w.n) {
        requestWaiters.splice(requestWaiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    req.on('error', ignore);
    res.on('error', ignore);
    const socket = req.socket;
    const rec: RecordedRequest = {
      index: -1,
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      headers: flattenHeaders(req.headers),
      body: '',
      json: undefined,
      aborted: false,
      closedAt: undefined,
      socketClosed: false,
    };
    const closed = (socketClosed.get(socket) ?? Promise.resolve()).then(() => {
      rec.socketClosed = true;
    });
    res.once('close', () => {
      if (!res.writableFinished && !closedByMock.has(socket)) {
        rec.aborted = true;
        rec.closedAt = now();
      }
    });
    rec.body = await readBody(req);
    rec.json = parseJson(rec.body);
    record(rec, closed);
    if (res.destroyed) return;
    const behaviour = queue.shift() ?? fallback;
    await performBehaviour(behaviour, {
      req,
      res,
      body: rec.body,
      json: rec.json,
      plan: { index: rec.index, nowMs: now(), models },
      destroyByMock,
    });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      // A behaviour bug must surface as a broken response, never as a crashed test process.
      if (!res.destroyed) res.destroy();
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('error', ignore);
    // One promise per connection: a keep-alive socket serves many requests without piling up listeners.
    socketClosed.set(
      socket,
      new Promise<void>((resolve) =>
        socket.once('close', () => {
          sockets.delete(socket);
          resolve();
        }),
      ),
    );
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
  const origin = `http://127.0.0.1:${port}`;

  const waitForRequests = (n: number) =>
    new Promise<void>((resolve) => {
      if (requests.length >= n) resolve();
      else requestWaiters.push({ n, resolve });
    });

  return {
    url: origin,
    origin,
    port,
    requests,
    script(behaviour) {
      const list = Array.isArray(behaviour) ? behaviour : [behaviour];
      list.forEach(checkBehaviour);
      queue.push(...list);
    },
    setDefault(behaviour) {
      checkBehaviour(behaviour);
      fallback = behaviour;
    },
    waitForRequests,
    async waitForClientClose(index) {
      await waitForRequests(index + 1);
      await closeSignals[index];
    },
    openSockets: () => sockets.size,
    async close() {
      for (const socket of sockets) destroyByMock(socket, false);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function ignore(): void {}

/** Throws at script time on a malformed answer, rather than as a mysterious broken response later. */
function checkBehaviour(b: Behaviour): void {
  if (b.kind === 'ok') resolveAnswer(b, undefined);
  else if ('answer' in b && b.answer !== undefined) resolveAnswer({ kind: 'ok', ...b.answer }, undefined);
}
