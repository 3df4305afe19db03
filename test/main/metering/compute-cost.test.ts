import { describe, expect, it } from 'vitest';
import {
  computeCostMicros,
  DEFAULT_MAX_OUTPUT_TOKENS,
  isFree,
  worstCaseCostMicros,
} from '../../../main/metering/compute-cost.js';
import type { Price, TokenRates } from '../../../main/metering/price-table.js';
import type { TokenUsage } from '../../../main/providers/provider-adapter.js';

function rates(partial: Partial<TokenRates>): TokenRates {
  return { input: 0, output: 0, cacheRead: undefined, cacheWrite: undefined, reasoning: undefined, ...partial };
}

function price(r: Partial<TokenRates>, extra: Partial<Price> = {}): Price {
  return { rates: rates(r), tiers: [], maxInputTokens: undefined, maxOutputTokens: undefined, source: 'table', entry: 'test/model', ...extra };
}

function usage(u: Partial<TokenUsage>): TokenUsage {
  return { promptTokens: 0, completionTokens: 0, cachedTokens: 0, cacheCreationTokens: 0, reasoningTokens: 0, ...u };
}

// Claude Sonnet 4.5-like: $3 / $15 per 1M, cache read $0.30, cache write $3.75, long context x2.
const SONNET = price(
  { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
  { tiers: [{ above: 200_000, rates: rates({ input: 6, output: 22.5, cacheRead: 0.6, cacheWrite: 7.5 }) }], maxOutputTokens: 64_000 },
);
const QWEN_THINKING = price({ input: 0.4, output: 1.2, reasoning: 4 });
const NO_CACHE_PRICES = price({ input: 2, output: 8 });

describe('compute-cost', () => {
  describe('computeCostMicros', () => {
    it.each([
      ['prompt and completion at their rates', SONNET, usage({ promptTokens: 1000, completionTokens: 500 }), 1000 * 3 + 500 * 15],
      ['cached tokens at the cache-read rate, the rest of the prompt at input', SONNET, usage({ promptTokens: 1000, cachedTokens: 800, completionTokens: 500 }), 200 * 3 + 800 * 0.3 + 500 * 15],
      ['cache-creation tokens at the cache-write rate', SONNET, usage({ promptTokens: 1000, cacheCreationTokens: 1000, completionTokens: 10 }), 1000 * 3.75 + 10 * 15],
      ['cached and created tokens together', SONNET, usage({ promptTokens: 3000, cachedTokens: 1000, cacheCreationTokens: 1000, completionTokens: 0 }), 1000 * 3 + 1000 * 0.3 + 1000 * 3.75],
      ['reasoning tokens as output when the model has no reasoning rate', SONNET, usage({ promptTokens: 0, completionTokens: 500, reasoningTokens: 300 }), 500 * 15],
      ['reasoning tokens at the reasoning rate, the rest of the completion at output', QWEN_THINKING, usage({ promptTokens: 1000, completionTokens: 500, reasoningTokens: 300 }), 1000 * 0.4 + 200 * 1.2 + 300 * 4],
      ['cache tokens at the input rate when no cache price is known', NO_CACHE_PRICES, usage({ promptTokens: 1000, cachedTokens: 600, cacheCreationTokens: 400 }), 1000 * 2],
      ['the long-context tier for the whole request above its start', SONNET, usage({ promptTokens: 250_000, cachedTokens: 50_000, completionTokens: 1000 }), 200_000 * 6 + 50_000 * 0.6 + 1000 * 22.5],
      ['the base rates at exactly the tier start', SONNET, usage({ promptTokens: 200_000, completionTokens: 1000 }), 200_000 * 3 + 1000 * 15],
      ['nothing for nothing', SONNET, usage({}), 0],
    ])('charges %s', (_name, p, u, expected) => {
      expect(computeCostMicros(p, u)).toBe(Math.round(expected));
    });

    it.each([
      // rate (micro-USD per token), tokens, exact micro-USD, rounded
      [0.075, 1, '0.075', 0],
      [0.075, 7, '0.525', 1],
      [0.25, 2, '0.5', 0],
      [0.25, 6, '1.5', 2],
      [0.25, 10, '2.5', 2],
      [0.25, 14, '3.5', 4],
      [0.1, 3, '0.3 (0.30000000000000004 in floating point)', 0],
      [0.1, 5, '0.5 (and 0.5 -> 0, the even neighbour)', 0],
      [0.1, 15, '1.5', 2],
      [0.035, 100, '3.5', 4],
    ])('rounds rate %s x %s tokens = %s half to even -> %s', (rate, tokens, _exact, expected) => {
      expect(computeCostMicros(price({ input: rate }), usage({ promptTokens: tokens }))).toBe(expected);
    });

    it('has no rounding bias over many requests: half-micro remainders go up and down in equal measure', () => {
      // 2 tokens at 0.25 = 0.5 and 6 tokens at 0.25 = 1.5, alternately: exact total 1000,
      // ceil would give 1500, truncation 500.
      const p = price({ input: 0.25 });
      let total = 0;
      for (let i = 0; i < 500; i++) total += computeCostMicros(p, usage({ promptTokens: 2 })) + computeCostMicros(p, usage({ promptTokens: 6 }));
      expect(total).toBe(1000);
    });

    it('stays exact where floating point would not: a billion tokens at a fractional rate', () => {
      expect(computeCostMicros(price({ input: 0.075, output: 0.3 }), usage({ promptTokens: 1e9, completionTokens: 3e9 }))).toBe(75_000_000 + 900_000_000);
    });

    it('always returns a safe integer number of micro-USD', () => {
      const cost = computeCostMicros(SONNET, usage({ promptTokens: 123_457, cachedTokens: 3_333, completionTokens: 7_777, reasoningTokens: 11 }));
      expect(Number.isSafeInteger(cost)).toBe(true);
    });

    it.each([
      ['NaN counts', usage({ promptTokens: Number.NaN, completionTokens: 100 }), 100 * 15],
      ['negative counts', usage({ promptTokens: -50, completionTokens: 100 }), 100 * 15],
      ['infinite counts', usage({ promptTokens: Number.POSITIVE_INFINITY, completionTokens: 100 }), 100 * 15],
      ['fractional counts (floored)', usage({ promptTokens: 10.9, completionTokens: 0 }), 10 * 3],
      ['more cached tokens than prompt tokens (capped at the prompt)', usage({ promptTokens: 100, cachedTokens: 500 }), 100 * 0.3],
      ['cache reads plus writes over the prompt (writes capped to what is left)', usage({ promptTokens: 100, cachedTokens: 60, cacheCreationTokens: 90 }), 60 * 0.3 + 40 * 3.75],
      ['more reasoning tokens than completion tokens (capped)', usage({ completionTokens: 10, reasoningTokens: 50 }), 10 * 15],
      ['a string where a number belongs', usage({ promptTokens: '1000' as unknown as number }), 0],
    ])('survives hostile upstream usage: %s', (_name, u, expected) => {
      expect(computeCostMicros(SONNET, u)).toBe(Math.round(expected));
    });

    it('charges the reasoning cap against the reasoning rate only up to the completion', () => {
      expect(computeCostMicros(QWEN_THINKING, usage({ completionTokens: 100, reasoningTokens: 400 }))).toBe(100 * 4);
    });
  });

  describe('worstCaseCostMicros', () => {
    it.each([
      ['max_tokens as given, prompt at the dearest prompt rate (cache write)', SONNET, { promptTokensEstimate: 1000, maxTokens: 100 }, 1000 * 3.75 + 100 * 15],
      ['the model max output when max_tokens is absent', SONNET, { promptTokensEstimate: 1000 }, 1000 * 3.75 + 64_000 * 15],
      ['max_tokens capped at the model max output', SONNET, { promptTokensEstimate: 0, maxTokens: 1_000_000 }, 64_000 * 15],
      ['the documented default when both are unknown', NO_CACHE_PRICES, { promptTokensEstimate: 10 }, 10 * 2 + DEFAULT_MAX_OUTPUT_TOKENS * 8],
      ['max_tokens 0 as absent', NO_CACHE_PRICES, { promptTokensEstimate: 0, maxTokens: 0 }, DEFAULT_MAX_OUTPUT_TOKENS * 8],
      ['output at the reasoning rate when it is dearer', QWEN_THINKING, { promptTokensEstimate: 100, maxTokens: 100 }, 100 * 0.4 + 100 * 4],
      ['the long-context tier chosen by the prompt estimate', SONNET, { promptTokensEstimate: 300_000, maxTokens: 10 }, 300_000 * 7.5 + 10 * 22.5],
    ])('reserves %s', (_name, p, request, expected) => {
      expect(worstCaseCostMicros(p, request)).toBe(Math.ceil(expected));
    });

    it.each([
      ['n choices of max_tokens each, the prompt once', NO_CACHE_PRICES, { promptTokensEstimate: 10, maxTokens: 9, choices: 128 }, 10 * 2 + 128 * 9 * 8],
      ['n choices of the model max output when max_tokens is absent', SONNET, { promptTokensEstimate: 0, choices: 3 }, 3 * 64_000 * 15],
      ['n choices of the default output when nothing bounds it', NO_CACHE_PRICES, { promptTokensEstimate: 0, choices: 2 }, 2 * DEFAULT_MAX_OUTPUT_TOKENS * 8],
      ['one choice when choices is 0 or absurd', NO_CACHE_PRICES, { promptTokensEstimate: 0, maxTokens: 9, choices: 0 }, 9 * 8],
    ])('reserves %s (S37)', (_name, p, request, expected) => {
      expect(worstCaseCostMicros(p, request)).toBe(Math.ceil(expected));
    });

    it('saturates at the largest safe integer instead of overflowing, so such a request is refused, not a crash (S37)', () => {
      const worst = worstCaseCostMicros(SONNET, { promptTokensEstimate: 0, maxTokens: 64_000, choices: Number.MAX_SAFE_INTEGER });
      expect(worst).toBe(Number.MAX_SAFE_INTEGER);
    });

    it('rounds up, so a tiny request still reserves at least one micro-USD', () => {
      expect(worstCaseCostMicros(price({ input: 0.075 }), { promptTokensEstimate: 1, maxTokens: 1 })).toBe(1);
    });

    it('is never below the settled cost of a reply within its bounds', () => {
      // Deterministic pseudo-random usages (mulberry32) within the reservation's bounds.
      let seed = 42;
      const random = () => {
        seed = (seed + 0x6d2b79f5) | 0;
        let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
        t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
      };
      const prices = [SONNET, QWEN_THINKING, NO_CACHE_PRICES, price({ input: 0.075, output: 0.3, cacheRead: 0.0375 })];
      for (let i = 0; i < 2000; i++) {
        const p = prices[i % prices.length] as Price;
        const prompt = Math.floor(random() * 300_000);
        const maxTokens = 1 + Math.floor(random() * 70_000);
        const completion = Math.floor(random() * Math.min(maxTokens, p.maxOutputTokens ?? maxTokens));
        const cached = Math.floor(random() * prompt);
        const created = Math.floor(random() * (prompt - cached));
        const u = usage({ promptTokens: prompt, completionTokens: completion, cachedTokens: cached, cacheCreationTokens: created, reasoningTokens: Math.floor(random() * completion) });
        expect(worstCaseCostMicros(p, { promptTokensEstimate: prompt, maxTokens })).toBeGreaterThanOrEqual(computeCostMicros(p, u));
      }
    });
  });

  describe('isFree', () => {
    it.each([
      ['a local price', price({ input: 0, output: 0, cacheRead: 0, cacheWrite: 0, reasoning: 0 }, { source: 'local' }), true],
      ['zero input and output with no cache prices', price({ input: 0, output: 0 }), true],
      ['a paid model', SONNET, false],
      ['free input but paid output', price({ input: 0, output: 1 }), false],
      ['free base rates but a paid cache write', price({ input: 0, output: 0, cacheWrite: 1 }), false],
      ['free base rates but a paid long-context tier', price({ input: 0, output: 0 }, { tiers: [{ above: 10, rates: rates({ input: 1 }) }] }), false],
    ])('says %s is %s', (_name, p, expected) => {
      expect(isFree(p)).toBe(expected);
    });
  });
});
