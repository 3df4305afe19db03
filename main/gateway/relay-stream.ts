// Relays one upstream stream to the client as OpenAI SSE, chunk by chunk: decode frames, let
// the adapter translate, write what one upstream read produced in one write, and wait for
// 'drain' so a slow reader pauses the upstream (S25) instead of growing memory. Errors after
// the headers become an SSE error event followed by [DONE] (PR #39748 dropped both). While no
// content has come, an encoder that has keep-alive events gets one written on every tick.
import type { FastifyReply } from 'fastify';
import type { OutgoingHttpHeaders } from 'node:http';
import { GatewayError } from '../core/gateway-error.js';
import { onAbort, type CancelSignal } from '../core/request-abort.js';
import { createStreamDecoder, type StreamCaps } from '../providers/stream-decoder.js';
import { toGatewayError, type UpstreamResponse } from '../providers/upstream-client.js';
import type { AdapterTarget, AnswerReader, EndpointKind, StreamEvent, StreamOutput, TokenUsage } from '../providers/provider-adapter.js';
import type { TextCapture } from '../metering/body-capture.js';
import { visitGeneratedText } from '../providers/openai-format/visit-generated-text.js';

export interface RelayStreamInput {
  reply: FastifyReply;
  headers: Record<string, string>;
  /** Reads the upstream's stream: the deployment's adapter, or a native format's own reader. */
  reader: AnswerReader;
  endpoint: EndpointKind;
  target: AdapterTarget;
  requestId: string;
  body: UpstreamResponse['body'];
  /** Renders the client's wire format (OpenAI SSE by default, Anthropic events for /v1/messages). */
  encoder: ClientStreamEncoder;
  signal: CancelSignal;
  onFirstContent(): void;
  /** Set only when body logging is on: receives the generated text of every chunk relayed. */
  capture?: TextCapture | undefined;
  /** Event and stream size caps (DEFAULT_STREAM_CAPS when absent); a hit ends the stream with an error event. */
  caps?: StreamCaps | undefined;
  /** Ticks while no content has come, for encoders with keep-alive events; none when absent. */
  keepAlive?: KeepAliveTimer | undefined;
}

/**
 * Calls `tick` repeatedly until the returned function is called. Injected so tests tick by hand
 * (no test waits on the wall clock); intervalKeepAlive is the real one.
 */
export type KeepAliveTimer = (tick: () => void) => () => void;

export interface RelayStreamResult {
  usage: TokenUsage | undefined;
  outputChars: number;
  /** Set when the stream ended in an error (already reported to the client if it is there). */
  error: GatewayError | undefined;
}

const DONE_FRAME = 'data: [DONE]\n\n';

/** Turns canonical OpenAI chunks into what the client reads. */
export interface ClientStreamEncoder {
  /** The stream's Content-Type; SSE's when absent (Ollama's NDJSON sets its own). */
  contentType?: string;
  /** Written right after the response head (e.g. Anthropic's message_start). */
  start(): string;
  /**
   * Optional: what to write for one upstream event as it arrives, before it is translated. A
   * native pass-through encoder returns the event itself (and renders nothing in push);
   * translating encoders leave it out.
   */
  event?(event: StreamEvent): string;
  push(output: Extract<StreamOutput, { type: 'chunk' | 'usage' }>): string;
  /** The upstream finished normally. */
  finish(): string;
  /** Terminal frames after a mid-stream failure. */
  error(error: GatewayError): string;
  /**
   * Optional: an event that tells the client the stream is alive while the upstream has sent
   * no content yet (a long local prefill), for clients whose idle timer ignores SSE comments.
   */
  keepAlive?(): string;
}

/** OpenAI SSE: chunks as `data:` frames (the usage-only chunk only if asked for), then [DONE]. */
export function createOpenAISseEncoder(includeUsage: boolean): ClientStreamEncoder {
  return {
    start: () => '',
    push(output) {
      if (output.type !== 'chunk' || (output.usageOnly && !includeUsage)) return '';
      return `data: ${output.raw ?? JSON.stringify(output.chunk)}\n\n`;
    },
    finish: () => DONE_FRAME,
    error: (error) => `data: ${JSON.stringify(error.toBody())}\n\n${DONE_FRAME}`,
  };
}

export async function relayStream(input: RelayStreamInput): Promise<RelayStreamResult> {
  const { reply, reader, endpoint, target, requestId, body, encoder, signal, capture } = input;
  const res = reply.raw;
  // Hijacked, the head goes straight to the socket: carry over what hooks set on the reply
  // (request id, the allowed origin's CORS headers) or a browser app could not read its stream.
  const hookHeaders: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) hookHeaders[name] = value;
  reply.hijack();
  res.writeHead(200, {
    ...hookHeaders,
    'content-type': encoder.contentType ?? 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    'x-accel-buffering': 'no',
    ...input.headers,
  });
  // The upstream has answered, so the client should know its stream is open (and may give up on
  // it) even while the first token is slow to come: the head goes out on its own right after this
  // turn of the event loop. When the first read is already here (a fast upstream) the head goes
  // out with the frames of that read instead, in one socket write rather than two (issue 18 item 6).
  let headFlush: NodeJS.Immediate | undefined = setImmediate(() => {
    headFlush = undefined;
    if (!res.writableEnded && !res.destroyed) res.flushHeaders();
  });
  const decoder = createStreamDecoder(reader.streamFraming, input.caps);
  const translator = reader.createStreamTranslator(endpoint, target, requestId);
  let usage: TokenUsage | undefined;
  let outputChars = 0;
  let firstContent = false;
  let sawDone = false;

  // One walk per chunk both counts the relayed text and, with body logging on, captures it.
  let chunkChars = 0;
  const onText = capture
    ? (text: string) => {
        chunkChars += text.length;
        capture.append(text);
      }
    : (text: string) => {
        chunkChars += text.length;
      };

  const render = (outputs: StreamOutput[]): string => {
    let text = '';
    for (const output of outputs) {
      if (output.type === 'usage') {
        usage = output.usage;
        text += encoder.push(output);
      } else if (output.type === 'done') sawDone = true;
      else {
        chunkChars = 0;
        visitGeneratedText(output.chunk, onText);
        const chars = chunkChars;
        if (chars > 0) {
          outputChars += chars;
          if (!firstContent) {
            firstContent = true;
            stopKeepAlive();
            input.onFirstContent();
          }
        }
        text += encoder.push(output);
      }
    }
    return text;
  };

  // Frames rendered from the current upstream read but not yet written. When a later event in
  // the same read fails, these still go out ahead of the error event: the client must see every
  // chunk the upstream produced before it broke (and outputChars already counts them).
  const head = encoder.start();
  if (head) {
    clearImmediate(headFlush);
    headFlush = undefined;
    res.write(head);
  }
  // A tick runs between two upstream reads, never inside one: what a read rendered is written
  // before the next await, so a keep-alive event never lands in the middle of other frames.
  const keepAlive = encoder.keepAlive;
  const stopKeepAlive = keepAlive && input.keepAlive
    ? input.keepAlive(() => {
        if (!res.writableEnded && !res.destroyed) res.write(keepAlive.call(encoder));
      })
    : noKeepAlive;
  let pending = '';
  let mustDrain = false;
  // The response was ended in the turn its last read arrived.
  let ended = false;
  try {
    for await (const buffer of body as AsyncIterable<Buffer>) {
      // Bytes after [DONE]: stop reading them (leaving the loop destroys the body).
      if (sawDone) break;
      for (const event of decoder.push(buffer)) {
        if (sawDone) break;
        if (encoder.event) pending += encoder.event(event);
        pending += render(translator.push(event));
      }
      // What this read rendered carries the head, if it has not gone out on its own yet.
      if (pending && headFlush !== undefined) {
        clearImmediate(headFlush);
        headFlush = undefined;
      }
      // Node corks a response's writes until the end of the turn, so everything written in this
      // turn leaves in one socket write. When this read ended the upstream's answer ([DONE] and
      // the body's end, as a fast upstream sends a whole short answer), the response ends in the
      // same turn: its last frames and end go in that write, not in one of their own on the next
      // turn (one write per such stream instead of two). The next turn ends the loop at once.
      if (sawDone && endedAlready(body)) {
        ended = true;
        res.end(pending + encoder.finish());
        pending = '';
        continue;
      }
      if (pending) {
        const text = pending;
        pending = '';
        // A full buffer is waited for once this read's frames are written (S25).
        if (!res.write(text)) mustDrain = true;
      }
      if (mustDrain) {
        mustDrain = false;
        await drained(res, signal);
      }
      // Leaving the loop early destroys the body: Node builds an AbortError and undici a
      // RequestAbortedError, stacks and all (~3 % of a streaming gateway's CPU), and the upstream
      // connection may go with them. That is only for an upstream that keeps its body open after
      // [DONE]; one whose end came with it was ended above.
      if (sawDone) break;
    }
    if (ended) return { usage, outputChars, error: undefined };
    if (!sawDone) {
      for (const event of decoder.end()) {
        if (sawDone) break;
        if (encoder.event) pending += encoder.event(event);
        pending += render(translator.push(event));
      }
      pending += render(translator.end());
      if (pending) res.write(pending);
      pending = '';
    }
    // Stop reading whatever follows [DONE]; the connection is not reused mid-body.
    if (!body.destroyed) body.destroy();
    res.end(pending + encoder.finish());
    return { usage, outputChars, error: undefined };
  } catch (error) {
    const gatewayError = toGatewayError(error, target.deployment, signal, 'body');
    if (!body.destroyed) body.destroy();
    if (!res.destroyed && !res.writableEnded) {
      res.end(pending + encoder.error(gatewayError));
    }
    return { usage, outputChars, error: gatewayError };
  } finally {
    if (headFlush !== undefined) clearImmediate(headFlush);
    stopKeepAlive();
  }
}

const noKeepAlive = (): void => undefined;

/**
 * The upstream body has received its end and holds nothing unread: iterating on finishes at once.
 * Reads Node's readable state (no public flag says "ended but 'end' not yet emitted"); anything
 * else answers false, which only costs the early exit above.
 */
function endedAlready(body: UpstreamResponse['body']): boolean {
  const state = (body as unknown as { _readableState?: { ended?: unknown; length?: unknown } })._readableState;
  return state !== undefined && state.ended === true && state.length === 0;
}

function drained(res: NodeJS.WritableStream & { destroyed: boolean }, signal: CancelSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const done = () => {
      res.removeListener('drain', done);
      stopListening();
      resolve();
    };
    const aborted = () => {
      res.removeListener('drain', done);
      reject(signal.reason);
    };
    const stopListening = onAbort(signal, aborted);
    res.once('drain', done);
  });
}
