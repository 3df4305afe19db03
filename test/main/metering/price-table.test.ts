import { describe, expect, it } from 'vitest';
import type { PriceData } from '../../../main/metering/price-data.js';
import {
  createPriceTable,
  defaultPriceData,
  isLocalDeployment,
  priceOverridesFromDeployment,
} from '../../../main/metering/price-table.js';

const NOON = Date.parse('2026-06-01T12:00:00Z');

/** A small table in the shipped data's shape, so the rules are tested apart from the prices. */
const FIXTURE: PriceData = {
  about: 'fixture',
  providers: [
    {
      id: 'openai',
      name: 'OpenAI',
      api_pattern: String.raw`https://api\.openai\.com`,
      models: [
        { id: 'gpt-4o-mini', match: { or: [{ equals: 'gpt-4o-mini' }, { equals: 'gpt-4o-mini-2024-07-18' }] }, prices: { input_mtok: 0.15, output_mtok: 0.6 } },
        {
          id: 'gpt-4o',
          match: { or: [{ equals: 'gpt-4o' }, { equals: 'gpt-4o-2024-08-06' }] },
          context_window: 128_000,
          max_output_tokens: 16_384,
          prices: { input_mtok: 2.5, output_mtok: 10, cache_read_mtok: 1.25 },
        },
        { id: 'o-series', match: { regex: '^o[0-9]+(-mini)?$' }, prices: { input_mtok: 1.1, output_mtok: 4.4 } },
        { id: 'embed', match: { and: [{ starts_with: 'text-embedding' }, { ends_with: 'small' }] }, prices: { input_mtok: 0.02 } },
        { id: 'audio-only', match: { contains: 'audio' }, prices: {} },
      ],
    },
    {
      id: 'anthropic',
      name: 'Anthropic',
      api_pattern: String.raw`https://api\.anthropic\.com`,
      models: [
        {
          id: 'claude-sonnet-4-5',
          match: { starts_with: 'claude-sonnet-4-5' },
          context_window: 200_000,
          prices: {
            input_mtok: { base: 3, tiers: [{ start: 200_000, price: 6 }] },
            output_mtok: { base: 15, tiers: [{ start: 200_000, price: 22.5 }] },
            cache_read_mtok: 0.3,
            cache_write_mtok: 3.75,
          },
        },
        { id: 'claude-sonnet-4-0', match: { starts_with: 'claude-sonnet-4-2025-05-14' }, prices: { input_mtok: 3, output_mtok: 15 } },
      ],
    },
    {
      id: 'deepseek',
      name: 'DeepSeek',
      api_pattern: String.raw`https://api\.deepseek\.com`,
      models: [
        {
          id: 'deepseek-chat',
          match: { equals: 'deepseek-chat' },
          prices: [
            { prices: { input_mtok: 0.135, output_mtok: 0.55 } },
            { constraint: { type: 'start_date', start_date: '2026-08-17' }, prices: { input_mtok: 0.22, output_mtok: 0.66 } },
            // Peak hours are the standard price; outside them the first entry applies.
            { constraint: { type: 'time_of_date', start_time: '00:30:00Z', end_time: '16:30:00Z' }, prices: { input_mtok: 0.27, output_mtok: 1.1 } },
          ],
        },
        {
          id: 'night-owl',
          match: { equals: 'night-owl' },
          prices: [
            { prices: { input_mtok: 2, output_mtok: 2 } },
            { constraint: { type: 'time_of_date', start_time: '22:00:00Z', end_time: '02:00:00Z' }, prices: { input_mtok: 1, output_mtok: 1 } },
          ],
        },
      ],
    },
    {
      id: 'azure',
      name: 'Azure',
      api_pattern: String.raw`(https?://)?([^.]*\.)?openai\.azure\.com`,
      fallback_model_providers: ['openai'],
      models: [{ id: 'gpt-4o-mini', match: { equals: 'gpt-4o-mini' }, prices: { input_mtok: 0.165, output_mtok: 0.66 } }],
    },
    {
      id: 'dashscope',
      name: 'Dashscope',
      api_pattern: String.raw`https://dashscope(?:-intl)?\.aliyuncs\.com`,
      models: [{ id: 'qwen-plus', match: { starts_with: 'qwen-plus' }, prices: { input_mtok: 0.4, output_mtok: 1.2, output_reasoning_mtok: 4 } }],
    },
  ],
};

const table = createPriceTable(FIXTURE, { now: () => NOON });

describe('price-table', () => {
  it.each([
    ['openai', 'gpt-4o', 'openai/gpt-4o'],
    ['openai', 'openai/gpt-4o', 'openai/gpt-4o'],
    ['openai', 'GPT-4o-2024-08-06', 'openai/gpt-4o'],
    ['openai', 'gpt-4o-mini', 'openai/gpt-4o-mini'],
    ['openai', 'o3-mini', 'openai/o-series'],
    ['openai', 'text-embedding-3-small', 'openai/embed'],
    ['text-completion-openai', 'gpt-4o', 'openai/gpt-4o'],
    ['anthropic', 'anthropic/claude-sonnet-4-5-20250929', 'anthropic/claude-sonnet-4-5'],
    ['anthropic', 'claude-sonnet-4-20250514', 'anthropic/claude-sonnet-4-0'],
    ['azure', 'gpt-4o-mini', 'azure/gpt-4o-mini'],
    ['azure', 'gpt-4o', 'openai/gpt-4o'],
    ['dashscope', 'dashscope/qwen-plus', 'dashscope/qwen-plus'],
    ['openrouter', 'anthropic/claude-sonnet-4-5', 'anthropic/claude-sonnet-4-5'],
    ['openrouter', 'openrouter/qwen/qwen-plus', 'dashscope/qwen-plus'],
    ['', 'deepseek-chat', 'deepseek/deepseek-chat'],
  ])('prices %s %s from the row %s', (provider, model, entry) => {
    expect(table.lookup(provider, model)?.entry).toBe(entry);
  });

  it.each([
    ['groq', 'llama-3.1-8b-instant'],
    ['openai', 'gpt-4o-realtime'],
    ['openai', 'audio-model'],
    ['groq', 'gpt-4o'],
    ['openai', `gpt-4o${'x'.repeat(300)}`],
    ['openai', ''],
  ])('knows no price for %s %j', (provider, model) => {
    expect(table.lookup(provider, model)).toBeUndefined();
  });

  it('takes the first matching row, so a specific row listed first wins over a broader one', () => {
    const t = createPriceTable({
      providers: [{
        id: 'openai', name: 'o', api_pattern: 'x',
        models: [
          { id: 'specific', match: { equals: 'gpt-x-mini' }, prices: { input_mtok: 1 } },
          { id: 'broad', match: { starts_with: 'gpt-x' }, prices: { input_mtok: 9 } },
        ],
      }],
    });
    expect(t.lookup('openai', 'gpt-x-mini')?.entry).toBe('openai/specific');
    expect(t.lookup('openai', 'gpt-x-large')?.entry).toBe('openai/broad');
  });

  it('gives rates in micro-USD per token with context and output limits', () => {
    expect(table.lookup('openai', 'gpt-4o')).toEqual({
      rates: { input: 2.5, output: 10, cacheRead: 1.25, cacheWrite: undefined, reasoning: undefined },
      tiers: [],
      maxInputTokens: 128_000,
      maxOutputTokens: 16_384,
      source: 'table',
      entry: 'openai/gpt-4o',
    });
  });

  it('turns long-context prices into request-level tiers above their start', () => {
    const price = table.lookup('anthropic', 'claude-sonnet-4-5');
    expect(price?.rates).toEqual({ input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75, reasoning: undefined });
    expect(price?.tiers).toEqual([{ above: 200_000, rates: { input: 6, output: 22.5, cacheRead: 0.3, cacheWrite: 3.75, reasoning: undefined } }]);
  });

  it('keeps a reasoning rate where the data has one', () => {
    expect(table.lookup('dashscope', 'qwen-plus')?.rates.reasoning).toBe(4);
  });

  it.each([
    ['2026-06-01T12:00:00Z', 0.27],
    ['2026-06-01T20:00:00Z', 0.135],
    ['2026-06-01T00:29:59Z', 0.135],
    ['2026-06-01T00:30:00Z', 0.27],
    ['2026-09-01T20:00:00Z', 0.22],
    ['2026-09-01T10:00:00Z', 0.27],
  ])('picks the dated and off-peak price in force at %s', (iso, input) => {
    expect(table.lookup('deepseek', 'deepseek-chat', undefined, Date.parse(iso))?.rates.input).toBe(input);
  });

  it.each([
    ['2026-06-01T23:00:00Z', 1],
    ['2026-06-01T01:59:59Z', 1],
    ['2026-06-01T02:00:00Z', 2],
    ['2026-06-01T12:00:00Z', 2],
  ])('handles a time-of-day window that wraps midnight (%s)', (iso, input) => {
    expect(table.lookup('deepseek', 'night-owl', undefined, Date.parse(iso))?.rates.input).toBe(input);
  });

  it('reads the injected clock when no time is given, also for a name it has looked up before', () => {
    let now = Date.parse('2026-06-01T12:00:00Z');
    const t = createPriceTable(FIXTURE, { now: () => now });
    expect(t.lookup('deepseek', 'deepseek-chat')?.rates.input).toBe(0.27);
    now = Date.parse('2026-06-01T20:00:00Z');
    expect(t.lookup('deepseek', 'deepseek-chat')?.rates.input).toBe(0.135);
  });

  it('prices an Azure deployment by its base_model', () => {
    expect(table.lookup('azure', 'prod-chat', 'azure/gpt-4o')?.entry).toBe('openai/gpt-4o');
    expect(table.resolvePrice({ provider: 'azure', model: 'prod-chat', baseModel: 'gpt-4o-mini' })?.entry).toBe('azure/gpt-4o-mini');
  });

  it('falls back to the deployment name when the base_model is unknown', () => {
    expect(table.lookup('azure', 'gpt-4o', 'azure/not-a-model')?.entry).toBe('openai/gpt-4o');
  });

  it.each([
    ['https://api.deepseek.com/v1', 'deepseek-chat', 'deepseek/deepseek-chat'],
    ['https://dashscope-intl.aliyuncs.com/compatible-mode/v1', 'qwen-plus', 'dashscope/qwen-plus'],
    ['https://api.openai.com/v1', 'gpt-4o', 'openai/gpt-4o'],
  ])('prices an OpenAI-compatible deployment at %s as that provider', (apiBase, model, entry) => {
    expect(table.resolvePrice({ provider: 'openai', model, apiBase })?.entry).toBe(entry);
  });

  it.each([
    ['ollama', undefined],
    ['ollama_chat', 'http://127.0.0.1:11434'],
    ['hosted_vllm', 'http://gpu-box.lan:8000/v1'],
    ['lm_studio', 'http://localhost:1234/v1'],
    ['openai', 'http://127.0.0.1:8080/v1'],
    ['openai', 'http://127.8.9.10:8080/v1'],
    ['openai', 'http://localhost:1234/v1'],
    ['openai', 'http://[::1]:8000/v1'],
    ['openai_like', 'http://LOCALHOST:5000'],
  ])('treats %s at %s as local and free', (provider, apiBase) => {
    expect(isLocalDeployment(provider, apiBase)).toBe(true);
    const price = table.resolvePrice({ provider, model: 'gpt-4o', apiBase });
    expect(price?.source).toBe('local');
    expect(price?.rates).toEqual({ input: 0, output: 0, cacheRead: 0, cacheWrite: 0, reasoning: 0 });
  });

  it.each([
    ['openai', 'https://api.openai.com/v1'],
    ['openai', 'http://127.0.0.1.example.com/v1'],
    ['openai', 'http://localhost.example.com/v1'],
    ['openai', 'http://10.0.0.5:8000/v1'],
    ['openai', 'not a url'],
    ['openai', undefined],
    ['anthropic', 'http://127.0.0.1:4000'],
  ])('does not treat %s at %s as local', (provider, apiBase) => {
    expect(isLocalDeployment(provider, apiBase)).toBe(false);
  });

  it('lets model_info overrides win field by field, in USD per token', () => {
    const price = table.resolvePrice({
      provider: 'openai',
      model: 'gpt-4o',
      overrides: { input_cost_per_token: 3e-6, cache_read_input_token_cost: 1.1e-6, max_output_tokens: 4000 },
    });
    expect(price).toEqual({
      rates: { input: 3, output: 10, cacheRead: 1.1, cacheWrite: undefined, reasoning: undefined },
      tiers: [],
      maxInputTokens: 128_000,
      maxOutputTokens: 4000,
      source: 'override',
      entry: 'openai/gpt-4o',
    });
  });

  it('drops the table tiers when an override sets a rate, so a typed flat price holds at any length', () => {
    const price = table.resolvePrice({ provider: 'anthropic', model: 'claude-sonnet-4-5', overrides: { output_cost_per_token: 1e-5 } });
    expect(price?.tiers).toEqual([]);
    expect(price?.rates.output).toBe(10);
  });

  it('keeps table tiers and source when only limits are overridden', () => {
    const price = table.resolvePrice({ provider: 'anthropic', model: 'claude-sonnet-4-5', overrides: { max_input_tokens: 100_000 } });
    expect(price?.tiers).toHaveLength(1);
    expect(price?.source).toBe('table');
    expect(price?.maxInputTokens).toBe(100_000);
  });

  it('prices an unknown model from its overrides alone, the unnamed main rate at 0', () => {
    expect(table.resolvePrice({ provider: 'groq', model: 'llama-3.1-8b', overrides: { input_cost_per_token: 5e-8 } })).toEqual({
      rates: { input: 0.05, output: 0, cacheRead: undefined, cacheWrite: undefined, reasoning: undefined },
      tiers: [],
      maxInputTokens: undefined,
      maxOutputTokens: undefined,
      source: 'override',
      entry: undefined,
    });
  });

  it('leaves an unknown model unpriced when the overrides name only cache rates', () => {
    expect(table.resolvePrice({ provider: 'groq', model: 'llama', overrides: { cache_read_input_token_cost: 1e-7 } })).toBeUndefined();
  });

  it('lets an explicit override price a local model', () => {
    const price = table.resolvePrice({ provider: 'ollama', model: 'llama3.2', overrides: { input_cost_per_token: 1e-7, output_cost_per_token: 2e-7 } });
    expect(price?.source).toBe('override');
    expect(price?.rates.input).toBeCloseTo(0.1, 12);
    expect(price?.rates.output).toBeCloseTo(0.2, 12);
  });

  it('ignores override values that are not finite non-negative numbers', () => {
    const price = table.resolvePrice({ provider: 'openai', model: 'gpt-4o', overrides: { input_cost_per_token: Number.NaN, output_cost_per_token: -1 } });
    expect(price?.rates.input).toBe(2.5);
    expect(price?.rates.output).toBe(10);
  });

  it('maps a parsed deployment to LiteLLM override names', () => {
    expect(
      priceOverridesFromDeployment({ pricing: { inputCostPerToken: 1e-6, cacheReadInputTokenCost: 1e-7 }, maxOutputTokens: 8192 }),
    ).toEqual({
      input_cost_per_token: 1e-6,
      output_cost_per_token: undefined,
      cache_read_input_token_cost: 1e-7,
      cache_creation_input_token_cost: undefined,
      max_input_tokens: undefined,
      max_output_tokens: 8192,
    });
  });

  it.each([
    [{ providers: [{ id: 'x', name: 'x', api_pattern: 'x', models: [{ id: 'm', match: { equals: 'm' }, prices: { input_mtok: -1 } }] }] }, 'providers.0.models.0.prices'],
    [{ providers: [{ id: 'x', name: 'x', api_pattern: 'x', models: [{ id: 'm', match: { like: 'm' }, prices: {} }] }] }, 'providers.0.models.0.match'],
    [{ providers: 'none' }, 'providers'],
  ])('refuses invalid price data with the path of the problem', (data, path) => {
    expect(() => createPriceTable(data)).toThrow(`invalid price data at ${path}`);
  });

  describe('with the data shipped with the app', () => {
    const shipped = createPriceTable(undefined, { now: () => NOON });

    it.each([
      ['openai', 'openai/gpt-4o', undefined, 'openai/gpt-4o'],
      ['openai', 'gpt-4o-2024-08-06', undefined, 'openai/gpt-4o'],
      ['openai', 'gpt-4o-mini', undefined, 'openai/gpt-4o-mini'],
      ['openai', 'gpt-5', undefined, 'openai/gpt-5'],
      ['anthropic', 'anthropic/claude-sonnet-4-5', undefined, 'anthropic/claude-sonnet-4-5'],
      ['anthropic', 'claude-sonnet-4-5-20250929', undefined, 'anthropic/claude-sonnet-4-5'],
      ['anthropic', 'claude-haiku-4-5', undefined, 'anthropic/claude-haiku-4-5'],
      ['gemini', 'gemini/gemini-2.5-pro', undefined, 'google/gemini-2.5-pro'],
      ['gemini', 'gemini-2.5-flash', undefined, 'google/gemini-2.5-flash'],
      ['dashscope', 'dashscope/qwen-plus', undefined, 'dashscope/qwen-plus'],
      ['dashscope', 'qwen3-max', undefined, 'dashscope/qwen3-max'],
      ['deepseek', 'deepseek/deepseek-chat', undefined, 'deepseek/deepseek-chat'],
      ['deepseek', 'deepseek-reasoner', undefined, 'deepseek/deepseek-reasoner'],
      ['mistral', 'mistral/mistral-large-latest', undefined, 'mistral/mistral-large'],
      ['azure', 'azure/prod-deployment', 'azure/gpt-4o', 'openai/gpt-4o'],
    ])('prices %s %s (base %s) from %s', (provider, model, baseModel, entry) => {
      const price = shipped.lookup(provider, model, baseModel);
      expect(price?.entry).toBe(entry);
      expect(price?.rates.input).toBeGreaterThan(0);
      expect(price?.rates.output).toBeGreaterThan(0);
    });

    it('has cache-read and cache-write prices below and above the input price for Claude', () => {
      const price = shipped.lookup('anthropic', 'claude-sonnet-4-5');
      expect(price?.rates.cacheRead).toBeLessThan(price?.rates.input ?? 0);
      expect(price?.rates.cacheWrite).toBeGreaterThan(price?.rates.input ?? Infinity);
      expect(price?.maxOutputTokens).toBeGreaterThan(0);
    });

    it('says where its data came from', () => {
      expect(shipped.about).toMatch(/@pydantic\/genai-prices@\d+\.\d+\.\d+/);
      expect(defaultPriceData().providers.map((p) => p.id)).toEqual(['openai', 'anthropic', 'google', 'deepseek', 'mistral', 'azure', 'dashscope']);
    });
  });
});
