// requestUpstream: one upstream call through a pool, like undici's request API, for the calls whose
// answer the gateway reads whole (every non-stream request). A 2xx answer that is not an HTML page
// is gathered into one Buffer as it arrives (`collected`), without the body stream, the async
// resource and the stream's events and listeners the request API gives every answer: in-process,
// against the bench's mock, 16.4 -> 13.5 µs of CPU per call (issue 18; docs/hot-path.md). Every
// other answer (an error status, a redirect, an HTML page) gets a body stream, as from the request
// API, so the error readers, the redirect check and the HTML refusal see what they always saw.
//
// Same promise as the request API: it resolves at the answer's head and rejects only for failures
// before it. A collected body's failure (the upstream gone mid-body, the cap, the caller's abort)
// rejects `collected` instead, so the caller maps it as a body failure, as before.
import { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import undiciErrors from 'undici/lib/core/errors.js';
import undiciUtil from 'undici/lib/core/util.js';
import type { CancelSignal } from '../core/request-abort.js';
import { isHtmlContentType } from './refuse-html-answer.js';

/** How much of a collected answer to take, and the error past it (the upstream is cut off). */
export interface BodyCap {
  limit: number;
  onOverflow: () => Error;
}

export interface UpstreamRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string | Uint8Array | null;
  signal: CancelSignal;
  headersTimeout: number;
  bodyTimeout: number;
  collect: BodyCap;
}

export type UpstreamHeaders = Record<string, string | string[] | undefined>;

/** An upstream's answer with its body as a stream (undici's request API gives every answer so). */
export interface UpstreamResponse {
  status: number;
  headers: UpstreamHeaders;
  body: Readable;
  collected?: undefined;
}

/** A 2xx answer that is not HTML, to a call made with a BodyCap: its bytes, whole, not a stream. */
export interface CollectedUpstreamResponse {
  status: number;
  headers: UpstreamHeaders;
  body?: undefined;
  /** Rejects with the upstream's failure mid-body, the cap's error or the abort's reason. Never unhandled. */
  collected: Promise<Buffer>;
}

export function requestUpstream(dispatcher: Dispatcher, request: UpstreamRequest): Promise<UpstreamResponse | CollectedUpstreamResponse> {
  return new Promise((resolve, reject) => {
    const handler = new UpstreamHandler(request, resolve, reject);
    try {
      dispatcher.dispatch(
        { method: request.method as Dispatcher.HttpMethod, path: request.path, headers: request.headers, body: request.body, headersTimeout: request.headersTimeout, bodyTimeout: request.bodyTimeout },
        handler,
      );
    } catch (error) {
      handler.onError(error as Error);
    }
  });
}

function noop(): void {}

class UpstreamHandler implements Dispatcher.DispatchHandler {
  private abort: ((reason: Error) => void) | null = null;
  private reason: Error | null = null;
  private removeAbortListener: (() => void) | null = null;
  /** Set once the answer's head was handed over. */
  private answered = false;
  private ended = false;
  private stream: Readable | null = null;
  private chunks: Buffer[] = [];
  private size = 0;
  private settle: { resolve: (bytes: Buffer) => void; reject: (error: Error) => void } | null = null;

  constructor(
    private readonly request: UpstreamRequest,
    private readonly resolve: (answer: UpstreamResponse | CollectedUpstreamResponse) => void,
    private readonly reject: (error: Error) => void,
  ) {
    const { signal } = request;
    if (signal.aborted) this.reason = abortReason(signal);
    else this.removeAbortListener = undiciUtil.addAbortListener(signal, () => this.onAbort());
  }

  private onAbort(): void {
    this.reason = abortReason(this.request.signal);
    // A stream aborts the call as it is destroyed (below); otherwise the call is aborted here and
    // its onError rejects whichever promise is still open.
    if (this.stream !== null) this.stream.destroy(this.reason);
    else this.abort?.(this.reason);
  }

  onConnect(abort: (reason?: Error) => void): void {
    if (this.reason !== null) {
      abort(this.reason);
      return;
    }
    this.abort = abort;
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], resume: () => void): boolean {
    // 1xx (100 Continue, 103 Early Hints): not the answer.
    if (statusCode < 200) return true;
    const headers = undiciUtil.parseHeaders(rawHeaders) as UpstreamHeaders;
    this.answered = true;
    if (statusCode < 300 && !isHtmlContentType(headers['content-type'])) {
      const collected = new Promise<Buffer>((resolve, reject) => {
        this.settle = { resolve, reject };
      });
      // Read by the caller; but a request that fails before it reads must not leave an unhandled rejection.
      collected.catch(noop);
      this.resolve({ status: statusCode, headers, collected });
      return true;
    }
    const abort = this.abort;
    const stream = new Readable({
      read: () => resume(),
      destroy: (error, callback) => {
        // Destroyed before the end (its reader stopped, the caller aborted): the call stops too.
        if (!this.ended) abort?.(error ?? new undiciErrors.RequestAbortedError());
        callback(error);
      },
    });
    // The abort listener lives as long as the body, as undici's request API keeps it.
    stream.once('close', () => this.release());
    this.stream = stream;
    this.resolve({ status: statusCode, headers, body: stream });
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.stream !== null) return this.stream.push(chunk);
    if (this.settle === null) return false;
    this.size += chunk.length;
    if (this.size > this.request.collect.limit) {
      const error = this.request.collect.onOverflow();
      this.settle.reject(error);
      this.settle = null;
      this.abort?.(error);
      return false;
    }
    this.chunks.push(chunk);
    return true;
  }

  onComplete(): void {
    this.ended = true;
    if (this.stream !== null) {
      this.stream.push(null);
      return;
    }
    this.release();
    const chunks = this.chunks;
    this.chunks = [];
    this.settle?.resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, this.size));
    this.settle = null;
  }

  onError(error: Error): void {
    if (!this.answered) {
      this.release();
      this.reject(error);
      return;
    }
    if (this.stream !== null) {
      const stream = this.stream;
      // As undici's request API: queued handlers first, then the body fails (its 'close' releases).
      queueMicrotask(() => stream.destroy(error));
      return;
    }
    this.release();
    this.chunks = [];
    this.settle?.reject(error);
    this.settle = null;
  }

  private release(): void {
    this.removeAbortListener?.();
    this.removeAbortListener = null;
  }
}

function abortReason(signal: CancelSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new undiciErrors.RequestAbortedError();
}
