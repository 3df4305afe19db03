// Keep-alive events on a Responses stream while a local model is still prefilling: the upstream
// has answered (headers, a role-only chunk) but sent no content. Every tick of the injected timer
// writes a real response.in_progress event (Codex's idle timer ignores SSE comments); the first
// content stops the timer. Chat-completions streams, which have no keep-alive event, never start one.
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KeepAliveTimer } from '../../../main/gateway/relay-stream.js';
import { createMockUpstream, type MockUpstream } from '../../support/mock-upstream.js';
import { sendToGateway } from '../../support/send-to-gateway.js';
import { startTestGateway, type TestGateway } from '../../support/test-gateway.js';
import { checkResponsesStream, readResponsesStream } from '../../support/check-responses-stream.js';

const MASTER = 'sk-master-keep-alive';

let upstream: MockUpstream;
let gateway: TestGateway;
const running = new Set<() => void>();
let started = 0;
let stopped = 0;
const timer: KeepAliveTimer = (tick) => {
  started++;
  running.add(tick);
  return () => {
    if (running.delete(tick)) stopped++;
  };
};
const tickAll = () => {
  for (const tick of running) tick();
};

beforeAll(async () => {
  upstream = await createMockUpstream();
  // hosted_vllm: a chat-only server, so the request is bridged (an openai/ one would pass through).
  gateway = await startTestGateway(`model_list:
  - model_name: local-coder
    litellm_params: { model: hosted_vllm/qwen3-coder, api_base: "${upstream.url}/v1" }
`, { listen: true, masterKey: MASTER, streamKeepAlive: timer });
});
afterAll(async () => {
  await gateway?.close();
  await upstream?.close();
});

const chunk = (delta: object, finish: string | null = null) => `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;

/** An upstream that opens its stream at once and sends content only when released. */
function prefilling(): { release: () => void } {
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  upstream.script({
    kind: 'raw',
    handler: (_req, res: ServerResponse) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(chunk({ role: 'assistant', content: '' }));
      void released.then(() => res.end(chunk({ content: 'Done.' }) + chunk({}, 'stop') + 'data: [DONE]\n\n'));
    },
  });
  return { release };
}

const inProgress = (text: string) => readResponsesStream(text).events.filter((e) => e.type === 'response.in_progress').length;

describe('Responses keep-alive during a long prefill', () => {
  it('writes response.in_progress on every tick until the first content, then stops the timer', async () => {
    const { release } = prefilling();
    const exchange = sendToGateway(gateway.port, '/v1/responses', { model: 'local-coder', input: 'hi', stream: true }, { key: MASTER });
    await exchange.head;
    await exchange.waitFor((text) => inProgress(text) === 1);
    expect(running.size).toBe(1);
    tickAll();
    tickAll();
    await exchange.waitFor((text) => inProgress(text) === 3);
    release();
    await exchange.waitFor((text) => text.includes('response.output_text.delta'));
    expect(running.size).toBe(0);
    expect(stopped).toBe(started);
    const text = await exchange.done;
    expect(inProgress(text)).toBe(3);
    const { events, problems } = readResponsesStream(text);
    expect([...problems, ...checkResponsesStream(events)]).toEqual([]);
    expect(events.at(-1)!.response.output[0].content[0].text).toBe('Done.');
  });

  it('never starts a timer for a chat-completions stream', async () => {
    const before = started;
    const exchange = sendToGateway(gateway.port, '/v1/chat/completions', { model: 'local-coder', messages: [{ role: 'user', content: 'hi' }], stream: true }, { key: MASTER });
    await exchange.done;
    expect(started).toBe(before);
  });
});
