// Client faults S24–S26 of the security checklist (section E), over real loopback sockets: the
// app disconnects at each stage of a request, reads slowly, or churns hundreds of streams, and
// the mock upstream proves the gateway hung up on it (socket closed, observed by event, never by
// sleeping), settled every request exactly once, and kept serving.
import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { buildOpenAIChunk, sseFrame, SSE_DONE_FRAME } from '../../support/mock-upstream.js';
import { chatBody, readClientSse, startFaultHarness, type FaultHarness, type FaultHarnessOptions } from '../../support/fault-harness.js';
import type { ClientExchange } from '../../support/send-to-gateway.js';
import { seededRandom } from '../../../bench/seeded-random.js';

const CHAT = '/v1/chat/completions';
const HELLO = 'Hello, world!';

let harness: FaultHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function start(options: FaultHarnessOptions = {}): Promise<FaultHarness> {
  harness = await startFaultHarness(options);
  return harness;
}

function chunkFrame(delta: Record<string, unknown>, finish: string | null = null): string {
  return sseFrame(buildOpenAIChunk({ id: 'chatcmpl-raw', created: 1_717_200_000 }, 'up-model', [{ index: 0, delta, logprobs: null, finish_reason: finish }]));
}

/** Resolves after `turns` consecutive event-loop turns in which `read()` did not change. */
async function settledValue(read: () => number, turns = 200): Promise<number> {
  let last = read();
  let still = 0;
  while (still < turns) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    const now = read();
    if (now === last) still++;
    else {
      still = 0;
      last = now;
    }
  }
  return last;
}

describe('client faults (checklist E)', () => {
  describe('S24 client disconnect aborts the upstream (LiteLLM PR #30223, #31499; pollinations#5594)', () => {
    it('S24a: a client that leaves mid-stream makes the gateway close the upstream socket and settle once as client_aborted', async () => {
      // The upstream sends two chunks and then would hold the connection for a minute: only the
      // gateway hanging up can close it.
      const h = await start();
      h.mock.script({ kind: 'stall-after-n-chunks', n: 2 });
      const exchange = h.post(CHAT, chatBody({ stream: true }));
      await exchange.waitFor((text) => text.includes('"Hello"'));
      exchange.disconnect();
      await h.mock.waitForClientClose(0);
      expect(h.mock.requests[0]?.aborted).toBe(true);
      const finished = await h.meter.waitForFinished(1);
      expect(finished).toHaveLength(1);
      expect(finished[0]).toMatchObject({ status: 'client_aborted', errorCode: 'client_closed', outputChars: 'Hello'.length });
      expect(finished[0]?.ttftMs).not.toBeNull();
    });

    it('S24b: a client that leaves after the headers but before the first token closes the upstream socket', async () => {
      const h = await start();
      h.mock.script({ kind: 'stall-after-n-chunks', n: 0 });
      const exchange = h.post(CHAT, chatBody({ stream: true }));
      expect((await exchange.head).status).toBe(200);
      exchange.disconnect();
      await h.mock.waitForClientClose(0);
      const [finished] = await h.meter.waitForFinished(1);
      expect(finished).toMatchObject({ status: 'client_aborted', outputChars: 0, ttftMs: null });
    });

    it('S24b: a client that leaves while the upstream has not even sent headers (the TTFT window) closes the upstream socket', async () => {
      const h = await start();
      h.mock.script({ kind: 'hang-before-headers' });
      const exchange = h.post(CHAT, chatBody({ stream: true }));
      await h.mock.waitForRequests(1);
      exchange.disconnect();
      await h.mock.waitForClientClose(0);
      const [finished] = await h.meter.waitForFinished(1);
      expect(finished).toMatchObject({ status: 'client_aborted', errorCode: 'client_closed' });
    });

    it.each([
      ['before the upstream answers', { kind: 'hang-before-headers' } as const],
      ['while the upstream body is arriving', { kind: 'stall-after-n-chunks', n: 2 } as const],
    ])('S24c: a non-stream client that leaves %s closes the upstream socket', async (_name, behaviour) => {
      const h = await start();
      h.mock.script(behaviour);
      const exchange = h.post(CHAT, chatBody());
      await h.mock.waitForRequests(1);
      exchange.disconnect();
      await h.mock.waitForClientClose(0);
      const [finished] = await h.meter.waitForFinished(1);
      expect(finished).toMatchObject({ status: 'client_aborted', errorCode: 'client_closed' });
    });

    it('S24: a client that leaves while the gateway waits out a Retry-After cancels the retry', async () => {
      // The injected sleep tells the test when the gateway starts waiting and ends only by abort.
      let sleeping!: (ms: number) => void;
      const sleepStarted = new Promise<number>((resolve) => {
        sleeping = resolve;
      });
      const sleep = (ms: number, signal: AbortSignal) =>
        new Promise<void>((_resolve, reject) => {
          sleeping(ms);
          signal.addEventListener('abort', () => reject(signal.reason), { once: true });
        });
      const h = await start({ routerSettings: '{ num_retries: 2, cooldown_time: 0, timeout: 600, max_retry_after: 30 }', gateway: { sleep } });
      h.mock.script({ kind: 'status', status: 429, retryAfter: 5 });
      const exchange = h.post(CHAT, chatBody({ stream: true }));
      expect(await sleepStarted).toBe(5_000);
      exchange.disconnect();
      const [finished] = await h.meter.waitForFinished(1);
      expect(finished).toMatchObject({ status: 'client_aborted' });
      expect(h.mock.requests).toHaveLength(1);
    });

    it('S24: after a client left, the next request on the same gateway is answered normally', async () => {
      const h = await start();
      h.mock.script({ kind: 'stall-after-n-chunks', n: 2 });
      const first = h.post(CHAT, chatBody({ stream: true }));
      await first.waitFor((text) => text.includes('"Hello"'));
      first.disconnect();
      await h.mock.waitForClientClose(0);
      const second = h.post(CHAT, chatBody({ stream: true }));
      const sse = readClientSse(await second.done);
      expect(sse.content).toBe(HELLO);
      expect(sse.endsWithDone).toBe(true);
    });
  });

  describe('S25 slow reader / backpressure', () => {
    it('S25: while the client reads nothing, the gateway stops reading the upstream; reading again resumes it', async () => {
      // The upstream floods 16 KiB chunks honouring its own backpressure, up to FLOOD bytes. A
      // gateway that kept reading while its client did not would let it write all of them.
      const FLOOD = 256 * 1024 * 1024;
      const BOUND = 64 * 1024 * 1024;
      let written = 0;
      let upstreamRes: ServerResponse | undefined;
      const frame = chunkFrame({ content: 'x'.repeat(16 * 1024) });
      const h = await start();
      h.mock.script({
        kind: 'raw',
        handler: (_req, res) => {
          upstreamRes = res;
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          res.write(chunkFrame({ role: 'assistant', content: '' }));
          const pump = () => {
            while (written < FLOOD) {
              if (res.destroyed) return;
              written += frame.length;
              if (!res.write(frame)) {
                res.once('drain', pump);
                return;
              }
            }
            res.end(chunkFrame({}, 'stop') + SSE_DONE_FRAME);
          };
          pump();
        },
      });
      const exchange = h.post(CHAT, chatBody({ stream: true }));
      exchange.pause();
      expect((await exchange.head).status).toBe(200);

      const stalledAt = await settledValue(() => written);
      expect(stalledAt).toBeLessThan(BOUND);
      // The upstream is blocked on its own full socket, not finished.
      expect(upstreamRes?.writableEnded).toBe(false);
      expect(upstreamRes?.writableNeedDrain).toBe(true);

      // Reading again lets the gateway pull more from the upstream.
      exchange.resume();
      await exchange.waitFor(() => written > stalledAt + 4 * 1024 * 1024);
      exchange.disconnect();
      await h.mock.waitForClientClose(0);
    });
  });

  describe('S26 churn without leaks', () => {
    it('S26: 200 concurrent streams with seeded random disconnects leave no unhandled rejection, no open upstream socket, and a working gateway', async () => {
      const random = seededRandom(0x5eed_26);
      const unhandled: unknown[] = [];
      const onUnhandled = (reason: unknown) => unhandled.push(reason);
      process.on('unhandledRejection', onUnhandled);
      try {
        const h = await start();
        // Each request carries its own plan in the prompt; the upstream acts on it. 'stall' and
        // 'hang' never end by themselves (default deadlines are a minute), so only the gateway
        // hanging up when its client leaves can close those sockets.
        h.mock.setDefault({ kind: 'raw', handler: (_req, res, body) => void actOnPlan(res, body) });
        const plans = Array.from({ length: 200 }, (_, i) => pickPlan(i, random));
        const exchanges = plans.map((plan) => {
          const exchange = h.post(CHAT, chatBody({ stream: true, messages: [{ role: 'user', content: JSON.stringify(plan) }] }));
          return { plan, exchange, outcome: drive(exchange, plan) };
        });
        const outcomes = await Promise.all(exchanges.map((e) => e.outcome));

        for (const [i, outcome] of outcomes.entries()) {
          const plan = plans[i]!;
          if (plan.client !== 'read-all') continue;
          const sse = readClientSse(outcome);
          expect(sse.endsWithDone).toBe(true);
          if (plan.upstream === 'ok') expect(sse.content).toBe('tok '.repeat(plan.chunks));
          else expect(sse.errors).toHaveLength(1);
        }

        // Every request was settled exactly once.
        const finished = await h.meter.waitForFinished(200);
        expect(finished).toHaveLength(200);
        expect(new Set(finished.map((f) => f.requestId)).size).toBe(200);

        // Every upstream request that would never end on its own was hung up on.
        const endless = h.mock.requests.filter((rec) => {
          const plan = planOf(rec.body);
          return plan?.upstream === 'stall' || plan?.upstream === 'hang';
        });
        expect(endless.length).toBeGreaterThan(0);
        await Promise.all(endless.map((rec) => h.mock.waitForClientClose(rec.index)));

        // The gateway still answers.
        const after = h.post(CHAT, chatBody({ stream: true, messages: [{ role: 'user', content: JSON.stringify({ upstream: 'ok', chunks: 3, client: 'read-all' }) }] }));
        expect(readClientSse(await after.done).content).toBe('tok tok tok ');

        // Closing the gateway drains its pools: a leaked upstream request would hang here.
        await h.gateway.close();
        await Promise.all(h.mock.requests.map((rec) => h.mock.waitForClientClose(rec.index)));
        expect(h.mock.openSockets()).toBe(0);
        expect(unhandled).toEqual([]);
      } finally {
        process.off('unhandledRejection', onUnhandled);
      }
    });
  });
});

interface ChurnPlan {
  upstream: 'ok' | 'stall' | 'hang' | 'reset';
  chunks: number;
  client: 'read-all' | 'leave-after-events' | 'leave-at-once';
  /** For leave-after-events: how many data events to read first. */
  events?: number;
}

/** Deterministic plan for stream #i; the upstream outcomes a reader can wait for go to readers. */
function pickPlan(i: number, random: () => number): ChurnPlan {
  const chunks = 1 + Math.floor(random() * 20);
  const roll = random();
  if (roll < 0.35) return { upstream: random() < 0.8 ? 'ok' : 'reset', chunks, client: 'read-all' };
  if (roll < 0.75) {
    const events = 1 + Math.floor(random() * chunks);
    return { upstream: random() < 0.5 ? 'stall' : 'ok', chunks, client: 'leave-after-events', events };
  }
  return { upstream: i % 2 === 0 ? 'hang' : 'stall', chunks, client: 'leave-at-once' };
}

function planOf(body: string): ChurnPlan | undefined {
  try {
    const content = (JSON.parse(body) as { messages: { content: string }[] }).messages[0]?.content;
    return content === undefined ? undefined : (JSON.parse(content) as ChurnPlan);
  } catch {
    return undefined;
  }
}

/** The upstream side of a plan: writes with a turn of the event loop between chunks. */
async function actOnPlan(res: ServerResponse, body: string): Promise<void> {
  const plan = planOf(body);
  if (!plan || plan.upstream === 'hang') return;
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  const frames = [chunkFrame({ role: 'assistant', content: '' }), ...Array.from({ length: plan.chunks }, () => chunkFrame({ content: 'tok ' }))];
  for (const frame of frames) {
    if (res.destroyed) return;
    res.write(frame);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  if (res.destroyed) return;
  if (plan.upstream === 'ok') res.end(chunkFrame({}, 'stop') + SSE_DONE_FRAME);
  else if (plan.upstream === 'reset') res.socket?.resetAndDestroy();
  // 'stall': leave the response open.
}

/** The client side of a plan; resolves with what was read (never rejects). */
async function drive(exchange: ClientExchange, plan: ChurnPlan): Promise<string> {
  try {
    if (plan.client === 'leave-at-once') {
      await exchange.sent;
      exchange.disconnect();
      return '';
    }
    if (plan.client === 'leave-after-events') {
      const wanted = plan.events ?? 1;
      await exchange.waitFor((text) => text.split('\n\n').length - 1 >= wanted).catch(() => undefined);
      exchange.disconnect();
      return exchange.received();
    }
    return await exchange.done;
  } catch (error) {
    return `client error: ${String(error)}`;
  }
}
