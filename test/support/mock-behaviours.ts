// The scripted behaviours of the mock upstream and how each one writes (or refuses to write)
// a response: correct answers, hangs, stalls, resets, truncation, split UTF-8, garbage, huge
// payloads. Every write tolerates a client that is already gone: it never throws, never crashes.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { resolveAnswer, type OkBehaviour } from './mock-answer.js';
import { openAIError } from './mock-openai-wire.js';
import { ollamaError } from './mock-ollama-wire.js';
import {
  CONTENT_TYPES,
  encodeFrame,
  planAnswer,
  planText,
  protocolOf,
  type FrameStyle,
  type PlanContext,
  type WirePlan,
} from './mock-wire-plan.js';

/** Overrides of the answer a fault behaviour cuts short (same fields as 'ok'). */
export type AnswerOverrides = Omit<OkBehaviour, 'kind'>;

export type GarbageVariant = 'non-json' | 'truncated-json' | 'no-data-prefix-space' | 'crlf' | 'comments';

export type Behaviour =
  | OkBehaviour
  /** Accept the request, never answer. */
  | { kind: 'hang-before-headers' }
  /** Headers and the first n frames of the answer, then silence with the socket open. */
  | { kind: 'stall-after-n-chunks'; n: number; answer?: AnswerOverrides }
  /** The first n frames, then a TCP RST. */
  | { kind: 'reset-after-n-chunks'; n: number; answer?: AnswerOverrides }
  /** The first n frames, then a clean end: no finish chunk, no usage, no [DONE] / done:true. */
  | { kind: 'truncate-after-n-chunks'; n: number; answer?: AnswerOverrides }
  /** Streams '你好🌍' with multibyte characters and a line split across separate TCP writes. */
  | { kind: 'split-utf8' }
  | { kind: 'redirect-to'; url: string; status?: 301 | 302 | 307 | 308 }
  /** Any status; without a body, the protocol's own error envelope. */
  | { kind: 'status'; status: number; body?: string | object; retryAfter?: number; contentType?: string }
  /** non-json / truncated-json are garbage; the other three are valid SSE that must decode normally. */
  | { kind: 'garbage-sse'; variant: GarbageVariant; answer?: AnswerOverrides }
  /** One data line of exactly `bytes` bytes with no newline, then the response ends. */
  | { kind: 'huge-line'; bytes: number }
  /** A valid non-stream JSON body of exactly `bytes` bytes (at least the envelope), written in pieces. */
  | { kind: 'huge-body'; bytes: number }
  /** A couple of frames, then an error object inside the stream (vLLM / Ollama style). */
  | { kind: 'in-band-error'; message?: string; answer?: AnswerOverrides }
  /** A correct answer whose frames are spaced delayMs apart (the only behaviour using timers). */
  | { kind: 'slow-chunks'; delayMs: number; chunks: number | string[]; answer?: AnswerOverrides }
  | { kind: 'raw'; handler: (req: IncomingMessage, res: ServerResponse, body: string) => void }
  /** `then`, delayMs after the request arrived (a model that takes a moment to answer, as real ones do). */
  | { kind: 'delayed'; delayMs: number; then: Behaviour }
  /** Whichever behaviour `choose` picks for this request (e.g. an answer quoting the tool output it carries). */
  | { kind: 'per-request'; choose: (request: { method: string; path: string; headers: IncomingMessage['headers']; json: unknown }) => Behaviour };

export const SPLIT_UTF8_CONTENT = '你好🌍';
export const IN_BAND_ERROR_MESSAGE = 'The model crashed while generating (mock in-band error).';

export interface BehaviourContext {
  req: IncomingMessage;
  res: ServerResponse;
  body: string;
  json: unknown;
  plan: PlanContext;
  /** Marks a socket as closed by the mock itself, so the request is not recorded as client-aborted. */
  destroyByMock(socket: Socket, reset: boolean): void;
}

const PIECE = 64 * 1024;
const FILLER = 'a'.repeat(PIECE);

export async function performBehaviour(b: Behaviour, ctx: BehaviourContext): Promise<void> {
  const { req, res } = ctx;
  const method = req.method ?? 'GET';
  const path = req.url ?? '/';
  const protocol = protocolOf(new URL(path, 'http://mock').pathname);
  const plan = (answer?: AnswerOverrides): WirePlan => planAnswer(method, path, ctx.json, { kind: 'ok', ...answer }, ctx.plan);
  switch (b.kind) {
    case 'ok': {
      const p = planAnswer(method, path, ctx.json, b, ctx.plan);
      if (p.framing === 'json') return endWith(res, p.status, headersFor(p, ctx), planText(p));
      startStream(res, p, ctx);
      if (await writeAll(res, frames(p, [...p.payloads, ...p.terminal]))) res.end();
      return;
    }
    case 'hang-before-headers':
      return;
    case 'stall-after-n-chunks': {
      const p = plan(b.answer);
      startStream(res, p, ctx);
      await writeAll(res, frames(p, p.payloads.slice(0, b.n)));
      return;
    }
    case 'reset-after-n-chunks': {
      const p = plan(b.answer);
      startStream(res, p, ctx);
      if (!(await writeAll(res, frames(p, p.payloads.slice(0, b.n))))) return;
      // Let the frames reach the client before the RST, or the kernel may discard them.
      await flushed(res);
      await peerTurn();
      if (res.socket) ctx.destroyByMock(res.socket, true);
      return;
    }
    case 'truncate-after-n-chunks': {
      const p = plan(b.answer);
      startStream(res, p, ctx);
      if (await writeAll(res, frames(p, p.payloads.slice(0, b.n)))) res.end();
      return;
    }
    case 'split-utf8':
      return splitUtf8(ctx, plan({ chunks: ['你', '好🌍'] }));
    case 'redirect-to':
      res.writeHead(b.status ?? 302, { location: b.url, 'content-length': '0' });
      res.end();
      return;
    case 'status':
      return statusResponse(b, protocol, ctx);
    case 'garbage-sse':
      return garbage(b.variant, plan(b.answer), ctx);
    case 'huge-line':
      return hugeLine(b.bytes, protocol, ctx);
    case 'huge-body':
      return hugeBody(b.bytes, protocol, ctx);
    case 'in-band-error':
      return inBandError(b.message ?? IN_BAND_ERROR_MESSAGE, plan(b.answer), ctx);
    case 'slow-chunks': {
      const chunks = typeof b.chunks === 'number' ? Array.from({ length: b.chunks }, (_, i) => `tok${i} `) : b.chunks;
      return slowChunks(b.delayMs, plan({ ...b.answer, chunks }), ctx);
    }
    case 'raw':
      b.handler(req, res, ctx.body);
      return;
    case 'delayed':
      if (await delay(res, b.delayMs)) await performBehaviour(b.then, ctx);
      return;
    case 'per-request':
      return performBehaviour(b.choose({ method, path, headers: req.headers, json: ctx.json }), ctx);
  }
}

function headersFor(p: WirePlan, ctx: BehaviourContext): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': p.contentType };
  if (p.protocol === 'openai') headers['x-request-id'] = `req_mock_${ctx.plan.index}`;
  if (p.framing === 'sse') headers['cache-control'] = 'no-cache';
  return headers;
}

function frames(p: WirePlan, payloads: string[], style: FrameStyle = 'standard'): string[] {
  return payloads.map((payload) => encodeFrame(p.framing, payload, style));
}

/** Status and headers now, body later in chunked encoding (no content-length), so it can be cut. */
function startStream(res: ServerResponse, p: WirePlan, ctx: BehaviourContext): void {
  if (res.destroyed) return;
  res.writeHead(p.status, headersFor(p, ctx));
  res.flushHeaders();
}

function endWith(res: ServerResponse, status: number, headers: Record<string, string>, text: string): void {
  if (res.destroyed) return;
  res.writeHead(status, { ...headers, 'content-length': String(Buffer.byteLength(text)) });
  res.end(text);
}

/** Writes pieces honouring backpressure; false as soon as the client is gone. */
async function writeAll(res: ServerResponse, pieces: Iterable<string>): Promise<boolean> {
  for (const piece of pieces) {
    if (res.destroyed) return false;
    if (!res.write(piece) && !(await drainOrClose(res))) return false;
  }
  return !res.destroyed;
}

function drainOrClose(res: ServerResponse): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (ok: boolean) => () => {
      res.off('drain', onDrain);
      res.off('close', onClose);
      resolve(ok);
    };
    const onDrain = done(true);
    const onClose = done(false);
    res.once('drain', onDrain);
    res.once('close', onClose);
  });
}

/** Resolves once everything written so far has been handed to the kernel (or the client left). */
function flushed(res: ServerResponse, piece: string | Buffer = ''): Promise<void> {
  return new Promise((resolve) => {
    if (res.destroyed) return resolve();
    const finish = () => {
      res.off('close', finish);
      resolve();
    };
    res.once('close', finish);
    res.write(piece, finish);
  });
}

/**
 * Two check phases apart means a poll phase in between: an in-process client reads what the
 * kernel already holds before the next write, so separate writes arrive as separate reads.
 */
function peerTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
}

async function splitUtf8(ctx: BehaviourContext, p: WirePlan): Promise<void> {
  const { res } = ctx;
  const bytes = Buffer.from(planText(p), 'utf8');
  const cuts = new Set<number>();
  const at = (needle: string | Buffer, offset: number) => {
    const i = bytes.indexOf(needle);
    if (i >= 0) cuts.add(i + offset);
  };
  at(Buffer.from('你'), 1); // E4 | BD A0
  at(Buffer.from('🌍'), 2); // F0 9F | 8C 8D
  at('\n\n', 1); // between the two newlines that end the first SSE event
  at('[DONE]', 3); // "data: [DO" | "NE]"
  at('"done":true', 9); // an NDJSON line cut mid-way: '"done":tr' | 'ue'
  const points = [0, ...[...cuts].sort((a, b) => a - b), bytes.length];
  const headers = headersFor(p, ctx);
  if (p.framing === 'json') headers['content-length'] = String(bytes.length);
  if (res.destroyed) return;
  res.writeHead(p.status, headers);
  res.flushHeaders();
  res.socket?.setNoDelay(true);
  for (let i = 0; i + 1 < points.length; i++) {
    if (res.destroyed) return;
    await flushed(res, bytes.subarray(points[i], points[i + 1]));
    await peerTurn();
  }
  if (!res.destroyed) res.end();
}

function statusResponse(b: Extract<Behaviour, { kind: 'status' }>, protocol: 'openai' | 'ollama', ctx: BehaviourContext): void {
  const fallback = protocol === 'openai' ? openAIError(b.status) : ollamaError(`mock upstream error (HTTP ${b.status})`);
  const body = b.body ?? fallback;
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const jsonType = protocol === 'openai' ? CONTENT_TYPES.openaiJson : CONTENT_TYPES.ollamaJson;
  const headers: Record<string, string> = {
    'content-type': b.contentType ?? (typeof body === 'string' ? CONTENT_TYPES.text : jsonType),
  };
  if (b.retryAfter !== undefined) headers['retry-after'] = String(b.retryAfter);
  if (protocol === 'openai') headers['x-request-id'] = `req_mock_${ctx.plan.index}`;
  endWith(ctx.res, b.status, headers, text);
}

async function garbage(variant: GarbageVariant, p: WirePlan, ctx: BehaviourContext): Promise<void> {
  const { res } = ctx;
  if (p.framing === 'json') {
    // A non-stream request: garbage is the whole body; the valid SSE variants change nothing.
    if (variant === 'non-json') return endWith(res, p.status, headersFor(p, ctx), 'this is not json');
    if (variant === 'truncated-json') {
      startStream(res, p, ctx);
      if (await writeAll(res, p.payloads)) res.end();
      return;
    }
    return endWith(res, p.status, headersFor(p, ctx), planText(p));
  }
  if (p.framing === 'ndjson' && (variant === 'no-data-prefix-space' || variant === 'comments')) {
    // No NDJSON spelling exists; fail loudly rather than let a test pass on a normal answer.
    return endWith(res, 501, { 'content-type': CONTENT_TYPES.text }, `mock-upstream: garbage-sse ${variant} has no NDJSON form`);
  }
  const payloads = [...p.payloads, ...p.terminal];
  if (variant === 'non-json' || variant === 'truncated-json') {
    const junk =
      variant === 'non-json'
        ? 'this is not json'
        : p.framing === 'sse'
          ? '{"id":"chatcmpl-mock","object":"chat.compl'
          : '{"model":"mock-model","message":{"role":"assis';
    payloads.splice(1, 0, junk);
  }
  const style: FrameStyle = variant === 'non-json' || variant === 'truncated-json' ? 'standard' : variant;
  startStream(res, p, ctx);
  if (await writeAll(res, frames(p, payloads, style))) res.end();
}

async function hugeLine(bytes: number, protocol: 'openai' | 'ollama', ctx: BehaviourContext): Promise<void> {
  const { res } = ctx;
  const prefix = protocol === 'openai' ? 'data: {"choices":[{"delta":{"content":"' : '{"message":{"content":"';
  const head = prefix.slice(0, Math.min(prefix.length, bytes));
  if (res.destroyed) return;
  res.writeHead(200, { 'content-type': protocol === 'openai' ? CONTENT_TYPES.sse : CONTENT_TYPES.ndjson });
  if (await writeAll(res, [head, ...filler(bytes - head.length)])) res.end();
}

async function hugeBody(bytes: number, protocol: 'openai' | 'ollama', ctx: BehaviourContext): Promise<void> {
  const { res } = ctx;
  const model = JSON.stringify(resolveAnswer({ kind: 'ok' }, ctx.json).model);
  const created = Math.floor(ctx.plan.nowMs / 1000);
  const [prefix, suffix] =
    protocol === 'openai'
      ? [
          `{"id":"chatcmpl-mock-${ctx.plan.index}","object":"chat.completion","created":${created},"model":${model},"choices":[{"index":0,"message":{"role":"assistant","content":"`,
          '","refusal":null},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":10,"completion_tokens":1,"total_tokens":11}}',
        ]
      : [
          `{"model":${model},"created_at":"${new Date(ctx.plan.nowMs).toISOString()}","message":{"role":"assistant","content":"`,
          '"},"done_reason":"stop","done":true}',
        ];
  const envelope = Buffer.byteLength(prefix) + Buffer.byteLength(suffix);
  const fill = Math.max(0, bytes - envelope);
  const contentType = protocol === 'openai' ? CONTENT_TYPES.openaiJson : CONTENT_TYPES.ollamaJson;
  if (res.destroyed) return;
  res.writeHead(200, { 'content-type': contentType, 'content-length': String(envelope + fill) });
  if (await writeAll(res, [prefix, ...filler(fill), suffix])) res.end();
}

/** `n` bytes of 'a' in 64 KiB pieces, generated lazily so a 200 MB body never exists in memory. */
function* filler(n: number): Generator<string> {
  for (let left = n; left > 0; left -= PIECE) yield left >= PIECE ? FILLER : FILLER.slice(0, left);
}

async function inBandError(message: string, p: WirePlan, ctx: BehaviourContext): Promise<void> {
  const { res } = ctx;
  if (p.framing === 'json') {
    // A 200 whose body is an error envelope, as some OpenAI-compatible servers do.
    const body = p.protocol === 'openai' ? inBandOpenAIError(message) : ollamaError(message);
    return endWith(res, 200, headersFor(p, ctx), JSON.stringify(body));
  }
  const payloads = p.payloads.slice(0, 2);
  if (p.framing === 'sse') payloads.push(JSON.stringify(inBandOpenAIError(message)), '[DONE]');
  else payloads.push(JSON.stringify(ollamaError(message)));
  startStream(res, p, ctx);
  if (await writeAll(res, frames(p, payloads))) res.end();
}

function inBandOpenAIError(message: string): Record<string, unknown> {
  return { error: { message, type: 'server_error', param: null, code: null } };
}

async function slowChunks(delayMs: number, p: WirePlan, ctx: BehaviourContext): Promise<void> {
  const { res } = ctx;
  if (p.framing === 'json') return endWith(res, p.status, headersFor(p, ctx), planText(p));
  startStream(res, p, ctx);
  const all = frames(p, [...p.payloads, ...p.terminal]);
  for (let i = 0; i < all.length; i++) {
    if (i > 0 && !(await delay(res, delayMs))) return;
    if (!(await writeAll(res, [all[i] as string]))) return;
  }
  res.end();
}

/** Waits delayMs unless the client leaves first; the timer never outlives the response. */
function delay(res: ServerResponse, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (res.destroyed) return resolve(false);
    const onClose = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      res.off('close', onClose);
      resolve(true);
    }, ms);
    res.once('close', onClose);
  });
}
