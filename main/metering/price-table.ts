// Price table: turns (provider, model) into a Price in micro-USD per token, from the price data
// shipped with the app (prices.json, generated from @pydantic/genai-prices, plus the hand-typed
// Dashscope supplement), per-deployment LiteLLM model_info overrides, and the local-provider rule.
// It never does I/O, never reads the clock on its own (time-dependent prices take `at`), and
// never throws at request time: an unknown model is `undefined`, and the caller decides.
import pricesJson from './prices.json' with { type: 'json' };
import { PRICE_SUPPLEMENT } from './price-supplement.js';
import {
  compileMatch,
  parsePriceData,
  type ConditionalPrice,
  type Matcher,
  type ModelPrice,
  type PriceData,
  type PriceDataModel,
  type PriceDataProvider,
  type PriceValue,
} from './price-data.js';

/**
 * Rates in micro-USD per token, which is numerically USD per million tokens: the unit price
 * lists use, so table values need no conversion. `undefined` cache and reasoning rates fall back
 * to the input and output rates (see compute-cost.ts for why).
 */
export interface TokenRates {
  input: number;
  output: number;
  cacheRead: number | undefined;
  cacheWrite: number | undefined;
  reasoning: number | undefined;
}

/** Long-context pricing: when prompt tokens exceed `above`, the whole request uses `rates`. */
export interface PriceTier {
  above: number;
  rates: TokenRates;
}

export type PriceSource = 'table' | 'override' | 'local';

export interface Price {
  rates: TokenRates;
  /** Ascending by `above`; empty for flat prices. */
  tiers: readonly PriceTier[];
  /** From the table's context window or model_info.max_input_tokens; an upper bound on the prompt. */
  maxInputTokens: number | undefined;
  maxOutputTokens: number | undefined;
  source: PriceSource;
  /** The table row that priced it, e.g. `anthropic/claude-sonnet-4-5`; for logs and the dashboard. */
  entry: string | undefined;
}

/**
 * Per-deployment overrides with LiteLLM's model_info names, in USD per token as LiteLLM's
 * config has them. Each one set wins over the table, field by field.
 */
export interface PriceOverrides {
  input_cost_per_token?: number | undefined;
  output_cost_per_token?: number | undefined;
  cache_read_input_token_cost?: number | undefined;
  cache_creation_input_token_cost?: number | undefined;
  output_cost_per_reasoning_token?: number | undefined;
  max_input_tokens?: number | undefined;
  max_output_tokens?: number | undefined;
}

export interface ResolvePriceInput {
  /** The LiteLLM provider prefix as written in the config: `openai`, `azure`, `ollama_chat`... */
  provider: string;
  /** The upstream model name, with or without a provider prefix. */
  model: string;
  /** model_info.base_model: what an Azure deployment really is, e.g. `azure/gpt-4o`. */
  baseModel?: string | undefined;
  overrides?: PriceOverrides | undefined;
  apiBase?: string | undefined;
  /** Epoch ms the price applies at (dated and off-peak prices). Defaults to the table's clock. */
  at?: number | undefined;
}

export interface PriceTable {
  /** The table's own price for a model, or undefined when no row matches. */
  lookup(provider: string, model: string, baseModel?: string, at?: number): Price | undefined;
  /**
   * The price a request to one deployment is charged at: overrides over local-is-free over the
   * table. Undefined means "we don't know": the caller records cost 0 and says so.
   */
  resolvePrice(input: ResolvePriceInput): Price | undefined;
  /** Provenance of the data, for the dashboard. */
  readonly about: string | undefined;
}

export interface PriceTableOptions {
  /** Epoch-ms clock for time-dependent prices when a call passes no `at`. */
  now?: () => number;
}

/** Self-hosted servers: no per-token bill whatever the model is called. */
const LOCAL_PROVIDERS: ReadonlySet<string> = new Set([
  'ollama', 'ollama_chat', 'hosted_vllm', 'vllm', 'lm_studio', 'llamafile', 'xinference', 'local',
]);

/** OpenAI-wire providers whose real identity is their api_base. */
const OPENAI_COMPATIBLE: ReadonlySet<string> = new Set([
  'openai', 'openai_like', 'custom_openai', 'text-completion-openai', 'openai_compatible', '',
]);

/** LiteLLM provider prefixes (and vendor prefixes seen in model names) -> price-data provider ids. */
const PROVIDER_ALIASES: Readonly<Record<string, string>> = {
  openai: 'openai',
  'text-completion-openai': 'openai',
  azure: 'azure',
  azure_text: 'azure',
  azure_ai: 'azure',
  anthropic: 'anthropic',
  gemini: 'google',
  google: 'google',
  vertex_ai: 'google',
  vertex_ai_beta: 'google',
  google_ai_studio: 'google',
  deepseek: 'deepseek',
  'deepseek-ai': 'deepseek',
  mistral: 'mistral',
  mistralai: 'mistral',
  codestral: 'mistral',
  'text-completion-codestral': 'mistral',
  dashscope: 'dashscope',
  qwen: 'dashscope',
  alibaba: 'dashscope',
};

/** Longer names are not model names; refusing them keeps regex matching cheap on hostile input. */
const MAX_MODEL_NAME = 256;
const CACHE_LIMIT = 2048;

interface CompiledModel {
  row: PriceDataModel;
  matches: Matcher;
}

interface CompiledProvider {
  data: PriceDataProvider;
  apiPattern: RegExp;
  models: CompiledModel[];
}

interface Hit {
  provider: CompiledProvider;
  model: CompiledModel;
}

let defaultData: PriceData | undefined;

/** The data shipped with the app: the generated subset followed by the hand-typed supplement. */
export function defaultPriceData(): PriceData {
  defaultData ??= parsePriceData({
    about: `${(pricesJson as { about?: string }).about ?? 'prices.json'}; ${PRICE_SUPPLEMENT.about ?? ''}`,
    providers: [...(pricesJson as { providers: unknown[] }).providers, ...PRICE_SUPPLEMENT.providers],
  });
  return defaultData;
}

export function createPriceTable(data?: unknown, options: PriceTableOptions = {}): PriceTable {
  const parsed = data === undefined ? defaultPriceData() : parsePriceData(data);
  const now = options.now ?? Date.now;
  const providers = parsed.providers.map(compileProvider);
  const byId = new Map(providers.map((p) => [p.data.id, p]));
  const cache = new Map<string, Hit | null>();

  function findInProvider(provider: CompiledProvider, name: string, seen: Set<string>): Hit | undefined {
    if (seen.has(provider.data.id)) return undefined;
    seen.add(provider.data.id);
    const direct = provider.models.find((m) => m.matches(name));
    if (direct !== undefined) return { provider, model: direct };
    for (const id of provider.data.fallback_model_providers ?? []) {
      const fallback = byId.get(id);
      const hit = fallback === undefined ? undefined : findInProvider(fallback, name, seen);
      if (hit !== undefined) return hit;
    }
    return undefined;
  }

  /** Tries a name as given and with a compact date suffix spelled out (`-20250514` -> `-2025-05-14`). */
  function findName(providerIds: readonly string[], name: string): Hit | undefined {
    const spellings = [name];
    const dashed = dashDates(name);
    if (dashed !== name) spellings.push(dashed);
    for (const spelling of spellings) {
      for (const id of providerIds) {
        const provider = byId.get(id);
        const hit = provider === undefined ? undefined : findInProvider(provider, spelling, new Set());
        if (hit !== undefined) return hit;
      }
    }
    return undefined;
  }

  function findOne(provider: string, model: string, apiBase: string | undefined): Hit | undefined {
    const providerKey = provider.trim().toLowerCase();
    let name = model.trim();
    if (name.length === 0 || name.length > MAX_MODEL_NAME) return undefined;

    // `openai/gpt-4o` with provider `openai`: the prefix repeats the provider.
    const prefix = splitPrefix(name);
    const providerAlias = PROVIDER_ALIASES[providerKey];
    if (prefix !== undefined && (prefix.key === providerKey || (providerAlias !== undefined && PROVIDER_ALIASES[prefix.key] === providerAlias))) {
      name = prefix.rest;
    }

    const order: string[] = [];
    // An OpenAI-compatible deployment pointed at DeepSeek, Dashscope... is priced as that provider.
    if (apiBase !== undefined && OPENAI_COMPATIBLE.has(providerKey)) {
      const byBase = providers.find((p) => p.data.id !== 'openai' && p.apiPattern.test(apiBase));
      if (byBase !== undefined) order.push(byBase.data.id);
    }
    if (providerAlias !== undefined) order.push(providerAlias);

    const found = order.length > 0 ? findName(order, name) : undefined;
    if (found !== undefined) return found;

    // A vendor prefix inside the name (`openrouter` + `anthropic/claude-sonnet-4-5`) names the
    // table to use when the provider itself is not one we price.
    const inner = splitPrefix(name);
    const innerId = inner === undefined ? undefined : PROVIDER_ALIASES[inner.key];
    if (inner !== undefined && innerId !== undefined) {
      const hit = findName([innerId], inner.rest);
      if (hit !== undefined) return hit;
    }

    // No provider at all (a bare model group name): every table, in data order.
    if (providerKey === '') return findName(providers.map((p) => p.data.id), name);
    return undefined;
  }

  function find(provider: string, model: string, baseModel: string | undefined, apiBase: string | undefined): Hit | undefined {
    const key = `${provider}\u0000${model}\u0000${baseModel ?? ''}\u0000${apiBase ?? ''}`;
    const cached = cache.get(key);
    if (cached !== undefined) return cached ?? undefined;
    // base_model is the truth for Azure deployments; the deployment name is only a fallback.
    const hit = (baseModel === undefined ? undefined : findOne(provider, baseModel, apiBase)) ?? findOne(provider, model, apiBase);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(key, hit ?? null);
    return hit;
  }

  function lookupAt(provider: string, model: string, baseModel: string | undefined, apiBase: string | undefined, at: number): Price | undefined {
    const hit = find(provider, model, baseModel, apiBase);
    return hit === undefined ? undefined : priceFromRow(hit.provider.data, hit.model.row, at);
  }

  return {
    about: parsed.about,
    lookup(provider, model, baseModel, at) {
      return lookupAt(provider, model, baseModel, undefined, at ?? now());
    },
    resolvePrice(input) {
      const at = input.at ?? now();
      const local = isLocalDeployment(input.provider, input.apiBase);
      const base: Price | undefined = local ? freePrice() : lookupAt(input.provider, input.model, input.baseModel, input.apiBase, at);
      return applyOverrides(base, input.overrides);
    },
  };
}

/**
 * Self-hosted model servers cost nothing per token: the LiteLLM local providers, and an
 * OpenAI-compatible deployment whose api_base is this machine. A loopback base is taken as a
 * local server (llama.cpp, vLLM, LM Studio); a local proxy to a paid cloud needs an override.
 */
export function isLocalDeployment(provider: string, apiBase: string | undefined): boolean {
  const key = provider.trim().toLowerCase();
  if (LOCAL_PROVIDERS.has(key)) return true;
  if (!OPENAI_COMPATIBLE.has(key) || apiBase === undefined) return false;
  return isLoopbackUrl(apiBase);
}

function isLoopbackUrl(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return false;
  }
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (host === '[::1]' || host === '::1') return true;
  if (/^\[::ffff:(7f[0-9a-f]{2}:[0-9a-f]{1,4}|127\.\d+\.\d+\.\d+)\]$/.test(host)) return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** Maps a deployment's parsed config (camelCase, as routing/deployment.ts has it) to overrides. */
export function priceOverridesFromDeployment(deployment: {
  pricing?: {
    inputCostPerToken?: number | undefined;
    outputCostPerToken?: number | undefined;
    cacheReadInputTokenCost?: number | undefined;
    cacheCreationInputTokenCost?: number | undefined;
  } | undefined;
  maxInputTokens?: number | undefined;
  maxOutputTokens?: number | undefined;
}): PriceOverrides {
  const p = deployment.pricing ?? {};
  return {
    input_cost_per_token: p.inputCostPerToken,
    output_cost_per_token: p.outputCostPerToken,
    cache_read_input_token_cost: p.cacheReadInputTokenCost,
    cache_creation_input_token_cost: p.cacheCreationInputTokenCost,
    max_input_tokens: deployment.maxInputTokens,
    max_output_tokens: deployment.maxOutputTokens,
  };
}

function freePrice(): Price {
  return {
    rates: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, reasoning: 0 },
    tiers: [],
    maxInputTokens: undefined,
    maxOutputTokens: undefined,
    source: 'local',
    entry: undefined,
  };
}

/** USD per token (LiteLLM's unit) -> micro-USD per token (ours). */
function perToken(usd: number | undefined): number | undefined {
  if (usd === undefined || !Number.isFinite(usd) || usd < 0) return undefined;
  // 3e-6 * 1e6 is 2.9999999999999996 in floating point; twelve decimals is a pico-dollar.
  return Number((usd * 1e6).toFixed(12));
}

function applyOverrides(base: Price | undefined, overrides: PriceOverrides | undefined): Price | undefined {
  if (overrides === undefined) return base;
  const input = perToken(overrides.input_cost_per_token);
  const output = perToken(overrides.output_cost_per_token);
  const cacheRead = perToken(overrides.cache_read_input_token_cost);
  const cacheWrite = perToken(overrides.cache_creation_input_token_cost);
  const reasoning = perToken(overrides.output_cost_per_reasoning_token);
  const maxIn = positiveInt(overrides.max_input_tokens);
  const maxOut = positiveInt(overrides.max_output_tokens);
  const anyRate = [input, output, cacheRead, cacheWrite, reasoning].some((r) => r !== undefined);

  if (base === undefined) {
    // Without a table row, an override must name the main rates; the one left out is what the
    // user wrote nothing for (an embeddings model has no output), so it is 0.
    if (input === undefined && output === undefined) return undefined;
    return {
      rates: { input: input ?? 0, output: output ?? 0, cacheRead, cacheWrite, reasoning },
      tiers: [],
      maxInputTokens: maxIn,
      maxOutputTokens: maxOut,
      source: 'override',
      entry: undefined,
    };
  }
  return {
    rates: {
      input: input ?? base.rates.input,
      output: output ?? base.rates.output,
      cacheRead: cacheRead ?? base.rates.cacheRead,
      cacheWrite: cacheWrite ?? base.rates.cacheWrite,
      reasoning: reasoning ?? base.rates.reasoning,
    },
    // A flat price the user typed is authoritative: the table's long-context tiers would
    // silently replace it above their threshold.
    tiers: anyRate ? [] : base.tiers,
    maxInputTokens: maxIn ?? base.maxInputTokens,
    maxOutputTokens: maxOut ?? base.maxOutputTokens,
    source: anyRate ? 'override' : base.source,
    entry: base.entry,
  };
}

function positiveInt(n: number | undefined): number | undefined {
  return n !== undefined && Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

function splitPrefix(name: string): { key: string; rest: string } | undefined {
  const slash = name.indexOf('/');
  if (slash <= 0 || slash === name.length - 1) return undefined;
  return { key: name.slice(0, slash).toLowerCase(), rest: name.slice(slash + 1) };
}

const COMPACT_DATE = /-(20\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?=-|:|@|$)/g;

function dashDates(name: string): string {
  return name.replace(COMPACT_DATE, (_m, y: string, mo: string, d: string) => `-${y}-${mo}-${d}`);
}

function compileProvider(data: PriceDataProvider): CompiledProvider {
  return {
    data,
    apiPattern: new RegExp(`^(?:${data.api_pattern})`, 'i'),
    models: data.models.map((row) => ({ row, matches: compileMatch(row.match) })),
  };
}

function priceFromRow(provider: PriceDataProvider, row: PriceDataModel, at: number): Price | undefined {
  const prices = Array.isArray(row.prices) ? pickConditional(row.prices, at) : row.prices;
  if (prices.input_mtok === undefined && prices.output_mtok === undefined) return undefined;

  const starts = new Set<number>();
  for (const value of Object.values(prices) as (PriceValue | undefined)[]) {
    if (value !== undefined && typeof value !== 'number') for (const t of value.tiers) starts.add(t.start);
  }
  const tiers = [...starts].sort((a, b) => a - b).map((above) => ({ above, rates: ratesAt(prices, above + 1) }));
  return {
    rates: ratesAt(prices, 0),
    tiers,
    maxInputTokens: row.context_window,
    maxOutputTokens: row.max_output_tokens,
    source: 'table',
    entry: `${provider.id}/${row.id}`,
  };
}

function ratesAt(prices: ModelPrice, promptTokens: number): TokenRates {
  return {
    input: valueAt(prices.input_mtok, promptTokens) ?? 0,
    output: valueAt(prices.output_mtok, promptTokens) ?? 0,
    cacheRead: valueAt(prices.cache_read_mtok, promptTokens),
    cacheWrite: valueAt(prices.cache_write_mtok, promptTokens),
    reasoning: valueAt(prices.output_reasoning_mtok, promptTokens),
  };
}

/** genai-prices: the highest tier whose start the prompt exceeds applies to the whole request. */
function valueAt(value: PriceValue | undefined, promptTokens: number): number | undefined {
  if (value === undefined || typeof value === 'number') return value;
  let price = value.base;
  for (const tier of value.tiers) if (promptTokens > tier.start) price = tier.price;
  return price;
}

/**
 * genai-prices semantics: scan from the last entry back; an unconstrained entry applies, a
 * start_date entry applies from that UTC day on, a time_of_date entry inside its UTC window
 * (which may wrap midnight). DeepSeek's off-peak discount is such a window.
 */
function pickConditional(entries: ConditionalPrice[], at: number): ModelPrice {
  const date = new Date(at);
  const secondOfDay = date.getUTCHours() * 3600 + date.getUTCMinutes() * 60 + date.getUTCSeconds();
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i];
    if (entry === undefined) continue;
    const c = entry.constraint;
    if (c === undefined) return entry.prices;
    if (c.type === 'start_date') {
      if (at >= Date.parse(`${c.start_date}T00:00:00Z`)) return entry.prices;
    } else {
      const start = secondsOf(c.start_time);
      const end = secondsOf(c.end_time);
      const inside = end < start ? secondOfDay >= start || secondOfDay < end : secondOfDay >= start && secondOfDay < end;
      if (inside) return entry.prices;
    }
  }
  // Nothing applies (only future-dated entries): the first entry, as genai-prices does.
  return (entries[0] as ConditionalPrice).prices;
}

function secondsOf(time: string): number {
  const [h = '0', m = '0', s = '0'] = time.replace(/Z$/, '').split(':');
  return Number(h) * 3600 + Number(m) * 60 + Number(s);
}
