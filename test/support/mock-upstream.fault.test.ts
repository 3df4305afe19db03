// Proves the mock upstream itself: every behaviour, both wire formats, the recorder and the
// lifecycle, driven by plain undici / node:http clients (and the official openai client, to show
// the bytes are what a real OpenAI client accepts). Opens real loopback sockets: a fault test.
import http from 'node:http';
import net from 'node:net';
import OpenAI from 'openai';
import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  IN_BAND_ERROR_MESSAGE,
  MOCK_EPOCH_MS,
  SPLIT_UTF8_CONTENT,
  createMockUpstream,
  parseNdjsonText,
  parseSseText,
  sseFrame,
  type MockUpstream,
} from './mock-upstream.js';
import { mockVector } from './mock-openai-wire.js';

let mock: MockUpstream;

beforeEach(async () => {
  mock = await createMockUpstream();
});
afterEach(async () => {
  await mock.close();
});

const CREATED = Math.floor(MOCK_EPOCH_MS / 1000);
const chatBody = (extra: Record<string, unknown> = {}) => ({
  model: 'gpt-4o',
  messages: [{ role: 'user', content: 'hi' }],
  ...extra,
});

async function send(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await request(`${mock.url}${path}`, {
    method: method as 'GET' | 'POST',
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
}
const post = (path: string, body: unknown, headers?: Record<string, string>) => send('POST', path, body, headers);

/** Reads a streamed body until `enough(text)` holds, then drops the connection. */
async function readUntil(path: string, body: unknown, enough: (text: string) => boolean): Promise<string> {
  const res = await request(`${mock.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const decoder = new TextDecoder();
  let text = '';
  for await (const chunk of res.body) {
    text += decoder.decode(chunk as Buffer, { stream: true });
    if (enough(text)) break; // leaving the loop destroys the body, closing the socket
  }
  return text;
}

/** Reads a streamed body until the connection fails; returns what arrived and the error. */
async function readUntilError(path: string, body: unknown): Promise<{ text: string; error: unknown }> {
  const res = await request(`${mock.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const decoder = new TextDecoder();
  let text = '';
  try {
    for await (const chunk of res.body) text += decoder.decode(chunk as Buffer, { stream: true });
  } catch (error) {
    return { text, error };
  }
  return { text, error: undefined };
}

/** node:http in flowing mode: one 'data' event per socket read, so TCP write boundaries stay visible. */
function rawChunks(path: string, body: unknown): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${mock.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve(parts));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

const contentOf = (events: unknown[]) =>
  events
    .map((e) => (e as { choices?: { delta?: { content?: string | null } }[] }).choices?.[0]?.delta?.content ?? '')
    .join('');

describe('mock-upstream', () => {
  describe('OpenAI wire format', () => {
    it('answers a non-stream chat completion with the exact OpenAI body', async () => {
      mock.script({ kind: 'ok', content: 'Hi there', usage: { prompt: 7, completion: 2, cached: 3, reasoning: 1 } });
      const res = await post('/v1/chat/completions', chatBody());
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/json');
      expect(res.headers['content-length']).toBe(String(Buffer.byteLength(res.text)));
      expect(JSON.parse(res.text)).toEqual({
        id: 'chatcmpl-mock-0',
        object: 'chat.completion',
        created: CREATED,
        model: 'gpt-4o',
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: 'Hi there', refusal: null },
            logprobs: null,
            finish_reason: 'stop',
          },
        ],
        usage: {
          prompt_tokens: 7,
          completion_tokens: 2,
          total_tokens: 9,
          prompt_tokens_details: { cached_tokens: 3, audio_tokens: 0 },
          completion_tokens_details: {
            reasoning_tokens: 1,
            audio_tokens: 0,
            accepted_prediction_tokens: 0,
            rejected_prediction_tokens: 0,
          },
        },
        system_fingerprint: 'fp_mock',
      });
    });

    it('streams chat chunks with usage null on each and a usage-only chunk before [DONE] when include_usage is set', async () => {
      mock.script({ kind: 'ok', chunks: ['Hel', 'lo'], usage: { prompt: 5, completion: 2 } });
      const res = await post('/v1/chat/completions', chatBody({ stream: true, stream_options: { include_usage: true } }));
      expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
      const base = { id: 'chatcmpl-mock-0', object: 'chat.completion.chunk', created: CREATED, model: 'gpt-4o', system_fingerprint: 'fp_mock' };
      const choice = (delta: unknown, finish_reason: string | null) => [{ index: 0, delta, logprobs: null, finish_reason }];
      const expected = [
        { ...base, choices: choice({ role: 'assistant', content: '', refusal: null }, null), usage: null },
        { ...base, choices: choice({ content: 'Hel' }, null), usage: null },
        { ...base, choices: choice({ content: 'lo' }, null), usage: null },
        { ...base, choices: choice({}, 'stop'), usage: null },
        {
          ...base,
          choices: [],
          usage: {
            prompt_tokens: 5,
            completion_tokens: 2,
            total_tokens: 7,
            prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
            completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
          },
        },
      ];
      expect(res.text).toBe(expected.map(sseFrame).join('') + 'data: [DONE]\n\n');
    });

    it('omits the usage field and the usage chunk when include_usage is not asked for', async () => {
      const res = await post('/v1/chat/completions', chatBody({ stream: true }));
      const events = parseSseText(res.text);
      expect(events.at(-1)).toBe('[DONE]');
      const chunks = events.slice(0, -1) as Record<string, unknown>[];
      expect(chunks.every((c) => !('usage' in c))).toBe(true);
      expect(chunks.every((c) => Array.isArray(c.choices) && c.choices.length === 1)).toBe(true);
      expect(contentOf(events)).toBe('Hello, world!');
    });

    it('sends no usage at all when usage is null, even if include_usage was asked for', async () => {
      mock.script({ kind: 'ok', usage: null });
      const stream = await post('/v1/chat/completions', chatBody({ stream: true, stream_options: { include_usage: true } }));
      const chunks = parseSseText(stream.text).slice(0, -1) as Record<string, unknown>[];
      expect(chunks.some((c) => 'usage' in c)).toBe(false);
      mock.script({ kind: 'ok', usage: null });
      const body = JSON.parse((await post('/v1/chat/completions', chatBody())).text) as Record<string, unknown>;
      expect('usage' in body).toBe(false);
    });

    it('streams tool calls as an id/name header delta followed by argument fragments', async () => {
      mock.script({
        kind: 'ok',
        toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' }, argumentChunks: ['{"ci', 'ty":"Paris"}'] }],
      });
      const events = parseSseText((await post('/v1/chat/completions', chatBody({ stream: true }))).text);
      const deltas = (events.slice(0, -1) as { choices: { delta: Record<string, unknown>; finish_reason: string | null }[] }[]).map(
        (c) => c.choices[0],
      );
      expect(deltas).toEqual([
        {
          index: 0,
          delta: {
            role: 'assistant',
            content: null,
            refusal: null,
            tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '' } }],
          },
          logprobs: null,
          finish_reason: null,
        },
        { index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: '{"ci' } }] }, logprobs: null, finish_reason: null },
        { index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: 'ty":"Paris"}' } }] }, logprobs: null, finish_reason: null },
        { index: 0, delta: {}, logprobs: null, finish_reason: 'tool_calls' },
      ]);
    });

    it('is accepted by the official openai client, streamed tool calls and usage included', async () => {
      mock.script({
        kind: 'ok',
        content: 'Checking.',
        toolCalls: [
          { name: 'get_weather', arguments: { city: 'Paris' } },
          { name: 'get_time', arguments: { tz: 'CET' } },
        ],
        usage: { prompt: 11, completion: 4 },
      });
      const client = new OpenAI({ apiKey: 'sk-mock', baseURL: `${mock.url}/v1`, maxRetries: 0 });
      const stream = client.chat.completions.stream({
        model: 'gpt-4o',
        messages: [{ role: 'user', content: 'weather?' }],
        stream_options: { include_usage: true },
      });
      const final = await stream.finalChatCompletion();
      const message = final.choices[0]?.message;
      expect(message?.content).toBe('Checking.');
      expect(message?.tool_calls?.map((c) => (c.type === 'function' ? [c.id, c.function.name, JSON.parse(c.function.arguments)] : []))).toEqual([
        ['call_mock_0', 'get_weather', { city: 'Paris' }],
        ['call_mock_1', 'get_time', { tz: 'CET' }],
      ]);
      expect(final.choices[0]?.finish_reason).toBe('tool_calls');
      expect(final.usage?.total_tokens).toBe(15);
    });

    it('streams legacy completions as text_completion objects', async () => {
      mock.script({ kind: 'ok', chunks: ['a', 'b'] });
      const events = parseSseText((await post('/v1/completions', { model: 'davinci', prompt: 'x', stream: true })).text);
      expect(events.at(-1)).toBe('[DONE]');
      const chunks = events.slice(0, -1) as { object: string; choices: { text: string; finish_reason: string | null }[] }[];
      expect(chunks.every((c) => c.object === 'text_completion')).toBe(true);
      expect(chunks.map((c) => c.choices[0]?.text)).toEqual(['a', 'b', '']);
      expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('stop');
      const body = JSON.parse((await post('/v1/completions', { model: 'davinci', prompt: 'x' })).text);
      expect(body).toMatchObject({ object: 'text_completion', choices: [{ text: 'Hello, world!', index: 0, logprobs: null, finish_reason: 'stop' }] });
    });

    it('returns embeddings as floats, or as float32 base64 the openai client decodes', async () => {
      const body = JSON.parse((await post('/v1/embeddings', { model: 'emb', input: ['a', 'b'] })).text);
      expect(body).toEqual({
        object: 'list',
        data: [
          { object: 'embedding', index: 0, embedding: mockVector(0) },
          { object: 'embedding', index: 1, embedding: mockVector(1) },
        ],
        model: 'emb',
        usage: { prompt_tokens: 10, total_tokens: 10 },
      });
      const client = new OpenAI({ apiKey: 'sk-mock', baseURL: `${mock.url}/v1`, maxRetries: 0 });
      const viaSdk = await client.embeddings.create({ model: 'emb', input: 'a' });
      expect(mock.requests[1]?.json).toMatchObject({ encoding_format: 'base64' });
      const vector = viaSdk.data[0]?.embedding ?? [];
      mockVector(0).forEach((v, i) => expect(vector[i]).toBeCloseTo(v, 6));
    });

    it('lists models the way /v1/models does', async () => {
      await mock.close();
      mock = await createMockUpstream({ models: ['gpt-4o', 'o3'] });
      expect(JSON.parse((await send('GET', '/v1/models')).text)).toEqual({
        object: 'list',
        data: [
          { id: 'gpt-4o', object: 'model', created: CREATED, owned_by: 'system' },
          { id: 'o3', object: 'model', created: CREATED, owned_by: 'system' },
        ],
      });
    });

    it('answers an unknown path with a 404 in the OpenAI error envelope', async () => {
      const res = await post('/v1/nope', {});
      expect(res.status).toBe(404);
      expect(JSON.parse(res.text)).toEqual({
        error: { message: 'Invalid URL (POST /v1/nope)', type: 'invalid_request_error', param: null, code: 'model_not_found' },
      });
    });
  });

  describe('Ollama wire format', () => {
    it('streams /api/chat as NDJSON by default and ends with a done line carrying the stats', async () => {
      mock.script({ kind: 'ok', chunks: ['Hi', '!'], usage: { prompt: 26, completion: 2 } });
      const res = await post('/api/chat', { model: 'llama3.2', messages: [{ role: 'user', content: 'hi' }] });
      expect(res.headers['content-type']).toBe('application/x-ndjson');
      const createdAt = new Date(MOCK_EPOCH_MS).toISOString();
      expect(res.text.endsWith('}\n')).toBe(true);
      expect(parseNdjsonText(res.text)).toEqual([
        { model: 'llama3.2', created_at: createdAt, message: { role: 'assistant', content: 'Hi' }, done: false },
        { model: 'llama3.2', created_at: createdAt, message: { role: 'assistant', content: '!' }, done: false },
        {
          model: 'llama3.2',
          created_at: createdAt,
          message: { role: 'assistant', content: '' },
          done_reason: 'stop',
          done: true,
          total_duration: expect.any(Number),
          load_duration: expect.any(Number),
          prompt_eval_count: 26,
          prompt_eval_duration: expect.any(Number),
          eval_count: 2,
          eval_duration: expect.any(Number),
        },
      ]);
    });

    it('answers /api/chat with stream false as one JSON object with id-less tool calls', async () => {
      mock.script({ kind: 'ok', toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }] });
      const res = await post('/api/chat', { model: 'llama3.2', messages: [], stream: false });
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(JSON.parse(res.text)).toMatchObject({
        model: 'llama3.2',
        message: { role: 'assistant', content: '', tool_calls: [{ function: { name: 'get_weather', arguments: { city: 'Paris' } } }] },
        done_reason: 'stop',
        done: true,
      });
      expect(JSON.stringify(JSON.parse(res.text).message.tool_calls)).not.toContain('"id"');
    });

    it('leaves the token counts out of the done line when usage is null', async () => {
      mock.script({ kind: 'ok', usage: null });
      const final = parseNdjsonText((await post('/api/chat', { model: 'm', messages: [] })).text).at(-1) as Record<string, unknown>;
      expect(final.done).toBe(true);
      expect('prompt_eval_count' in final || 'eval_count' in final).toBe(false);
    });

    it('serves /api/generate, /api/embed, /api/tags and /api/version', async () => {
      const gen = parseNdjsonText((await post('/api/generate', { model: 'm', prompt: 'x' })).text) as Record<string, unknown>[];
      expect(gen.map((l) => l.response).join('')).toBe('Hello, world!');
      expect(gen.at(-1)).toMatchObject({ done: true, done_reason: 'stop', context: [1, 2, 3], prompt_eval_count: 10 });
      expect(JSON.parse((await post('/api/embed', { model: 'e', input: ['a', 'b'] })).text)).toMatchObject({
        model: 'e',
        embeddings: [mockVector(0), mockVector(1)],
        prompt_eval_count: 10,
      });
      expect(JSON.parse((await send('GET', '/api/tags')).text)).toMatchObject({
        models: [{ name: 'mock-model', model: 'mock-model', size: expect.any(Number), digest: expect.any(String), details: { format: 'gguf' } }],
      });
      expect(JSON.parse((await send('GET', '/api/version')).text)).toEqual({ version: expect.any(String) });
    });

    it('answers an unknown /api path with a plain-text 404 like Go net/http', async () => {
      const res = await send('GET', '/api/nope');
      expect([res.status, res.text]).toEqual([404, '404 page not found']);
    });
  });

  describe('recording and scripting', () => {
    it('records method, path with query, lower-cased headers, raw body and parsed json', async () => {
      await post('/v1/chat/completions?api-version=2024-10-21', chatBody(), { Authorization: 'Bearer sk-up', 'X-Custom': 'v' });
      const rec = mock.requests[0];
      expect(rec).toMatchObject({
        index: 0,
        method: 'POST',
        path: '/v1/chat/completions?api-version=2024-10-21',
        body: JSON.stringify(chatBody()),
        json: chatBody(),
        aborted: false,
      });
      expect(rec?.headers.authorization).toBe('Bearer sk-up');
      expect(rec?.headers['x-custom']).toBe('v');
    });

    it('applies scripted behaviours in order, then the default, which setDefault replaces', async () => {
      mock.script([{ kind: 'status', status: 500 }, { kind: 'status', status: 429 }]);
      mock.script({ kind: 'status', status: 401 });
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await post('/v1/chat/completions', chatBody())).status);
      expect(statuses).toEqual([500, 429, 401, 200]);
      mock.setDefault({ kind: 'status', status: 503 });
      expect((await post('/v1/chat/completions', chatBody())).status).toBe(503);
    });

    it('rejects a tool call whose argumentChunks do not join to its arguments when scripted', () => {
      expect(() =>
        mock.script({ kind: 'ok', toolCalls: [{ name: 'f', arguments: { a: 1 }, argumentChunks: ['{"a":'] }] }),
      ).toThrow(/do not join/);
      expect(() =>
        mock.script({ kind: 'stall-after-n-chunks', n: 1, answer: { toolCalls: [{ name: 'f', arguments: {}, argumentChunks: ['x'] }] } }),
      ).toThrow(/do not join/);
    });

    it('resolves waitForRequests once that many requests have arrived', async () => {
      mock.setDefault({ kind: 'hang-before-headers' });
      const waiting = mock.waitForRequests(2);
      const controller = new AbortController();
      const pending = [1, 2].map(() =>
        request(`${mock.url}/v1/chat/completions`, { method: 'POST', body: '{}', signal: controller.signal }).catch(() => undefined),
      );
      await waiting;
      expect(mock.requests).toHaveLength(2);
      controller.abort();
      await Promise.all(pending);
    });
  });

  describe('fault behaviours', () => {
    it('hang-before-headers never answers and records the client closing first', async () => {
      mock.script({ kind: 'hang-before-headers' });
      const controller = new AbortController();
      const pending = request(`${mock.url}/v1/chat/completions`, {
        method: 'POST',
        body: JSON.stringify(chatBody()),
        signal: controller.signal,
      });
      await mock.waitForRequests(1);
      expect(mock.openSockets()).toBe(1);
      controller.abort();
      await expect(pending).rejects.toThrow();
      await mock.waitForClientClose(0);
      expect(mock.requests[0]).toMatchObject({ aborted: true, socketClosed: true, closedAt: MOCK_EPOCH_MS });
    });

    it('stall-after-n-chunks sends headers and n frames and never finishes the response', async () => {
      mock.script({ kind: 'stall-after-n-chunks', n: 3 });
      const text = await readUntil('/v1/chat/completions', chatBody({ stream: true }), (t) => parseSseText(t).length >= 3);
      expect(contentOf(parseSseText(text))).toBe('Hello,');
      expect(text).not.toContain('[DONE]');
      await mock.waitForClientClose(0);
      expect(mock.requests[0]?.aborted).toBe(true);
    });

    it('stall-after-n-chunks with n 0 still flushes the headers', async () => {
      mock.script({ kind: 'stall-after-n-chunks', n: 0 });
      const res = await request(`${mock.url}/api/chat`, { method: 'POST', body: JSON.stringify({ model: 'm', messages: [] }) });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('application/x-ndjson');
      res.body.destroy();
      await mock.waitForClientClose(0);
      expect(mock.requests[0]?.aborted).toBe(true);
    });

    it.each([
      ['/v1/chat/completions', chatBody({ stream: true }), parseSseText],
      ['/api/chat', { model: 'm', messages: [] }, parseNdjsonText],
    ])('reset-after-n-chunks on %s delivers n frames then a TCP reset', async (path, body, parse) => {
      mock.script({ kind: 'reset-after-n-chunks', n: 2 });
      const { text, error } = await readUntilError(path, body);
      expect((error as { code?: string } | undefined)?.code).toBe('ECONNRESET'); // an RST, not a FIN
      expect(parse(text)).toHaveLength(2);
      await mock.waitForClientClose(0);
      expect(mock.requests[0]?.aborted).toBe(false);
    });

    it('truncate-after-n-chunks ends the stream cleanly without finish, usage or [DONE]', async () => {
      mock.script({ kind: 'truncate-after-n-chunks', n: 2 });
      const res = await post('/v1/chat/completions', chatBody({ stream: true, stream_options: { include_usage: true } }));
      const events = parseSseText(res.text) as { choices: { finish_reason: string | null }[] }[];
      expect(events).toHaveLength(2);
      expect(events.every((e) => e.choices[0]?.finish_reason === null)).toBe(true);
      expect(res.text).not.toContain('[DONE]');
    });

    it('truncate-after-n-chunks on Ollama never sends the done line, and cuts a non-stream body mid-JSON', async () => {
      mock.script([{ kind: 'truncate-after-n-chunks', n: 3 }, { kind: 'truncate-after-n-chunks', n: 2 }]);
      const lines = parseNdjsonText((await post('/api/chat', { model: 'm', messages: [] })).text) as { done: boolean }[];
      expect(lines).toHaveLength(3);
      expect(lines.some((l) => l.done)).toBe(false);
      const body = (await post('/v1/chat/completions', chatBody())).text;
      expect(body).toHaveLength(64);
      expect(() => JSON.parse(body)).toThrow();
    });

    it('split-utf8 splits multibyte characters and SSE lines across separate reads', async () => {
      mock.script({ kind: 'split-utf8' });
      const chunks = await rawChunks('/v1/chat/completions', chatBody({ stream: true }));
      const endsWith = (bytes: number[]) => chunks.some((c) => c.subarray(-bytes.length).equals(Buffer.from(bytes)));
      expect(endsWith([0xe4])).toBe(true); // 你 = E4 | BD A0
      expect(endsWith([0xf0, 0x9f])).toBe(true); // 🌍 = F0 9F | 8C 8D
      expect(chunks.some((c) => c.toString('latin1').endsWith('data: [DO'))).toBe(true);
      const whole = Buffer.concat(chunks).toString('utf8');
      expect(whole).not.toContain('\uFFFD');
      expect(contentOf(parseSseText(whole))).toBe(SPLIT_UTF8_CONTENT);
    });

    it('split-utf8 writes the split bytes as separate TCP reads, not only separate HTTP chunks', async () => {
      mock.script({ kind: 'split-utf8' });
      const reads = await new Promise<Buffer[]>((resolve, reject) => {
        const socket = net.connect(mock.port, '127.0.0.1');
        const parts: Buffer[] = [];
        const body = JSON.stringify(chatBody({ stream: true }));
        socket.on('connect', () =>
          socket.write(
            `POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
              `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
          ),
        );
        socket.on('data', (c: Buffer) => parts.push(c));
        socket.on('end', () => resolve(parts));
        socket.on('error', reject);
      });
      // Chunked encoding closes every write with CRLF: a read ending "F0 9F CR LF" is a lone write.
      expect(reads.some((r) => r.subarray(-4).equals(Buffer.from([0xf0, 0x9f, 0x0d, 0x0a])))).toBe(true);
    });

    it('split-utf8 on Ollama splits the characters and an NDJSON line', async () => {
      mock.script({ kind: 'split-utf8' });
      const chunks = await rawChunks('/api/chat', { model: 'm', messages: [] });
      expect(chunks.some((c) => c.subarray(-2).equals(Buffer.from([0xf0, 0x9f])))).toBe(true);
      expect(chunks.some((c) => c.toString('latin1').endsWith('"done":tr'))).toBe(true);
      const lines = parseNdjsonText(Buffer.concat(chunks).toString('utf8')) as { message: { content: string } }[];
      expect(lines.map((l) => l.message.content).join('')).toBe(SPLIT_UTF8_CONTENT);
    });

    it.each([301, 302, 307, 308] as const)('redirect-to answers %i with a Location header and no body', async (status) => {
      mock.script({ kind: 'redirect-to', url: 'http://169.254.169.254/latest', status });
      const res = await post('/v1/chat/completions', chatBody());
      expect([res.status, res.headers.location, res.text]).toEqual([status, 'http://169.254.169.254/latest', '']);
    });

    it('status sends Retry-After and the OpenAI error envelope by default', async () => {
      mock.script({ kind: 'status', status: 429, retryAfter: 7 });
      const res = await post('/v1/chat/completions', chatBody());
      expect(res.status).toBe(429);
      expect(res.headers['retry-after']).toBe('7');
      expect(JSON.parse(res.text)).toEqual({
        error: { message: 'Mock upstream error (HTTP 429).', type: 'requests', param: null, code: 'rate_limit_exceeded' },
      });
    });

    it.each([
      [{ kind: 'status', status: 401, body: { error: { message: 'Incorrect API key', type: 'invalid_request_error', param: null, code: 'invalid_api_key' } } }, 'application/json', '{"error":{"message":"Incorrect API key"'],
      [{ kind: 'status', status: 502, body: '<html><body>Bad gateway</body></html>', contentType: 'text/html' }, 'text/html', '<html>'],
      [{ kind: 'status', status: 500, body: 'boom' }, 'text/plain; charset=utf-8', 'boom'],
    ] as const)('status sends a given body with its content type (%#)', async (behaviour, contentType, start) => {
      mock.script(behaviour);
      const res = await post('/v1/chat/completions', chatBody());
      expect(res.status).toBe(behaviour.status);
      expect(res.headers['content-type']).toBe(contentType);
      expect(res.text.startsWith(start)).toBe(true);
    });

    it('status on an Ollama path uses Ollama\'s {"error": "..."} envelope', async () => {
      mock.script({ kind: 'status', status: 500 });
      const res = await post('/api/chat', { model: 'm', messages: [] });
      expect([res.status, JSON.parse(res.text)]).toEqual([500, { error: 'mock upstream error (HTTP 500)' }]);
    });

    it.each([
      ['no-data-prefix-space', 'data:{'],
      ['crlf', '\r\n\r\n'],
      ['comments', ': keep-alive\n\n'],
    ] as const)('garbage-sse %s is valid SSE that decodes to the normal answer', async (variant, marker) => {
      const normal = await post('/v1/chat/completions', chatBody({ stream: true }));
      mock.script({ kind: 'garbage-sse', variant });
      const odd = await post('/v1/chat/completions', chatBody({ stream: true }));
      expect(odd.text).toContain(marker);
      expect(odd.text).not.toBe(normal.text.replaceAll('chatcmpl-mock-0', 'chatcmpl-mock-1'));
      expect(parseSseText(odd.text)).toEqual(parseSseText(normal.text.replaceAll('chatcmpl-mock-0', 'chatcmpl-mock-1')));
    });

    it.each([
      ['non-json', 'data: this is not json\n\n'],
      ['truncated-json', 'data: {"id":"chatcmpl-mock","object":"chat.compl\n\n'],
    ] as const)('garbage-sse %s puts an undecodable data line into the stream', async (variant, frame) => {
      mock.script({ kind: 'garbage-sse', variant });
      const res = await post('/v1/chat/completions', chatBody({ stream: true }));
      expect(res.text).toContain(frame);
      expect(res.text.endsWith('data: [DONE]\n\n')).toBe(true);
    });

    it('garbage-sse non-json on Ollama puts a non-JSON line into the NDJSON stream', async () => {
      mock.script({ kind: 'garbage-sse', variant: 'non-json' });
      const lines = parseNdjsonText((await post('/api/chat', { model: 'm', messages: [] })).text);
      expect(lines[1]).toBe('this is not json');
    });

    it('huge-line sends one data line of exactly the given size with no newline', async () => {
      const bytes = 3 * 1024 * 1024 + 5;
      mock.script({ kind: 'huge-line', bytes });
      const res = await post('/v1/chat/completions', chatBody({ stream: true }));
      expect(Buffer.byteLength(res.text)).toBe(bytes);
      expect(res.text.startsWith('data: ')).toBe(true);
      expect(res.text).not.toContain('\n');
    });

    it('huge-body sends a valid JSON body of exactly the given size with a matching content-length', async () => {
      const bytes = 5 * 1024 * 1024;
      mock.script({ kind: 'huge-body', bytes });
      const res = await post('/v1/chat/completions', chatBody());
      expect(res.headers['content-length']).toBe(String(bytes));
      expect(Buffer.byteLength(res.text)).toBe(bytes);
      expect(JSON.parse(res.text)).toMatchObject({ object: 'chat.completion', model: 'gpt-4o' });
    });

    it('huge-body survives the client leaving mid-body', async () => {
      mock.script({ kind: 'huge-body', bytes: 50 * 1024 * 1024 });
      const text = await readUntil('/v1/chat/completions', chatBody(), (t) => t.length > 256 * 1024);
      expect(text.length).toBeGreaterThan(256 * 1024);
      await mock.waitForClientClose(0);
      expect(mock.requests[0]?.aborted).toBe(true);
      expect((await post('/v1/chat/completions', chatBody())).status).toBe(200);
    });

    it('in-band-error sends a couple of chunks then a vLLM-style error event and [DONE]', async () => {
      mock.script({ kind: 'in-band-error' });
      const events = parseSseText((await post('/v1/chat/completions', chatBody({ stream: true }))).text);
      expect(events).toHaveLength(4);
      expect(events[2]).toEqual({ error: { message: IN_BAND_ERROR_MESSAGE, type: 'server_error', param: null, code: null } });
      expect(events[3]).toBe('[DONE]');
    });

    it('in-band-error on Ollama ends the NDJSON stream with an {"error"} line', async () => {
      mock.script({ kind: 'in-band-error', message: 'model crashed' });
      const lines = parseNdjsonText((await post('/api/chat', { model: 'm', messages: [] })).text);
      expect(lines).toHaveLength(3);
      expect(lines[2]).toEqual({ error: 'model crashed' });
    });

    it('slow-chunks delivers the full answer in the given chunks', async () => {
      mock.script({ kind: 'slow-chunks', delayMs: 1, chunks: 5 });
      const events = parseSseText((await post('/v1/chat/completions', chatBody({ stream: true }))).text);
      expect(contentOf(events)).toBe('tok0 tok1 tok2 tok3 tok4 ');
      expect(events.at(-1)).toBe('[DONE]');
    });

    it('slow-chunks stops writing when the client leaves', async () => {
      mock.script({ kind: 'slow-chunks', delayMs: 1, chunks: 10_000 });
      await readUntil('/v1/chat/completions', chatBody({ stream: true }), (t) => parseSseText(t).length >= 3);
      await mock.waitForClientClose(0);
      expect(mock.requests[0]?.aborted).toBe(true);
    });

    it('delayed answers with its behaviour after the delay', async () => {
      mock.script({ kind: 'delayed', delayMs: 150, then: { kind: 'ok' } });
      const started = performance.now();
      const answer = await post('/v1/chat/completions', chatBody());
      expect(performance.now() - started).toBeGreaterThanOrEqual(140);
      expect(JSON.parse(answer.text)).toMatchObject({ object: 'chat.completion' });
    });

    it('raw hands the request and body to the handler', async () => {
      mock.script({
        kind: 'raw',
        handler: (_req, res, body) => {
          res.writeHead(200, { 'content-type': 'text/plain' });
          res.end(`echo:${body}`);
        },
      });
      expect((await post('/anything', { a: 1 })).text).toBe('echo:{"a":1}');
    });
  });

  describe('lifecycle', () => {
    it('close destroys sockets that are still waiting for an answer', async () => {
      mock.setDefault({ kind: 'hang-before-headers' });
      const pending = request(`${mock.url}/v1/chat/completions`, { method: 'POST', body: '{}' });
      await mock.waitForRequests(1);
      expect(mock.openSockets()).toBe(1);
      await mock.close();
      await expect(pending).rejects.toThrow();
      expect(mock.openSockets()).toBe(0);
      expect(mock.requests[0]?.aborted).toBe(false);
    });

    it('listens on 127.0.0.1 only', () => {
      expect(mock.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(mock.origin).toBe(mock.url);
    });
  });
});
