// Closed-loop HTTP load over one undici keep-alive Pool (never the global fetch): `concurrency`
// workers each send the next request as soon as their previous answer has been read in full.
// Records per-request latency (send -> last byte) and time to first body byte. Bounded by a
// request count and a deadline; never retries, counts a non-2xx or a failure as an error.
import { Pool } from 'undici';

export interface LoadRequest {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface LoadOptions {
  pool: Pool;
  request: LoadRequest;
  concurrency: number;
  count: number;
  /** Stop issuing requests after this long, whatever the count (the bench must end). */
  deadlineMs: number;
  /** A numeric response header to sample (e.g. the gateway's self-reported overhead). */
  sampleHeader?: string;
}

export interface LoadResult {
  latenciesMs: number[];
  ttfbMs: number[];
  headerSamples: number[];
  completed: number;
  errors: number;
  firstError: string | undefined;
  elapsedMs: number;
  requestsPerSecond: number;
}

/** A run gives up after this many failures: something is broken, not slow. */
const MAX_ERRORS = 20;

export function createLoadPool(origin: string, concurrency: number): Pool {
  return new Pool(origin, { connections: concurrency, pipelining: 1, keepAliveTimeout: 30_000, keepAliveMaxTimeout: 30_000 });
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const { pool, request, concurrency, count, sampleHeader } = options;
  const latenciesMs: number[] = [];
  const ttfbMs: number[] = [];
  const headerSamples: number[] = [];
  let issued = 0;
  let completed = 0;
  let errors = 0;
  let firstError: string | undefined;
  const started = performance.now();
  const deadline = started + options.deadlineMs;
  let lastDone = started;

  async function worker(): Promise<void> {
    while (issued < count && errors < MAX_ERRORS && performance.now() < deadline) {
      issued++;
      const sent = performance.now();
      try {
        const response = await pool.request({ method: request.method, path: request.path, headers: request.headers, body: request.body ?? null });
        let firstByte = 0;
        let bytes = 0;
        for await (const part of response.body as AsyncIterable<Buffer>) {
          if (bytes === 0) firstByte = performance.now();
          bytes += part.length;
        }
        const done = performance.now();
        if (response.statusCode !== 200 || bytes === 0) throw new Error(`HTTP ${response.statusCode}, ${bytes} body bytes`);
        latenciesMs.push(done - sent);
        ttfbMs.push(firstByte - sent);
        if (sampleHeader) {
          const value = Number(response.headers[sampleHeader]);
          if (Number.isFinite(value)) headerSamples.push(value);
        }
        completed++;
        lastDone = done;
      } catch (error) {
        errors++;
        firstError ??= (error as Error).message;
      }
    }
  }

  await Promise.all(Array.from({ length: concurrency }, () => worker()));
  const elapsedMs = lastDone - started;
  return {
    latenciesMs, ttfbMs, headerSamples, completed, errors, firstError, elapsedMs,
    requestsPerSecond: elapsedMs > 0 ? (completed * 1000) / elapsedMs : 0,
  };
}
