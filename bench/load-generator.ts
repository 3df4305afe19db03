// Closed-loop HTTP load over one undici keep-alive Pool (never the global fetch), or a BalancedPool
// when the target is several replicas: `concurrency` workers each send the next request as soon
// as their previous answer has been read in full.
// Records per-request latency (send -> last byte) and time to first body byte. Bounded by a
// request count and a deadline; never retries, counts a non-2xx or a failure as an error.
import { BalancedPool, Pool, type Dispatcher } from 'undici';

export interface LoadRequest {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface LoadOptions {
  pool: Dispatcher;
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

/**
 * Keep-alive connections to one origin, or spread over several (replicas of one service): a
 * BalancedPool of one Pool per origin, its weighted round robin alternating while no upstream
 * fails, each Pool holding concurrency / origins connections so that the total matches the
 * single-origin pool (at least one each: at c=1 two replicas hold one connection each, only one
 * of them busy at a time).
 */
export function createLoadPool(origins: string | readonly string[], concurrency: number): Dispatcher {
  const list = typeof origins === 'string' ? [origins] : origins;
  if (list.length === 0) throw new Error('createLoadPool needs at least one origin');
  const options = { pipelining: 1, keepAliveTimeout: 30_000, keepAliveMaxTimeout: 30_000 };
  if (list.length === 1) return new Pool(list[0]!, { ...options, connections: concurrency });
  return new BalancedPool([...list], { ...options, connections: Math.max(1, Math.ceil(concurrency / list.length)) });
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
