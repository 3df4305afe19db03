import { describe, expect, it } from 'vitest';
import { createOllamaStreamEncoder, type OllamaStreamEncoderOptions } from '../../../../main/gateway/ollama-inbound/create-ollama-stream-encoder.js';
import { renderOllamaResponse } from '../../../../main/gateway/ollama-inbound/render-ollama-response.js';
import { GatewayError } from '../../../../main/core/gateway-error.js';
import type { StreamOutput } from '../../../../main/providers/provider-adapter.js';

const NOW = Date.UTC(2026, 2, 2, 10, 0, 0);

/** A hand-moved monotonic clock: the test decides every duration. */
function setup(overrides: Partial<OllamaStreamEncoderOptions> = {}) {
  let mono = 1000;
  const options: OllamaStreamEncoderOptions = {
    model: 'coder:latest', kind: 'chat', now: () => NOW, monotonic: () => mono, startedAt: 1000, estimateInputTokens: () => 12, ...overrides,
  };
  return { encoder: createOllamaStreamEncoder(options), options, advance: (ms: number) => (mono += ms) };
}
const chunk = (delta: Record<string, unknown>, finish: string | null = null): Extract<StreamOutput, { type: 'chunk' }> => ({ type: 'chunk', chunk: { choices: [{ index: 0, delta, finish_reason: finish }] } });
const usage = (prompt: number, completion: number): Extract<StreamOutput, { type: 'usage' }> => ({ type: 'usage', usage: { promptTokens: prompt, completionTokens: completion, cachedTokens: 0, cacheCreationTokens: 0, reasoningTokens: 0 } });
const lines = (text: string) => text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, any>);

describe('createOllamaStreamEncoder', () => {
  it('writes one NDJSON line per text or thinking delta, then a done line with counts and nanosecond durations', () => {
    const { encoder, advance } = setup();
    expect(encoder.contentType).toBe('application/x-ndjson');
    advance(200); // prefill: 200 ms
    let text = encoder.push(chunk({ role: 'assistant', reasoning_content: 'hmm' }));
    advance(50);
    text += encoder.push(chunk({ content: 'Hel' })) + encoder.push(chunk({ content: 'lo' }, 'stop')) + encoder.push(usage(7, 3));
    advance(300);
    text += encoder.finish();
    expect(text.endsWith('\n')).toBe(true);
    const out = lines(text);
    expect(out.slice(0, 3)).toEqual([
      { model: 'coder:latest', created_at: '2026-03-02T10:00:00.000Z', message: { role: 'assistant', content: '', thinking: 'hmm' }, done: false },
      { model: 'coder:latest', created_at: '2026-03-02T10:00:00.000Z', message: { role: 'assistant', content: 'Hel' }, done: false },
      { model: 'coder:latest', created_at: '2026-03-02T10:00:00.000Z', message: { role: 'assistant', content: 'lo' }, done: false },
    ]);
    expect(out[3]).toEqual({
      model: 'coder:latest', created_at: '2026-03-02T10:00:00.000Z', message: { role: 'assistant', content: '' },
      done: true, done_reason: 'stop', total_duration: 550_000_000, load_duration: 0,
      prompt_eval_count: 7, prompt_eval_duration: 200_000_000, eval_count: 3, eval_duration: 350_000_000,
    });
  });

  it('buffers tool-call fragments (interleaved parallel calls too) and sends them once, arguments as objects', () => {
    const { encoder } = setup();
    let text = encoder.push(chunk({ tool_calls: [{ index: 0, id: 'call_a', function: { name: 'weather', arguments: '{"ci' } }] }));
    text += encoder.push(chunk({ tool_calls: [{ index: 1, id: 'call_b', function: { name: 'time', arguments: '{}' } }] }));
    text += encoder.push(chunk({ tool_calls: [{ index: 0, function: { arguments: 'ty":"Paris"}' } }] }));
    expect(text).toBe('');
    text += encoder.push(chunk({}, 'tool_calls'));
    const out = lines(text + encoder.finish());
    expect(out).toHaveLength(2);
    expect(out[0]!.message.tool_calls).toEqual([
      { function: { name: 'weather', arguments: { city: 'Paris' } } },
      { function: { name: 'time', arguments: {} } },
    ]);
    // Ollama has no tool_calls reason: calls end with "stop".
    expect(out[1]).toMatchObject({ done: true, done_reason: 'stop' });
  });

  it('hands over arguments that are not a JSON object as {"_raw_arguments": text}', () => {
    const { encoder } = setup();
    encoder.push(chunk({ tool_calls: [{ index: 0, id: 'c', function: { name: 'write', arguments: '{"path": "a.txt", "text": "cut sh' } }] }));
    const out = lines(encoder.finish());
    expect(out[0]!.message.tool_calls).toEqual([{ function: { name: 'write', arguments: { _raw_arguments: '{"path": "a.txt", "text": "cut sh' } } }]);
  });

  it('reports length, estimates counts when the upstream sends no usage', () => {
    const { encoder } = setup();
    encoder.push(chunk({ content: 'a few words here' }, 'length'));
    const done = lines(encoder.finish()).at(-1)!;
    expect(done).toMatchObject({ done_reason: 'length', prompt_eval_count: 12 });
    expect(done.eval_count).toBeGreaterThan(0);
  });

  it('ends a broken stream with one {"error"} line, no done line, and nothing after it', () => {
    const { encoder } = setup();
    encoder.push(chunk({ tool_calls: [{ index: 0, id: 'c', function: { name: 'half', arguments: '{"a"' } }] }));
    const text = encoder.error(new GatewayError('upstream_stalled', 'The upstream stopped sending'));
    expect(lines(text)).toEqual([{ error: 'The upstream stopped sending' }]);
    expect(encoder.finish()).toBe('');
  });

  it('writes generate lines with `response` and never tool calls', () => {
    const { encoder } = setup({ kind: 'generate' });
    const text = encoder.push(chunk({ content: 'hi' })) + encoder.finish();
    const out = lines(text);
    expect(out[0]).toEqual({ model: 'coder:latest', created_at: '2026-03-02T10:00:00.000Z', response: 'hi', done: false });
    expect(out[1]).toMatchObject({ response: '', done: true });
    expect(out[1]).not.toHaveProperty('message');
  });
});

describe('text lines, byte for byte', () => {
  it.each([['chat' as const], ['generate' as const]])('%s: the bytes JSON.stringify of the fields in Ollama\'s order gives, whatever the model name and text hold', (kind) => {
    let now = NOW;
    const model = 'we"ird\\model\u2028名';
    const { encoder } = setup({ kind, model, now: () => now });
    const texts = ['plain', 'quote " backslash \\ newline \n tab \t', '\u0000\u001f\u2028 emoji 😀 lone \ud800'];
    const expected = texts.map((text, i) => {
      const createdAt = new Date(NOW + i).toISOString();
      return `${JSON.stringify(kind === 'chat' ? { model, created_at: createdAt, message: { role: 'assistant', content: text }, done: false } : { model, created_at: createdAt, response: text, done: false })}\n`;
    });
    // The clock moves between lines: each line carries its own time, not the first one's.
    const written = texts.map((text, i) => {
      now = NOW + i;
      return encoder.push(chunk({ content: text }));
    });
    expect(written).toEqual(expected);
  });
});

describe('renderOllamaResponse', () => {
  it('renders a whole answer as one done object, the same fields a stream ends with', () => {
    const { options, advance } = setup();
    advance(400);
    const answer = renderOllamaResponse({
      body: { choices: [{ index: 0, message: { role: 'assistant', content: 'Hi', reasoning_content: 'think', tool_calls: [{ id: 'x', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }] }, finish_reason: 'tool_calls' }] },
      usage: { promptTokens: 5, completionTokens: 2, cachedTokens: 0, cacheCreationTokens: 0, reasoningTokens: 0 },
    }, options);
    expect(answer).toEqual({
      model: 'coder:latest', created_at: '2026-03-02T10:00:00.000Z',
      message: { role: 'assistant', content: 'Hi', thinking: 'think', tool_calls: [{ function: { name: 'f', arguments: { a: 1 } } }] },
      done: true, done_reason: 'stop', total_duration: 400_000_000, load_duration: 0,
      prompt_eval_count: 5, prompt_eval_duration: 0, eval_count: 2, eval_duration: 400_000_000,
    });
  });
});
