// update-prices: regenerates main/metering/prices.json, the price subset shipped with the app,
// from maintained data packages. The app itself never fetches prices: it reads that file.
// Run by a maintainer, never at start or in CI:  npx jiti scripts/update-prices.ts
//
// Sources (devDependencies, MIT):
//   @pydantic/genai-prices  prices, long-context tiers, dated and off-peak prices, context windows
//   llm-zoo                 max_output_tokens only (genai-prices has none)
// To run against unpacked tarballs instead of installed packages, set GENAI_PRICES_MODULE and
// LLM_ZOO_MODULE to their ESM entry files (dist/index.js).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  compileMatch,
  parsePriceData,
  type ConditionalPrice,
  type ModelPrice,
  type PriceData,
  type PriceDataModel,
  type PriceDataProvider,
} from '../main/metering/price-data.js';

/** The providers the issue names (Azure for base_model pricing); Dashscope is hand-typed. */
const PROVIDER_IDS = ['openai', 'anthropic', 'google', 'deepseek', 'mistral', 'azure'] as const;
/** llm-zoo provider name -> our provider id, for max_output_tokens. */
const ZOO_PROVIDERS: Record<string, string> = {
  openai: 'openai', anthropic: 'anthropic', google: 'google', deepseek: 'deepseek', dashscope: 'dashscope',
};
const KEPT_PRICE_KEYS = ['input_mtok', 'output_mtok', 'cache_read_mtok', 'cache_write_mtok'] as const;

interface GenaiModule {
  findProvider(options: { providerId: string }): GenaiProvider | undefined;
}
interface GenaiProvider {
  id: string;
  name: string;
  api_pattern: string;
  fallback_model_providers?: string[];
  models: { id: string; match: unknown; context_window?: number; deprecated?: boolean; prices: unknown }[];
}
interface ZooModule {
  MODEL_CONFIGS: Record<string, { fullName: string; provider: string; maxOutputTokens: number; openRouterOnly?: boolean }>;
}

const OUT = fileURLToPath(new URL('../main/metering/prices.json', import.meta.url));

async function main(): Promise<void> {
  const genaiSpecifier = process.env.GENAI_PRICES_MODULE ?? '@pydantic/genai-prices';
  const zooSpecifier = process.env.LLM_ZOO_MODULE ?? 'llm-zoo';
  const genai = (await import(genaiSpecifier)) as GenaiModule;
  const zoo = (await import(zooSpecifier)) as ZooModule;
  const genaiVersion = await packageVersion(genaiSpecifier);
  const zooVersion = await packageVersion(zooSpecifier);

  const providers: PriceDataProvider[] = [];
  for (const id of PROVIDER_IDS) {
    const source = genai.findProvider({ providerId: id });
    if (source === undefined || source.id !== id) throw new Error(`@pydantic/genai-prices has no provider '${id}'`);
    const models = source.models.flatMap((m) => {
      const prices = slimPrices(m.prices);
      if (prices === undefined) return [];
      const row: PriceDataModel = { id: m.id, match: m.match as PriceDataModel['match'], prices };
      if (m.context_window !== undefined) row.context_window = m.context_window;
      if (m.deprecated === true) row.deprecated = true;
      return [row];
    });
    const fallbacks = (source.fallback_model_providers ?? []).filter((f) => (PROVIDER_IDS as readonly string[]).includes(f));
    providers.push({
      id: source.id,
      name: source.name,
      api_pattern: source.api_pattern,
      ...(fallbacks.length > 0 ? { fallback_model_providers: fallbacks } : {}),
      models,
    });
  }

  addMaxOutputTokens(providers, zoo);

  const data: PriceData = {
    about: `Generated ${new Date().toISOString().slice(0, 10)} by scripts/update-prices.ts from @pydantic/genai-prices@${genaiVersion} (MIT) and llm-zoo@${zooVersion} (MIT, max_output_tokens only); do not edit by hand`,
    providers,
  };
  parsePriceData(data); // the app validates the same way at start; fail here instead
  writeFileSync(OUT, `${JSON.stringify(data, null, 1)}\n`);
  const count = providers.reduce((n, p) => n + p.models.length, 0);
  process.stdout.write(`wrote ${OUT}: ${providers.length} providers, ${count} models\n`);
}

/** Keeps the token prices we bill; drops audio, image and search units. Undefined if none left. */
function slimPrices(prices: unknown): ModelPrice | ConditionalPrice[] | undefined {
  const slim = (p: Record<string, unknown>): ModelPrice => {
    const out: Record<string, unknown> = {};
    for (const key of KEPT_PRICE_KEYS) if (p[key] !== undefined) out[key] = plain(p[key]);
    return out as ModelPrice;
  };
  const tokenPriced = (p: ModelPrice) => p.input_mtok !== undefined || p.output_mtok !== undefined;
  if (Array.isArray(prices)) {
    const entries = (prices as { constraint?: ConditionalPrice['constraint']; prices: Record<string, unknown> }[]).map((c) => ({
      ...(c.constraint === undefined ? {} : { constraint: c.constraint }),
      prices: slim(c.prices),
    }));
    return entries.some((e) => tokenPriced(e.prices)) ? entries : undefined;
  }
  const flat = slim(prices as Record<string, unknown>);
  return tokenPriced(flat) ? flat : undefined;
}

/** genai-prices wraps tiers in a class instance; JSON wants the plain object. */
function plain(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}

/**
 * For each llm-zoo model, the first of our rows in its provider that matches its full name gets
 * its max output (the largest when several zoo models land on one row: the budget reservation
 * must not under-reserve).
 */
function addMaxOutputTokens(providers: PriceDataProvider[], zoo: ZooModule): void {
  for (const model of Object.values(zoo.MODEL_CONFIGS)) {
    const providerId = ZOO_PROVIDERS[model.provider];
    if (providerId === undefined || model.openRouterOnly === true || !(model.maxOutputTokens > 0)) continue;
    const provider = providers.find((p) => p.id === providerId);
    const row = provider?.models.find((m) => compileMatch(m.match)(model.fullName));
    if (row === undefined) continue;
    row.max_output_tokens = Math.max(row.max_output_tokens ?? 0, model.maxOutputTokens);
  }
}

/** The version in the package.json above a module's entry file (exports maps hide package.json). */
async function packageVersion(specifier: string): Promise<string> {
  const { createRequire } = await import('node:module');
  const { existsSync, readFileSync } = await import('node:fs');
  const { dirname, join, isAbsolute } = await import('node:path');
  try {
    let dir = dirname(isAbsolute(specifier) ? specifier : createRequire(import.meta.url).resolve(specifier));
    for (;;) {
      const candidate = join(dir, 'package.json');
      if (existsSync(candidate)) {
        const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string; version?: string };
        if (pkg.name !== undefined && pkg.version !== undefined) return pkg.version;
      }
      const up = dirname(dir);
      if (up === dir) return 'unknown';
      dir = up;
    }
  } catch {
    return 'unknown';
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`update-prices: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
