// Child process: a minimal OpenAI upstream for the benchmark on 127.0.0.1 (port 0). POST
// */chat/completions answers a fixed small chat.completion, or with `"stream": true` a fixed
// SSE stream (role, four content deltas, finish, usage, [DONE]). No artificial delay, no
// per-request allocation beyond reading the body; never listens on anything but loopback.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

const CREATED = 1_700_000_000;
const MODEL = 'bench-model';

const COMPLETION = Buffer.from(JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created: CREATED,
  model: MODEL,
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hello! How can I help you today?' }, logprobs: null, finish_reason: 'stop' }],
  usage: { prompt_tokens: 12, completion_tokens: 9, total_tokens: 21 },
}));

function chunk(choices: unknown[], usage?: unknown): Buffer {
  const body: Record<string, unknown> = { id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: CREATED, model: MODEL, choices };
  if (usage !== undefined) body.usage = usage;
  return Buffer.from(`data: ${JSON.stringify(body)}\n\n`);
}
const delta = (content: string) => [{ index: 0, delta: { content }, logprobs: null, finish_reason: null }];

/** Written one frame per write, as a real server emits tokens. */
const STREAM_FRAMES: readonly Buffer[] = [
  chunk([{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }]),
  chunk(delta('Hello')),
  chunk(delta('! How')),
  chunk(delta(' can I')),
  chunk(delta(' help?')),
  chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }]),
  chunk([], { prompt_tokens: 12, completion_tokens: 9, total_tokens: 21 }),
  Buffer.from('data: [DONE]\n\n'),
];

const NOT_FOUND = Buffer.from(JSON.stringify({ error: { message: 'not found', type: 'invalid_request_error' } }));

function answer(request: IncomingMessage, response: ServerResponse, body: Buffer): void {
  if (request.method !== 'POST' || !request.url?.endsWith('/chat/completions')) {
    response.writeHead(404, { 'content-type': 'application/json', 'content-length': NOT_FOUND.length }).end(NOT_FOUND);
    return;
  }
  let stream = false;
  try {
    stream = (JSON.parse(body.toString('utf8')) as { stream?: unknown }).stream === true;
  } catch {
    response.writeHead(400, { 'content-type': 'application/json' }).end('{"error":{"message":"bad json"}}');
    return;
  }
  if (!stream) {
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': COMPLETION.length }).end(COMPLETION);
    return;
  }
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  for (let i = 0; i < STREAM_FRAMES.length - 1; i++) response.write(STREAM_FRAMES[i]);
  response.end(STREAM_FRAMES[STREAM_FRAMES.length - 1]);
}

const server = createServer({ keepAliveTimeout: 10_000 }, (request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (part: Buffer) => chunks.push(part));
  request.on('end', () => answer(request, response, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
});

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address && typeof address === 'object') process.stdout.write(`mock upstream listening on http://127.0.0.1:${address.port}\n`);
});
// The bench holds an IPC channel to us; when it goes away (even SIGKILL), so do we.
process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => server.close(() => process.exit(0)).closeAllConnections());
