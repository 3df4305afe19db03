// The churn phase: many slow streams at once through one virtual key, a share of whose clients
// hang up at a random moment mid-stream (a real socket close, as a closed IDE tab does). Records
// every request id the gateway answered with, how each stream ended, and the gateway's memory
// over the run. Sends to the gateway on 127.0.0.1 only.
import { readdirSync, readlinkSync } from 'node:fs';
import { Pool } from 'undici';
import { readProcessMemory } from '../read-process-memory.js';
import { soakBody } from './soak-gateway.js';

export interface ChurnOptions {
  origin: string;
  key: string;
  streams: number;
  concurrency: number;
  /** Share of streams whose client disconnects mid-stream (0..1). */
  disconnectShare: number;
  /** Longest time a client waits after the response head before disconnecting, ms. */
  disconnectWithinMs: number;
  /** Gateway process to sample (RSS). */
  pid: number;
  random: () => number;
}

export interface ChurnResult {
  sent: number;
  /** 200 response heads. */
  admitted: number;
  /** Streams read to `data: [DONE]`. */
  completed: number;
  /** Streams the client hung up on. */
  disconnected: number;
  /** Non-200 answers, by status. */
  refused: Record<number, number>;
  /** Anything else: a stream that ended without [DONE], a connection error. */
  failures: string[];
  /** Every x-request-id the gateway answered with. */
  requestIds: Set<string>;
  /** RSS samples in bytes, one every sampleMs. */
  rssSamples: number[];
  elapsedMs: number;
}

const SAMPLE_MS = 250;

export async function runStreamChurn(options: ChurnOptions): Promise<ChurnResult> {
  const pool = new Pool(options.origin, { connections: options.concurrency, pipelining: 1, keepAliveTimeout: 10_000 });
  const result: ChurnResult = {
    sent: 0, admitted: 0, completed: 0, disconnected: 0, refused: {}, failures: [], requestIds: new Set(), rssSamples: [], elapsedMs: 0,
  };
  const sampler = setInterval(() => {
    const memory = readProcessMemory(options.pid);
    if (memory) result.rssSamples.push(memory.rssBytes);
  }, SAMPLE_MS);
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < options.streams) {
      next++;
      const hangUp = options.random() < options.disconnectShare ? options.random() * options.disconnectWithinMs : undefined;
      await oneStream(pool, options.key, hangUp, result);
    }
  };
  try {
    await Promise.all(Array.from({ length: options.concurrency }, worker));
  } finally {
    clearInterval(sampler);
    result.elapsedMs = performance.now() - started;
    await pool.close();
  }
  return result;
}

async function oneStream(pool: Pool, key: string, hangUpAfterMs: number | undefined, result: ChurnResult): Promise<void> {
  result.sent++;
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  try {
    const response = await pool.request({
      method: 'POST', path: '/v1/chat/completions', signal: controller.signal, body: soakBody(true),
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    });
    const id = response.headers['x-request-id'];
    if (typeof id === 'string') result.requestIds.add(id);
    else result.failures.push(`HTTP ${response.statusCode} without x-request-id`);
    if (response.statusCode !== 200) {
      result.refused[response.statusCode] = (result.refused[response.statusCode] ?? 0) + 1;
      await response.body.dump();
      return;
    }
    result.admitted++;
    if (hangUpAfterMs !== undefined) timer = setTimeout(() => controller.abort(), hangUpAfterMs);
    let tail = '';
    for await (const chunk of response.body) tail = (tail + (chunk as Buffer).toString('utf8')).slice(-64);
    if (tail.endsWith('data: [DONE]\n\n')) result.completed++;
    else result.failures.push(`stream ${id} ended without [DONE]: …${JSON.stringify(tail.slice(-40))}`);
  } catch (error) {
    if (controller.signal.aborted) result.disconnected++;
    else result.failures.push(`request failed: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `count` streams at once, each read to its end: with a key whose max_parallel_requests is
 * `count`, any slot the churn leaked shows up here as a 429. Returns the statuses seen.
 */
export async function runParallelCheck(origin: string, key: string, count: number): Promise<Record<number, number>> {
  const pool = new Pool(origin, { connections: count, pipelining: 1 });
  const statuses: Record<number, number> = {};
  try {
    await Promise.all(Array.from({ length: count }, async () => {
      const response = await pool.request({
        method: 'POST', path: '/v1/chat/completions', body: soakBody(true),
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      });
      statuses[response.statusCode] = (statuses[response.statusCode] ?? 0) + 1;
      await response.body.dump({ limit: Number.MAX_SAFE_INTEGER });
    }));
  } finally {
    await pool.close();
  }
  return statuses;
}

/** Open sockets of a process (Linux /proc); undefined elsewhere. */
export function countSockets(pid: number): number | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    return readdirSync(`/proc/${pid}/fd`).filter((fd) => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith('socket:');
      } catch {
        return false; // closed between the listing and the read
      }
    }).length;
  } catch {
    return undefined;
  }
}
