// Child process: a minimal OpenAI upstream for the benchmark on 127.0.0.1 (port 0). POST
// */chat/completions answers a fixed small chat.completion, or with `"stream": true` a fixed
// SSE stream (role, four content deltas, finish, usage, [DONE]). POST */responses answers the
// same text as a Responses API object or event stream (what an upstream serving /v1/responses
// sends, for the pass-through scenario). No artificial delay, no per-request allocation beyond
// reading the body; never listens on anything but loopback.
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

const RESPONSE_ID = 'resp_bench';
const MESSAGE_ID = 'msg_bench';
const PARTS = ['Hello', '! How', ' can I', ' help?'];
const TEXT = PARTS.join('');
const RESPONSES_USAGE = {
  input_tokens: 12, input_tokens_details: { cached_tokens: 0 },
  output_tokens: 9, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 21,
};
const outputText = (text: string) => ({ type: 'output_text', text, annotations: [], logprobs: [] });
const message = (status: string, content: unknown[]) => ({ id: MESSAGE_ID, type: 'message', status, role: 'assistant', content });
const responseObject = (status: string, output: unknown[], usage: unknown) => ({
  id: RESPONSE_ID, object: 'response', created_at: CREATED, status, error: null, incomplete_details: null,
  instructions: null, max_output_tokens: 16, model: MODEL, output, parallel_tool_calls: true, previous_response_id: null,
  reasoning: { effort: null, summary: null }, store: false, temperature: 1, text: { format: { type: 'text' } },
  tool_choice: 'auto', tools: [], top_p: 1, truncation: 'disabled', usage, metadata: {},
});

const RESPONSE = Buffer.from(JSON.stringify(responseObject('completed', [message('completed', [outputText(TEXT)])], RESPONSES_USAGE)));

function responsesEvents(): Buffer[] {
  const events: Record<string, unknown>[] = [
    { type: 'response.created', response: responseObject('in_progress', [], null) },
    { type: 'response.in_progress', response: responseObject('in_progress', [], null) },
    { type: 'response.output_item.added', output_index: 0, item: message('in_progress', []) },
    { type: 'response.content_part.added', item_id: MESSAGE_ID, output_index: 0, content_index: 0, part: outputText('') },
    ...PARTS.map((delta) => ({ type: 'response.output_text.delta', item_id: MESSAGE_ID, output_index: 0, content_index: 0, delta, logprobs: [] })),
    { type: 'response.output_text.done', item_id: MESSAGE_ID, output_index: 0, content_index: 0, text: TEXT, logprobs: [] },
    { type: 'response.content_part.done', item_id: MESSAGE_ID, output_index: 0, content_index: 0, part: outputText(TEXT) },
    { type: 'response.output_item.done', output_index: 0, item: message('completed', [outputText(TEXT)]) },
    { type: 'response.completed', response: responseObject('completed', [message('completed', [outputText(TEXT)])], RESPONSES_USAGE) },
  ];
  return events.map((event, sequence) =>
    Buffer.from(`event: ${String(event.type)}\ndata: ${JSON.stringify({ ...event, sequence_number: sequence })}\n\n`));
}

/** Written one event per write, like the chat stream. */
const RESPONSES_FRAMES: readonly Buffer[] = responsesEvents();

const NOT_FOUND = Buffer.from(JSON.stringify({ error: { message: 'not found', type: 'invalid_request_error' } }));

function answer(request: IncomingMessage, response: ServerResponse, body: Buffer): void {
  const responsesApi = request.url?.endsWith('/responses') === true;
  if (request.method !== 'POST' || (!responsesApi && !request.url?.endsWith('/chat/completions'))) {
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
    const json = responsesApi ? RESPONSE : COMPLETION;
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': json.length }).end(json);
    return;
  }
  const frames = responsesApi ? RESPONSES_FRAMES : STREAM_FRAMES;
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  for (let i = 0; i < frames.length - 1; i++) response.write(frames[i]);
  response.end(frames[frames.length - 1]);
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
