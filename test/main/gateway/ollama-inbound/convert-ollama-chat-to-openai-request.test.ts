import { describe, expect, it } from 'vitest';
import { convertOllamaChatToOpenAIRequest } from '../../../../main/gateway/ollama-inbound/convert-ollama-chat-to-openai-request.js';
import { parseOllamaChatRequest } from '../../../../main/gateway/ollama-inbound/parse-ollama-chat-request.js';

const convert = (body: Record<string, unknown>) => convertOllamaChatToOpenAIRequest(parseOllamaChatRequest({ model: 'm:latest', ...body }), 'm');
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]).toString('base64');

describe('convertOllamaChatToOpenAIRequest', () => {
  it('keeps roles and text, routes the configured name, and streams unless told not to', () => {
    const { body, dropped } = convert({ messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'hi' }, { role: 'assistant', content: 'hello', thinking: 'greet back' }] });
    expect(body).toEqual({ model: 'm', stream: true, messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'hi' }, { role: 'assistant', content: 'hello' }] });
    expect(dropped).toEqual([]);
    expect(convert({ stream: false, messages: [{ role: 'user', content: 'hi' }] }).body.stream).toBe(false);
  });

  it('turns images into image_url parts after the text', () => {
    const { body } = convert({ messages: [{ role: 'user', content: 'what is it', images: [PNG] }] });
    expect(body.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'what is it' }, { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } }] }]);
  });

  it('gives tool calls stable ids and string arguments, and matches results by tool_name, then in order', () => {
    const request = {
      messages: [
        { role: 'user', content: 'weather and time in Paris' },
        { role: 'assistant', content: '', tool_calls: [{ function: { name: 'weather', arguments: { city: 'Paris' } } }, { function: { name: 'time', arguments: { tz: 'CET' } } }] },
        { role: 'tool', tool_name: 'time', content: '10:00' },
        { role: 'tool', content: 'sunny' },
      ],
    };
    const first = convert(request).body;
    expect(first.messages).toEqual([
      { role: 'user', content: 'weather and time in Paris' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'call_1_0', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
          { id: 'call_1_1', type: 'function', function: { name: 'time', arguments: '{"tz":"CET"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_1_1', content: '10:00' },
      { role: 'tool', tool_call_id: 'call_1_0', content: 'sunny' },
    ]);
    // The same history gives the same bytes on the next turn (prefix caches keep hitting).
    expect(JSON.stringify(convert(request).body)).toBe(JSON.stringify(first));
  });

  it('refuses a tool result that answers no call', () => {
    expect(() => convert({ messages: [{ role: 'user', content: 'hi' }, { role: 'tool', tool_name: 'x', content: 'y' }] })).toThrow(/messages\[1\] is a tool result/);
  });

  it('maps options, format and think, and lists what it dropped', () => {
    const { body, dropped } = convert({
      messages: [{ role: 'user', content: 'hi' }],
      options: { num_predict: 100, temperature: 0.5, top_p: 0.9, seed: 7, stop: 'END', num_ctx: 8192, top_k: 40 },
      format: { type: 'object', properties: { a: { type: 'string' } } },
      think: 'high',
      tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }],
    });
    expect(body).toMatchObject({
      max_tokens: 100, temperature: 0.5, top_p: 0.9, seed: 7, stop: ['END'], reasoning_effort: 'high',
      response_format: { type: 'json_schema', json_schema: { name: 'response', schema: { type: 'object', properties: { a: { type: 'string' } } } } },
      tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }],
    });
    expect(body).not.toHaveProperty('num_ctx');
    expect(dropped).toEqual(['options.num_ctx', 'options.top_k']);
  });

  it.each([
    [-1, undefined],
    [-2, undefined],
    [0, undefined],
    [256, 256],
  ])('num_predict %i becomes max_tokens %j', (numPredict, maxTokens) => {
    expect(convert({ messages: [{ role: 'user', content: 'hi' }], options: { num_predict: numPredict } }).body.max_tokens).toBe(maxTokens);
  });

  it.each([
    [true, 'medium', []],
    [false, undefined, ['think']],
    ['low', 'low', []],
  ])('think %j becomes reasoning_effort %j', (think, effort, dropped) => {
    const result = convert({ messages: [{ role: 'user', content: 'hi' }], think });
    expect(result.body.reasoning_effort).toBe(effort);
    expect(result.dropped).toEqual(dropped);
  });

  it('lists images on a message OpenAI cannot carry them on', () => {
    expect(convert({ messages: [{ role: 'system', content: 's', images: [PNG] }, { role: 'user', content: 'hi' }] }).dropped).toEqual(['images outside user messages']);
  });
});
