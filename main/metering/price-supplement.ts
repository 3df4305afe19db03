// Hand-typed prices for providers @pydantic/genai-prices does not cover: Alibaba Cloud Model
// Studio (Dashscope, Qwen). Kept in the same shape as prices.json so one loader reads both; it
// must never duplicate a provider the generated data has (the generator's data wins by order).
//
// Source: Alibaba Cloud Model Studio, International (Singapore) deployment, USD,
//   https://www.alibabacloud.com/help/en/model-studio/models and .../model-pricing,
//   as transcribed in LiteLLM's model_prices_and_context_window.json (BerriAI/litellm,
//   commit 00035b69f416be24e2e323c13198d9b7d2d1bdf9); cross-checked against llm-zoo 1.37.0
//   (qwen-plus 0.4/1.2, qwen3-max 1.2/6). Read 2026-11-25.
// Caveats: the Mainland China endpoint (dashscope.aliyuncs.com) bills in CNY at other rates;
//   it is priced here at the international rates, override per deployment if it matters.
//   Tiers are by prompt length per request (Alibaba's "tiered pricing"): above a tier's start
//   the whole request is billed at that tier. Thinking-mode output is priced with
//   output_reasoning_mtok on the reasoning tokens only, as LiteLLM does.
import type { PriceData, PriceDataModel } from './price-data.js';

function tiered(base: number, ...tiers: [start: number, price: number][]) {
  return { base, tiers: tiers.map(([start, price]) => ({ start, price })) };
}

const QWEN_MODELS: PriceDataModel[] = [
  {
    id: 'qwen3-coder-plus',
    match: { starts_with: 'qwen3-coder-plus' },
    context_window: 997_952,
    max_output_tokens: 65_536,
    prices: {
      input_mtok: tiered(1, [32_000, 1.8], [128_000, 3], [256_000, 6]),
      output_mtok: tiered(5, [32_000, 9], [128_000, 15], [256_000, 60]),
      cache_read_mtok: tiered(0.1, [32_000, 0.18], [128_000, 0.3], [256_000, 0.6]),
    },
  },
  {
    id: 'qwen3-coder-flash',
    match: { starts_with: 'qwen3-coder-flash' },
    context_window: 997_952,
    max_output_tokens: 65_536,
    prices: {
      input_mtok: tiered(0.3, [32_000, 0.5], [128_000, 0.8], [256_000, 1.6]),
      output_mtok: tiered(1.5, [32_000, 2.5], [128_000, 4], [256_000, 9.6]),
      cache_read_mtok: tiered(0.08, [32_000, 0.12], [128_000, 0.2], [256_000, 0.4]),
    },
  },
  {
    id: 'qwen3-max',
    match: { starts_with: 'qwen3-max' },
    context_window: 258_048,
    max_output_tokens: 65_536,
    prices: {
      input_mtok: tiered(1.2, [32_000, 2.4], [128_000, 3]),
      output_mtok: tiered(6, [32_000, 12], [128_000, 15]),
    },
  },
  {
    id: 'qwen3.5-plus',
    match: { starts_with: 'qwen3.5-plus' },
    context_window: 991_808,
    max_output_tokens: 65_536,
    prices: {
      input_mtok: tiered(0.4, [256_000, 0.5]),
      output_mtok: tiered(2.4, [256_000, 3]),
    },
  },
  {
    id: 'qwen3-vl-plus',
    match: { starts_with: 'qwen3-vl-plus' },
    context_window: 260_096,
    max_output_tokens: 32_768,
    prices: {
      input_mtok: tiered(0.2, [32_000, 0.3], [128_000, 0.6]),
      output_mtok: tiered(1.6, [32_000, 2.4], [128_000, 4.8]),
    },
  },
  {
    id: 'qwen3-vl-235b-a22b-thinking',
    match: { equals: 'qwen3-vl-235b-a22b-thinking' },
    context_window: 131_072,
    max_output_tokens: 32_768,
    prices: { input_mtok: 0.4, output_mtok: 4 },
  },
  {
    id: 'qwen3-vl-235b-a22b-instruct',
    match: { equals: 'qwen3-vl-235b-a22b-instruct' },
    context_window: 131_072,
    max_output_tokens: 32_768,
    prices: { input_mtok: 0.4, output_mtok: 1.6 },
  },
  {
    id: 'qwen3-next-80b-a3b',
    match: { starts_with: 'qwen3-next-80b-a3b' },
    context_window: 262_144,
    max_output_tokens: 65_536,
    prices: { input_mtok: 0.15, output_mtok: 1.2 },
  },
  {
    // The 1M-context generation of qwen-plus; must come before the plain `qwen-plus` row.
    id: 'qwen-plus-latest',
    match: { or: [{ equals: 'qwen-plus-latest' }, { starts_with: 'qwen-plus-2025-07-28' }, { starts_with: 'qwen-plus-2025-09-11' }] },
    context_window: 997_952,
    max_output_tokens: 32_768,
    prices: {
      input_mtok: tiered(0.4, [256_000, 1.2]),
      output_mtok: tiered(1.2, [256_000, 3.6]),
      output_reasoning_mtok: tiered(4, [256_000, 12]),
    },
  },
  {
    id: 'qwen-plus',
    match: { starts_with: 'qwen-plus' },
    context_window: 129_024,
    max_output_tokens: 16_384,
    prices: { input_mtok: 0.4, output_mtok: 1.2, output_reasoning_mtok: 4 },
  },
  {
    id: 'qwen-max',
    match: { starts_with: 'qwen-max' },
    context_window: 30_720,
    max_output_tokens: 8_192,
    prices: { input_mtok: 1.6, output_mtok: 6.4 },
  },
  {
    // qwen-turbo-latest has a 1M window, plain qwen-turbo 129k; the larger bound is kept so the
    // context-window guard never refuses what the upstream would take.
    id: 'qwen-turbo',
    match: { starts_with: 'qwen-turbo' },
    context_window: 1_000_000,
    max_output_tokens: 16_384,
    prices: { input_mtok: 0.05, output_mtok: 0.2, output_reasoning_mtok: 0.5 },
  },
  {
    id: 'qwen-flash',
    match: { starts_with: 'qwen-flash' },
    context_window: 997_952,
    max_output_tokens: 32_768,
    prices: {
      input_mtok: tiered(0.05, [256_000, 0.25]),
      output_mtok: tiered(0.4, [256_000, 2]),
    },
  },
  {
    id: 'qwen-coder',
    match: { equals: 'qwen-coder' },
    context_window: 1_000_000,
    max_output_tokens: 16_384,
    prices: { input_mtok: 0.3, output_mtok: 1.5 },
  },
  {
    id: 'qwq-plus',
    match: { starts_with: 'qwq-plus' },
    context_window: 98_304,
    max_output_tokens: 8_192,
    prices: { input_mtok: 0.8, output_mtok: 2.4 },
  },
];

export const PRICE_SUPPLEMENT: PriceData = {
  about: 'dashscope: hand-typed from Alibaba Cloud Model Studio (international, USD), 2026-11-25',
  providers: [
    {
      id: 'dashscope',
      name: 'Alibaba Cloud Model Studio (Dashscope)',
      api_pattern: String.raw`https://dashscope(?:-intl|-us)?\.aliyuncs\.com`,
      models: QWEN_MODELS,
    },
  ],
};
