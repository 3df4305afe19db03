// Stream caps (checklist S21, S43) over real loopback sockets: an upstream whose one SSE event
// never ends, one that streams without end, and an Ollama line without a newline. Each time the
// gateway stops at its cap, hangs up on the upstream (the mock sees its socket closed early),
// ends the client's stream with an error event in the client's own format, and records one
// upstream_error. Caps are passed in small so no test moves hundreds of MiB.
import Anthropic from '@anthropic-ai/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { chatBody, FAULT_MASTER_KEY, readClientSse, startFaultHarness, type FaultHarness, type FaultHarnessOptions } from '../../support/fault-harness.js';
import { endlessChunks, endlessEvent, ENDLESS_PREFIX_CONTENT } from '../../support/endless-upstream.js';
import { ANTHROPIC_MOCK_KEY, anthropicStreamText, createMockAnthropicUpstream, type MockAnthropicUpstream } from '../../support/mock-anthropic-upstream.js';
import { createRecordingMeter } from '../../support/recording-meter.js';
import { startTestGateway, type TestGateway } from '../../support/test-gateway.js';
import { DEFAULT_STREAM_CAPS, type StreamCaps } from '../../../main/providers/stream-decoder.js';

const CHAT = '/v1/chat/completions';
const KIB = 1024;
const MIB = 1024 * KIB;

let harness: FaultHarness | undefined;
let anthropic: { mock: MockAnthropicUpstream; gateway: TestGateway } | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
  await anthropic?.gateway.close();
  await anthropic?.mock.close();
  anthropic = undefined;
});

async function start(caps: Partial<StreamCaps>, options: FaultHarnessOptions = {}): Promise<FaultHarness> {
  harness = await startFaultHarness({ ...options, gateway: { streamCaps: { ...DEFAULT_STREAM_CAPS, ...caps }, ...options.gateway } });
  return harness;
}

/** The upstream was cut off by the gateway: its socket closed before it finished writing. */
async function expectUpstreamCutOff(h: FaultHarness): Promise<void> {
  await h.mock.waitForClientClose(0);
  expect(h.mock.requests[0]?.aborted).toBe(true);
}

describe('stream caps (checklist S43)', () => {
  it('S43: an SSE event that never ends fails at the event cap: chunks before it, an error event, [DONE], upstream closed', async () => {
    const h = await start({ maxEventBytes: 64 * KIB });
    h.mock.script(endlessEvent(16 * MIB));
    const exchange = h.post(CHAT, chatBody({ stream: true }));
    expect((await exchange.head).status).toBe(200);
    const sse = readClientSse(await exchange.done);
    expect(sse.content).toBe(ENDLESS_PREFIX_CONTENT);
    expect(sse.errors.map((e) => e.code)).toEqual(['upstream_response_too_large']);
    expect(sse.errors[0]?.message).toContain(`${64 * KIB} bytes`);
    expect(sse.endsWithDone).toBe(true);
    // Nothing of the oversized event reached the client.
    expect(exchange.receivedBytes()).toBeLessThan(4 * KIB);
    await expectUpstreamCutOff(h);
    const finished = await h.meter.waitForFinished(1);
    expect(finished).toHaveLength(1);
    expect(finished[0]).toMatchObject({ status: 'upstream_error', errorCode: 'upstream_response_too_large', httpStatus: 200, outputChars: ENDLESS_PREFIX_CONTENT.length });
  });

  it('S43: a stream that never ends fails at the stream cap after relaying what came before it', async () => {
    const h = await start({ maxStreamBytes: 256 * KIB });
    h.mock.script(endlessChunks(16 * MIB));
    const exchange = h.post(CHAT, chatBody({ stream: true }));
    const sse = readClientSse(await exchange.done);
    expect(sse.content.startsWith(`${ENDLESS_PREFIX_CONTENT}tok tok `)).toBe(true);
    expect(sse.errors.map((e) => e.code)).toEqual(['upstream_response_too_large']);
    expect(sse.errors[0]?.message).toContain(`${256 * KIB} bytes in total`);
    expect(sse.endsWithDone).toBe(true);
    expect(exchange.receivedBytes()).toBeLessThan(512 * KIB);
    await expectUpstreamCutOff(h);
    const [finished] = await h.meter.waitForFinished(1);
    expect(finished).toMatchObject({ status: 'upstream_error', errorCode: 'upstream_response_too_large' });
  });

  it('S43: an Ollama NDJSON line without a newline fails at the line cap', async () => {
    const h = await start({ maxEventBytes: 64 * KIB }, { wire: 'ollama' });
    h.mock.script({ kind: 'huge-line', bytes: 4 * MIB });
    const exchange = h.post(CHAT, chatBody({ stream: true }));
    const sse = readClientSse(await exchange.done);
    expect(sse.errors.map((e) => e.code)).toEqual(['upstream_response_too_large']);
    expect(sse.endsWithDone).toBe(true);
    await expectUpstreamCutOff(h);
    const [finished] = await h.meter.waitForFinished(1);
    expect(finished).toMatchObject({ status: 'upstream_error', errorCode: 'upstream_response_too_large' });
  });

  it('S43: a /v1/messages stream cut at the cap ends with an Anthropic error event the official SDK reports', async () => {
    const h = await start({ maxEventBytes: 64 * KIB });
    h.mock.script(endlessEvent(16 * MIB));
    const client = new Anthropic({ baseURL: h.gateway.url, apiKey: FAULT_MASTER_KEY, maxRetries: 0 });
    const stream = client.messages.stream({ model: 'm', max_tokens: 100, messages: [{ role: 'user', content: 'Say hello' }] });
    const texts: string[] = [];
    stream.on('text', (text) => texts.push(text));
    await expect(stream.finalMessage()).rejects.toMatchObject({
      error: { type: 'error', error: { type: 'api_error', message: expect.stringContaining(`larger than ${64 * KIB} bytes`) } },
    });
    expect(texts.join('')).toBe(ENDLESS_PREFIX_CONTENT);
    await expectUpstreamCutOff(h);
    const [finished] = await h.meter.waitForFinished(1);
    expect(finished).toMatchObject({ status: 'upstream_error', errorCode: 'upstream_response_too_large' });
  });

  it('S43: a native /v1/messages pass-through stream cut at the cap ends with an Anthropic error event after the events before it', async () => {
    const mock = await createMockAnthropicUpstream();
    const meter = createRecordingMeter();
    const gateway = await startTestGateway(
      `model_list:\n  - model_name: claude\n    litellm_params: { model: anthropic/claude-sonnet-4-5, api_base: "${mock.url}", api_key: "${ANTHROPIC_MOCK_KEY}" }\n`,
      { listen: true, masterKey: FAULT_MASTER_KEY, meter: meter.meter, streamCaps: { ...DEFAULT_STREAM_CAPS, maxEventBytes: 64 * KIB } },
    );
    anthropic = { mock, gateway };
    // One text_delta event of 1 MiB after "Hello", written in 64 KiB pieces.
    const text = anthropicStreamText({ kind: 'message', content: [{ type: 'text', text: `Hello${'x'.repeat(MIB)}`, chunks: ['Hello', 'x'.repeat(MIB)] }] });
    mock.script({ kind: 'sse', text, cuts: Array.from({ length: Math.ceil(text.length / (64 * KIB)) }, (_, i) => (i + 1) * 64 * KIB) });
    const client = new Anthropic({ baseURL: gateway.url, apiKey: FAULT_MASTER_KEY, maxRetries: 0 });
    const stream = client.messages.stream({ model: 'claude', max_tokens: 100, messages: [{ role: 'user', content: 'Say hello' }] });
    const texts: string[] = [];
    stream.on('text', (delta) => texts.push(delta));
    await expect(stream.finalMessage()).rejects.toMatchObject({
      error: { type: 'error', error: { type: 'api_error', message: expect.stringContaining(`larger than ${64 * KIB} bytes`) } },
    });
    expect(texts.join('')).toBe('Hello');
    const [finished] = await meter.waitForFinished(1);
    expect(finished).toMatchObject({ status: 'upstream_error', errorCode: 'upstream_response_too_large' });
    // The mock stops writing once the gateway has hung up: it never got to its last piece.
    await mock.waitForRequests(1);
    await eventLoopTurnsUntil(() => mock.requests[0]!.aborted);
  });
});

/** Waits, turn by turn of the event loop (never on the clock), for a socket event to land. */
async function eventLoopTurnsUntil(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise<void>((resolve) => setImmediate(resolve));
}
