import { describe, expect, it } from 'vitest';
import {
  createTokenCounter,
  estimatePromptTokens,
  estimateTextTokens,
  MEDIA_PART_TOKENS,
  REPLY_PRIMING_TOKENS,
  TOKENS_PER_MESSAGE,
} from '../../../main/core/estimate-tokens.js';

const PNG_DATA_URL = `data:image/png;base64,${'iVBORw0KGgo'.repeat(100)}`;

describe('estimate-tokens', () => {
  describe('estimateTextTokens', () => {
    it.each([
      ['', 0],
      ['a', 1],
      ['abcd', 1],
      ['abcde', 2],
      ['Hello, world!', 4],
      ['x'.repeat(4000), 1000],
      ['éé', 1],
      ['Привет', 3],
      ['你好世界', 4],
      ['こんにちは', 5],
      ['😀😀', 2],
      ['a😀', 2],
    ])('estimates %j as %i tokens', (text, tokens) => {
      expect(estimateTextTokens(text)).toBe(tokens);
    });

    it('weighs every unit as the per-unit rule says, whatever mix and order of ASCII, 2-byte, BMP, astral and lone surrogates', () => {
      // The rule, one unit at a time: ASCII 1 quarter, U+0080..U+07FF 2, U+0800 and up 4, a low
      // surrogate 0 (counted with its high half; a lone one too).
      const reference = (text: string): number => {
        let quarters = 0;
        for (const unit of text.split('')) {
          const c = unit.charCodeAt(0);
          quarters += c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xdc00 && c <= 0xdfff ? 0 : 4;
        }
        return Math.ceil(quarters / 4);
      };
      const pieces = ['a', 'code();\n', ' ', 'é', 'Ж', '—', '你好', '😀', '\ud800', '\udc00', '\u007f', '\u0080', '\u07ff', '\u0800', '\ud7ff', '\udbff', '\udfff', '\ue000', '\uffff', 'x'.repeat(300)];
      let seed = 11;
      const random = (n: number) => {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        // The high bits: an LCG's low bits repeat with a short period.
        return Math.floor(seed / 65536) % n;
      };
      for (let round = 0; round < 500; round++) {
        let text = '';
        for (let k = random(12); k > 0; k--) text += pieces[random(pieces.length)];
        // Tokens round quarters up: with 0-3 ASCII units after it, any quarter off shows.
        for (const pad of ['', 'a', 'aa', 'aaa']) expect(estimateTextTokens(text + pad), JSON.stringify(text + pad)).toBe(reference(text + pad));
      }
    });

    it('lands within a factor of two of a real tokenizer on English prose', () => {
      // "The quick brown fox jumps over the lazy dog." is 10 tokens for cl100k/o200k.
      const tokens = estimateTextTokens('The quick brown fox jumps over the lazy dog.');
      expect(tokens).toBeGreaterThanOrEqual(5);
      expect(tokens).toBeLessThanOrEqual(20);
    });
  });

  describe('createTokenCounter', () => {
    it('counts streamed deltas as the whole text would be counted, whatever the chunking', () => {
      const text = 'Streaming 你好 with émojis 😀 and code `x = 1;`\n'.repeat(20);
      const counter = createTokenCounter();
      for (let i = 0; i < text.length; i += 7) counter.add(text.slice(i, i + 7));
      expect(counter.tokens).toBe(estimateTextTokens(text));
    });

    it('starts at zero and ignores what is not text', () => {
      const counter = createTokenCounter();
      expect(counter.tokens).toBe(0);
      counter.add(undefined as unknown as string);
      counter.add('abcd');
      expect(counter.tokens).toBe(1);
    });
  });

  describe('estimatePromptTokens', () => {
    it('counts chat messages with per-message framing and the reply priming', () => {
      const body = {
        model: 'gpt-4o',
        messages: [
          { role: 'system', content: 'x'.repeat(40) },
          { role: 'user', content: 'y'.repeat(400) },
        ],
      };
      expect(estimatePromptTokens(body)).toBe(REPLY_PRIMING_TOKENS + 2 * TOKENS_PER_MESSAGE + 10 + 100);
    });

    it('ignores request options that are not prompt (model, temperature, max_tokens)', () => {
      const bare = { messages: [{ role: 'user', content: 'hello' }] };
      expect(estimatePromptTokens({ ...bare, model: 'a-very-long-model-name-indeed', temperature: 0.2, max_tokens: 1000, stream: true })).toBe(
        estimatePromptTokens(bare),
      );
    });

    it('counts text content parts and a fixed amount per image, whatever its size', () => {
      const withImage = (url: string) => ({
        messages: [{ role: 'user', content: [{ type: 'text', text: 'abcd'.repeat(10) }, { type: 'image_url', image_url: { url, detail: 'high' } }] }],
      });
      const expected = REPLY_PRIMING_TOKENS + TOKENS_PER_MESSAGE + 10 + MEDIA_PART_TOKENS;
      expect(estimatePromptTokens(withImage('https://example.com/cat.png'))).toBe(expected);
      expect(estimatePromptTokens(withImage(`data:image/png;base64,${'A'.repeat(1_000_000)}`))).toBe(expected);
    });

    it('counts Anthropic image blocks and bare data URLs as media, not as base64 text', () => {
      const anthropic = {
        system: [{ type: 'text', text: 'abcd', cache_control: { type: 'ephemeral' } }],
        messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'A'.repeat(100_000) } }] }],
      };
      expect(estimatePromptTokens(anthropic)).toBe(1 + REPLY_PRIMING_TOKENS + TOKENS_PER_MESSAGE + MEDIA_PART_TOKENS);
      expect(estimatePromptTokens({ input: [PNG_DATA_URL] })).toBe(MEDIA_PART_TOKENS);
    });

    it('counts tool calls, tool results and tool schemas', () => {
      const tools = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }];
      const withTools = estimatePromptTokens({ messages: [{ role: 'user', content: 'hi' }], tools });
      const without = estimatePromptTokens({ messages: [{ role: 'user', content: 'hi' }] });
      expect(withTools - without).toBe(estimateTextTokens(JSON.stringify(tools)));

      const call = {
        messages: [
          { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
          { role: 'tool', tool_call_id: 'call_1', content: 'sunny and 24 degrees' },
        ],
      };
      expect(estimatePromptTokens(call)).toBeGreaterThan(REPLY_PRIMING_TOKENS + 2 * TOKENS_PER_MESSAGE + 10);
    });

    it.each([
      ['a legacy completions prompt', { prompt: 'abcd'.repeat(25) }, 25],
      ['a list of prompts', { prompt: ['abcd', 'abcdabcd'] }, 3],
      ['token ids, one token each', { prompt: [1, 2, 3, 4, 5] }, 5],
      ['embeddings input', { input: ['abcd', 'abcd'] }, 2],
      ['Responses input and instructions', { instructions: 'abcd', input: 'abcdabcd' }, 3],
    ])('counts %s', (_name, body, tokens) => {
      expect(estimatePromptTokens(body)).toBe(tokens);
    });

    it.each([
      ['null', null],
      ['a string', 'hello'],
      ['an array', [1, 2, 3]],
      ['an empty object', {}],
      ['messages that are not an array', { messages: 'hello' }],
    ])('returns 0 for %s', (_name, body) => {
      expect(estimatePromptTokens(body)).toBe(0);
    });

    it('survives deeply nested content without recursion', () => {
      let deep: unknown = 'abcd';
      for (let i = 0; i < 100_000; i++) deep = [deep];
      expect(estimatePromptTokens({ messages: [{ role: 'user', content: deep }] })).toBe(REPLY_PRIMING_TOKENS + TOKENS_PER_MESSAGE + 1);
    });

    it('bounds the work on a body with millions of nodes', () => {
      const wide = { input: new Array<number>(1_000_000).fill(1) };
      const tokens = estimatePromptTokens(wide);
      expect(tokens).toBeGreaterThan(0);
      expect(tokens).toBeLessThanOrEqual(200_000);
    });
  });
});
