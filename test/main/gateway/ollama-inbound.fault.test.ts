// Bad input and upstream faults on the Ollama-compatible routes, over real sockets: every refusal
// is a 4xx `{"error": "..."}` naming the field, every upstream failure before the first byte a
// 5xx in the same shape, and every failure after it one final `{"error"}` NDJSON line (never a
// done line after it, never an upstream's raw error text) with one usage record.
import { afterEach, describe, expect, it } from 'vitest';
import { IN_BAND_ERROR_MESSAGE } from '../../support/mock-upstream.js';
import { startFaultHarness, type FaultHarness } from '../../support/fault-harness.js';

let harness: FaultHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function call(h: FaultHarness, path: string, body: unknown) {
  const exchange = h.post(path, body);
  const head = await exchange.head;
  const text = await exchange.done;
  const lines = text.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as Record<string, any>);
  return { ...head, text, lines };
}

const hi = [{ role: 'user', content: 'hi' }];

describe('Ollama routes refuse bad input with a 400 naming the field', () => {
  it.each([
    ['/api/chat', '[1, 2]', 'JSON object'],
    ['/api/chat', { model: 'm', messages: hi, stream: 'yes' }, 'stream'],
    ['/api/chat', { model: 'm', messages: hi, format: 42 }, 'format'],
    ['/api/chat', { model: 'm', messages: hi, think: 'max' }, 'think'],
    ['/api/chat', { model: 'm', messages: hi, keep_alive: {} }, 'keep_alive'],
    ['/api/chat', { model: 'm', messages: hi, options: { num_predict: 1.5 } }, 'options.num_predict'],
    ['/api/chat', { model: 'm', messages: hi, options: { temperature: 'hot' } }, 'options.temperature'],
    ['/api/chat', { model: 'm', messages: hi, options: { url: 'http://169.254.169.254/' } }, 'options.url'],
    ['/api/chat', { model: 'm', messages: [{ role: 'assistant', content: '', tool_calls: [{ function: {} }] }] }, 'messages[0].tool_calls[0].function.name'],
    ['/api/chat', { model: 'm', messages: [{ role: 'user', content: 7 }] }, 'messages[0].content'],
    ['/api/chat', { model: 'm', messages: hi, tools: [{ type: 'function' }] }, 'tools[0]'],
    ['/api/chat', { messages: hi }, 'model'],
    ['/api/generate', { model: 'm', prompt: 'x', images: [1] }, 'images'],
    ['/api/generate', { model: 'm', prompt: 'x', context: ['a'] }, 'context'],
    ['/api/embed', { model: 'm', input: [] }, 'input'],
    ['/api/embed', { model: 'm', input: 'x', dimensions: -3 }, 'dimensions'],
    ['/api/embeddings', { model: 'm' }, 'prompt'],
  ])('%s %s', async (path, body, named) => {
    harness = await startFaultHarness();
    const res = await call(harness, path, body);
    expect(res.status).toBe(400);
    expect(res.lines).toHaveLength(1);
    expect(Object.keys(res.lines[0]!)).toEqual(['error']);
    expect(res.lines[0]!.error).toContain(named);
    expect(harness.mock.requests).toHaveLength(0);
  });

  it('answers a body that is not JSON in the same shape', async () => {
    harness = await startFaultHarness();
    const res = await call(harness, '/api/chat', '{"model": "m", "messages": [');
    expect(res.status).toBe(400);
    expect(Object.keys(res.lines[0]!)).toEqual(['error']);
  });
});

describe('upstream faults behind /api/chat (OpenAI-format server)', () => {
  it('an upstream 500 before the first byte is a 5xx {"error"} and one error record', async () => {
    harness = await startFaultHarness();
    harness.mock.script({ kind: 'status', status: 500 });
    const res = await call(harness, '/api/chat', { model: 'm', messages: hi });
    expect(res.status).toBeGreaterThanOrEqual(500);
    expect(Object.keys(res.lines[0]!)).toEqual(['error']);
    const [finished] = await harness.meter.waitForFinished(1);
    expect(finished!.status).toBe('upstream_error');
  });

  it('a stall after two chunks gives the client those lines, then one error line, no done line', async () => {
    harness = await startFaultHarness({ params: 'stream_timeout: 0.3' });
    harness.mock.script({ kind: 'stall-after-n-chunks', n: 2 });
    const res = await call(harness, '/api/chat', { model: 'm', messages: hi });
    expect(res.status).toBe(200);
    // The first SSE chunk carries only the role: two chunks are one word.
    expect(res.lines.slice(0, -1).map((line) => line.message.content).join('')).toBe('Hello');
    expect(Object.keys(res.lines.at(-1)!)).toEqual(['error']);
    expect(res.lines.some((line) => line.done === true)).toBe(false);
    const [finished] = await harness.meter.waitForFinished(1);
    expect(finished!.status).toBe('upstream_stalled');
  });

  it('garbage in the SSE stream ends the NDJSON with an error line', async () => {
    harness = await startFaultHarness();
    harness.mock.script({ kind: 'garbage-sse', variant: 'non-json' });
    const res = await call(harness, '/api/chat', { model: 'm', messages: hi });
    expect(Object.keys(res.lines.at(-1)!)).toEqual(['error']);
  });
});

describe('upstream faults behind /api/chat passed through to Ollama', () => {
  it('an in-band error line is replaced by one sanitised error line after the lines before it', async () => {
    harness = await startFaultHarness({ wire: 'ollama' });
    harness.mock.script({ kind: 'in-band-error' });
    const res = await call(harness, '/api/chat', { model: 'm', messages: hi });
    const errors = res.lines.filter((line) => 'error' in line);
    expect(errors).toHaveLength(1);
    expect(res.lines.at(-1)).toBe(errors[0]);
    expect(errors[0]!.error).toContain(IN_BAND_ERROR_MESSAGE);
    expect(res.lines.slice(0, -1).every((line) => line.model === 'm' && line.done === false)).toBe(true);
  });

  it('a stream that ends without done:true ends with an error line', async () => {
    harness = await startFaultHarness({ wire: 'ollama' });
    harness.mock.script({ kind: 'truncate-after-n-chunks', n: 2 });
    const res = await call(harness, '/api/chat', { model: 'm', messages: hi });
    expect(Object.keys(res.lines.at(-1)!)).toEqual(['error']);
    const [finished] = await harness.meter.waitForFinished(1);
    expect(finished!.status).toBe('upstream_error');
  });

  it('a garbage line is never relayed', async () => {
    harness = await startFaultHarness({ wire: 'ollama' });
    harness.mock.script({ kind: 'garbage-sse', variant: 'non-json' });
    const res = await call(harness, '/api/chat', { model: 'm', messages: hi });
    expect(Object.keys(res.lines.at(-1)!)).toEqual(['error']);
  });
});
