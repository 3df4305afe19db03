// Child process: an OpenAI upstream for the soak run on 127.0.0.1 (port 0) that answers like a
// slow model. POST */chat/completions with `"stream": true` sends SOAK_FRAMES content deltas
// SOAK_FRAME_DELAY_MS apart, then the finish, usage and [DONE] frames; without it, a small
// chat.completion at once. A client that goes away mid-stream stops its timer. Never listens on
// anything but loopback.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

const FRAMES = Number(process.env.SOAK_FRAMES ?? 20);
const FRAME_DELAY_MS = Number(process.env.SOAK_FRAME_DELAY_MS ?? 25);
const CREATED = 1_700_000_000;
const MODEL = 'soak-model';
const USAGE = { prompt_tokens: 12, completion_tokens: FRAMES, total_tokens: 12 + FRAMES };

const COMPLETION = Buffer.from(JSON.stringify({
  id: 'chatcmpl-soak', object: 'chat.completion', created: CREATED, model: MODEL,
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hello from the soak upstream.' }, logprobs: null, finish_reason: 'stop' }],
  usage: { prompt_tokens: 12, completion_tokens: 7, total_tokens: 19 },
}));

function frame(choices: unknown[], usage?: unknown): string {
  const body: Record<string, unknown> = { id: 'chatcmpl-soak', object: 'chat.completion.chunk', created: CREATED, model: MODEL, choices };
  if (usage !== undefined) body.usage = usage;
  return `data: ${JSON.stringify(body)}\n\n`;
}
const ROLE = frame([{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }]);
const TOKEN = frame([{ index: 0, delta: { content: ' token' }, logprobs: null, finish_reason: null }]);
const END = frame([{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }]) + frame([], USAGE) + 'data: [DONE]\n\n';

function stream(response: ServerResponse): void {
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  response.write(ROLE);
  let sent = 0;
  const timer = setInterval(() => {
    if (sent < FRAMES) {
      response.write(TOKEN);
      sent++;
      return;
    }
    clearInterval(timer);
    response.end(END);
  }, FRAME_DELAY_MS);
  response.once('close', () => clearInterval(timer));
}

function answer(request: IncomingMessage, response: ServerResponse, body: Buffer): void {
  if (request.method !== 'POST' || !request.url?.endsWith('/chat/completions')) {
    response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"not found","type":"invalid_request_error"}}');
    return;
  }
  let wantsStream = false;
  try {
    wantsStream = (JSON.parse(body.toString('utf8')) as { stream?: unknown }).stream === true;
  } catch {
    response.writeHead(400, { 'content-type': 'application/json' }).end('{"error":{"message":"bad json","type":"invalid_request_error"}}');
    return;
  }
  if (wantsStream) stream(response);
  else response.writeHead(200, { 'content-type': 'application/json', 'content-length': COMPLETION.length }).end(COMPLETION);
}

const server = createServer({ keepAliveTimeout: 10_000 }, (request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (part: Buffer) => chunks.push(part));
  request.on('end', () => answer(request, response, Buffer.concat(chunks)));
});

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address && typeof address === 'object') process.stdout.write(`mock upstream listening on http://127.0.0.1:${address.port}\n`);
});
// The soak run holds an IPC channel to us; when it goes away (even SIGKILL), so do we.
process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => server.close(() => process.exit(0)).closeAllConnections());
