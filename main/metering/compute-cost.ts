// Cost of one request in integer micro-USD, from a Price and the token usage: the settled cost
// (computeCostMicros) and the worst case reserved against a budget at admission
// (worstCaseCostMicros). Pure arithmetic: it never looks prices up, reads the clock or rounds
// twice. Sums are exact (BigInt pico-USD) and rounded once, at the end.
import type { TokenUsage } from '../providers/provider-adapter.js';
import type { Price, TokenRates } from './price-table.js';

/**
 * Output tokens assumed when a request sets no max_tokens and the model's max output is unknown.
 * This is the bound the reservation holds to: a reply longer than this on a model with no known
 * max output can overshoot the budget by (its length - 4096) x output price, settled afterwards.
 */
export const DEFAULT_MAX_OUTPUT_TOKENS = 4096;

export interface WorstCaseRequest {
  /** Prompt tokens as estimated before the call (estimate-tokens.ts). */
  promptTokensEstimate: number;
  /**
   * The request's own output cap: max_completion_tokens, else max_tokens, else
   * max_output_tokens (Responses). For reasoning models it already includes reasoning tokens.
   */
  maxTokens?: number | undefined;
  /**
   * Outputs the request makes the provider generate and bill, each up to the output bound: `n`,
   * `best_of`, one per prompt of a batch (read-output-bounds.ts). Absent or below 1 counts as 1.
   */
  choices?: number | undefined;
}

const PICO_PER_MICRO = 1_000_000n;
const MAX_SAFE_MICROS = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Settled cost. `usage` follows the OpenAI convention: promptTokens includes cachedTokens and
 * cacheCreationTokens, completionTokens includes reasoningTokens.
 *
 * - text prompt tokens = prompt - cached - cacheCreation, at the input rate;
 * - cached tokens at the cache-read rate, cache-creation tokens at the cache-write rate; a
 *   missing rate falls back to the input rate: charging a discount we don't know of would let a
 *   cache-heavy app run past its budget, while the full rate errs visibly and on the safe side;
 * - reasoning tokens at the reasoning rate when the model has one, else as output;
 * - long-context tiers are chosen by the whole prompt, as the providers bill.
 *
 * Rounding: the exact sum in pico-USD is rounded half-to-even to micro-USD once per request. The
 * error is at most 0.5 micro-USD per request and has no sign bias, so over many requests it
 * neither favours the user nor the provider (ceil would overcharge 0.5 micro-USD a request on
 * average; truncation would undercharge as much).
 */
export function computeCostMicros(price: Price, usage: TokenUsage): number {
  const prompt = count(usage.promptTokens);
  const completion = count(usage.completionTokens);
  const cached = Math.min(count(usage.cachedTokens), prompt);
  const cacheCreation = Math.min(count(usage.cacheCreationTokens), prompt - cached);
  const text = prompt - cached - cacheCreation;
  const reasoning = Math.min(count(usage.reasoningTokens), completion);

  const rates = ratesFor(price, prompt);
  const reasoningRate = rates.reasoning;
  const pico =
    tokensTimes(text, rates.input) +
    tokensTimes(cached, rates.cacheRead ?? rates.input) +
    tokensTimes(cacheCreation, rates.cacheWrite ?? rates.input) +
    (reasoningRate === undefined
      ? tokensTimes(completion, rates.output)
      : tokensTimes(completion - reasoning, rates.output) + tokensTimes(reasoning, reasoningRate));
  return Number(roundHalfEven(pico));
}

/**
 * The most a request can cost, reserved against a budget before the call. Every prompt token
 * is priced at the dearest prompt rate (a prompt may be written to the cache) and every output
 * token at the dearest output rate, for `choices` outputs of maxTokens tokens each (capped at
 * the model's max output), else the model's max output, else DEFAULT_MAX_OUTPUT_TOKENS; the
 * prompt counts once, as providers bill it. Rounded up, so the reservation is never below the
 * settled cost of a reply that stays within these bounds. The tier is the one for the estimated
 * prompt: an estimate that falls short of a tier's start can under-reserve; settlement corrects
 * it. A worst case past Number.MAX_SAFE_INTEGER micro-USD ($9 billion) saturates there: no
 * budget covers it, so the request is refused rather than the arithmetic overflowing.
 */
export function worstCaseCostMicros(price: Price, request: WorstCaseRequest): number {
  const prompt = count(request.promptTokensEstimate);
  const perChoice = worstCaseOutputTokensPerChoice(price, request.maxTokens);
  const choices = Math.max(1, count(request.choices ?? 1));
  const rates = ratesFor(price, prompt);
  const promptRate = Math.max(rates.input, rates.cacheRead ?? 0, rates.cacheWrite ?? 0);
  const outputRate = Math.max(rates.output, rates.reasoning ?? 0);
  // BigInt throughout: n x max_tokens alone can pass 2^53.
  const pico = tokensTimes(prompt, promptRate) + tokensTimes(perChoice, outputRate) * BigInt(choices);
  const micros = ceilDiv(pico);
  return micros > MAX_SAFE_MICROS ? Number.MAX_SAFE_INTEGER : Number(micros);
}

/** The output tokens per choice a worst case counts: max_tokens (capped at the model's max output), else the model's max, else the default. */
export function worstCaseOutputTokensPerChoice(price: Price, maxTokens: number | undefined): number {
  const requested = count(maxTokens ?? 0);
  const modelMax = price.maxOutputTokens;
  return requested > 0 ? (modelMax === undefined ? requested : Math.min(requested, modelMax)) : modelMax ?? DEFAULT_MAX_OUTPUT_TOKENS;
}

/** Zero-priced models (local servers, or priced 0 on purpose) skip budget checks. */
export function isFree(price: Price): boolean {
  return [price.rates, ...price.tiers.map((t) => t.rates)].every(
    (r) => r.input === 0 && r.output === 0 && (r.cacheRead ?? 0) === 0 && (r.cacheWrite ?? 0) === 0 && (r.reasoning ?? 0) === 0,
  );
}

function ratesFor(price: Price, promptTokens: number): TokenRates {
  let rates = price.rates;
  for (const tier of price.tiers) if (promptTokens > tier.above) rates = tier.rates;
  return rates;
}

/** Upstream usage is untrusted JSON: anything but a finite non-negative number counts as 0. */
function count(n: number): number {
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? Math.floor(n) : 0;
}

/** tokens x (micro-USD per token), exactly, in pico-USD. */
function tokensTimes(tokens: number, microPerToken: number): bigint {
  if (tokens === 0 || microPerToken === 0) return 0n;
  // Rates carry at most six decimals of micro-USD (a pico-dollar); rounding here removes only
  // the binary noise of a decimal like 0.075.
  return BigInt(tokens) * BigInt(Math.round(microPerToken * 1e6));
}

function roundHalfEven(pico: bigint): bigint {
  const q = pico / PICO_PER_MICRO;
  const r = pico % PICO_PER_MICRO;
  const twice = r * 2n;
  if (twice > PICO_PER_MICRO || (twice === PICO_PER_MICRO && q % 2n === 1n)) return q + 1n;
  return q;
}

function ceilDiv(pico: bigint): bigint {
  const q = pico / PICO_PER_MICRO;
  return pico % PICO_PER_MICRO === 0n ? q : q + 1n;
}
