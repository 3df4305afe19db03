// PriceData: the shape of the price table's data and its validation. It is a subset of
// @pydantic/genai-prices' Provider[] (match rules, per-million-token prices, tiers, dated and
// time-of-day prices) plus two fields of ours (max_output_tokens, output_reasoning_mtok).
// Also the match rules' semantics. Pure: it never reads files or the network.
import { z } from 'zod';

/** How a table row recognises model names (genai-prices' MatchLogic; case-insensitive except regex). */
export type MatchLogic =
  | { equals: string }
  | { starts_with: string }
  | { ends_with: string }
  | { contains: string }
  | { regex: string }
  | { or: MatchLogic[] }
  | { and: MatchLogic[] };

/** Long-context pricing: above `start` prompt tokens the whole request is billed at `price`. */
export interface TieredPrice {
  base: number;
  tiers: { start: number; price: number }[];
}

export type PriceValue = number | TieredPrice;

/**
 * USD per million tokens, which is the same number as micro-USD per token. Only these keys are
 * kept by the generator; genai-prices' audio, image and search units are out of scope.
 */
export interface ModelPrice {
  input_mtok?: PriceValue | undefined;
  output_mtok?: PriceValue | undefined;
  cache_read_mtok?: PriceValue | undefined;
  cache_write_mtok?: PriceValue | undefined;
  /** Ours, not genai-prices': LiteLLM's output_cost_per_reasoning_token (Qwen thinking mode). */
  output_reasoning_mtok?: PriceValue | undefined;
}

export type PriceConstraint =
  | { type: 'start_date'; start_date: string }
  | { type: 'time_of_date'; start_time: string; end_time: string };

export interface ConditionalPrice {
  constraint?: PriceConstraint | undefined;
  prices: ModelPrice;
}

export interface PriceDataModel {
  id: string;
  match: MatchLogic;
  context_window?: number | undefined;
  /** Ours: filled from a second source by scripts/update-prices.ts, or by hand in the supplement. */
  max_output_tokens?: number | undefined;
  deprecated?: boolean | undefined;
  prices: ModelPrice | ConditionalPrice[];
}

export interface PriceDataProvider {
  /** genai-prices provider id: openai, anthropic, google, deepseek, mistral, azure; ours: dashscope. */
  id: string;
  name: string;
  /** Regex (anchored at the start) for the provider's API base URL. */
  api_pattern: string;
  /** Where to look when a model is not in this provider's own list (Azure serves OpenAI models). */
  fallback_model_providers?: string[] | undefined;
  models: PriceDataModel[];
}

export interface PriceData {
  /** Where the data came from, for the dashboard and for whoever regenerates it. */
  about?: string | undefined;
  providers: PriceDataProvider[];
}

const rate = z.number().finite().nonnegative();

const tieredPriceSchema = z.object({
  base: rate,
  tiers: z.array(z.object({ start: z.number().int().nonnegative(), price: rate })).min(1),
});

const priceValueSchema = z.union([rate, tieredPriceSchema]);

const modelPriceSchema = z.object({
  input_mtok: priceValueSchema.optional(),
  output_mtok: priceValueSchema.optional(),
  cache_read_mtok: priceValueSchema.optional(),
  cache_write_mtok: priceValueSchema.optional(),
  output_reasoning_mtok: priceValueSchema.optional(),
});

const matchLogicSchema: z.ZodType<MatchLogic> = z.lazy(() =>
  z.union([
    z.strictObject({ equals: z.string().min(1) }),
    z.strictObject({ starts_with: z.string().min(1) }),
    z.strictObject({ ends_with: z.string().min(1) }),
    z.strictObject({ contains: z.string().min(1) }),
    z.strictObject({ regex: z.string().min(1) }),
    z.strictObject({ or: z.array(matchLogicSchema).min(1) }),
    z.strictObject({ and: z.array(matchLogicSchema).min(1) }),
  ]),
);

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const utcTime = z.string().regex(/^\d{2}:\d{2}(:\d{2})?Z?$/);

const constraintSchema = z.union([
  z.object({ type: z.literal('start_date'), start_date: isoDate }),
  z.object({ type: z.literal('time_of_date'), start_time: utcTime, end_time: utcTime }),
]);

const modelSchema = z.object({
  id: z.string().min(1),
  match: matchLogicSchema,
  context_window: z.number().int().positive().optional(),
  max_output_tokens: z.number().int().positive().optional(),
  deprecated: z.boolean().optional(),
  prices: z.union([
    modelPriceSchema,
    z.array(z.object({ constraint: constraintSchema.optional(), prices: modelPriceSchema })).min(1),
  ]),
});

const providerSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  api_pattern: z.string().min(1),
  fallback_model_providers: z.array(z.string()).optional(),
  models: z.array(modelSchema),
});

export const priceDataSchema = z.object({
  about: z.string().optional(),
  providers: z.array(providerSchema),
});

/** Validates price data; throws a readable error naming the first bad path. */
export function parsePriceData(input: unknown): PriceData {
  const result = priceDataSchema.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue === undefined ? '' : ` at ${issue.path.join('.')}: ${issue.message}`;
    throw new Error(`invalid price data${where}`);
  }
  return result.data as PriceData;
}

export type Matcher = (name: string) => boolean;

/** genai-prices semantics: every rule but regex compares lower-cased strings. */
export function compileMatch(logic: MatchLogic): Matcher {
  if ('or' in logic) {
    const parts = logic.or.map(compileMatch);
    return (name) => parts.some((m) => m(name));
  }
  if ('and' in logic) {
    const parts = logic.and.map(compileMatch);
    return (name) => parts.every((m) => m(name));
  }
  if ('equals' in logic) {
    const v = logic.equals.toLowerCase();
    return (name) => name.toLowerCase() === v;
  }
  if ('starts_with' in logic) {
    const v = logic.starts_with.toLowerCase();
    return (name) => name.toLowerCase().startsWith(v);
  }
  if ('ends_with' in logic) {
    const v = logic.ends_with.toLowerCase();
    return (name) => name.toLowerCase().endsWith(v);
  }
  if ('contains' in logic) {
    const v = logic.contains.toLowerCase();
    return (name) => name.toLowerCase().includes(v);
  }
  const re = new RegExp(logic.regex);
  return (name) => re.test(name);
}
