// Column values of the fields teams and users share with keys, in LiteLLM's names: budgets in USD
// become integer micro-dollars, budget periods become a next reset time, model lists and metadata
// become JSON text. Pure functions; they throw TeamError naming the field, never echo a value.
import { KeyError } from '../keys/key-error.js';
import { addDuration, parseDuration } from '../keys/parse-duration.js';
import { TeamError } from './team-error.js';

/** $1,000,000,000: far above any real budget, far below Number.MAX_SAFE_INTEGER micros. */
const MAX_BUDGET_USD = 1e9;
const MAX_METADATA_JSON = 64 * 1024;
export const MAX_OWNER_MODELS = 1_000;
export const MAX_OWNER_MODEL_NAME_LENGTH = 256;

/** USD (or null for no budget) to micro-dollars. */
export function budgetMicros(usd: unknown, param: string): number | null {
  if (usd === null) return null;
  if (typeof usd !== 'number' || !Number.isFinite(usd) || usd < 0 || usd > MAX_BUDGET_USD) {
    throw new TeamError('invalid_input', `${param} must be a number of US dollars, 0 or more, or null for no budget.`, param);
  }
  return Math.round(usd * 1_000_000);
}

export function microsToUsd(micros: number | null): number | null {
  return micros === null ? null : micros / 1_000_000;
}

/** `30d` and the like: the normalised duration and the first reset time, or both null. */
export function budgetPeriod(duration: unknown, now: number): { budget_duration: string | null; budget_reset_at: number | null } {
  if (duration === null) return { budget_duration: null, budget_reset_at: null };
  if (typeof duration !== 'string') throw new TeamError('invalid_input', 'budget_duration must be a string like 30d, or null.', 'budget_duration');
  try {
    const parsed = parseDuration(duration, 'budget_duration');
    return { budget_duration: `${parsed.count}${parsed.unit}`, budget_reset_at: addDuration(now, parsed) };
  } catch (error) {
    if (error instanceof KeyError) throw new TeamError('invalid_input', error.message, 'budget_duration');
    throw error;
  }
}

export function modelsColumn(models: unknown, param = 'models'): string {
  if (!Array.isArray(models) || models.length > MAX_OWNER_MODELS || models.some((m) => typeof m !== 'string' || m.length === 0 || m.length > MAX_OWNER_MODEL_NAME_LENGTH)) {
    throw new TeamError('invalid_input', `${param} must be a list of at most ${MAX_OWNER_MODELS} model names (empty means all models).`, param);
  }
  return JSON.stringify([...new Set(models as string[])]);
}

export function metadataColumn(metadata: unknown): string {
  const json = typeof metadata === 'object' && metadata !== null && !Array.isArray(metadata) ? JSON.stringify(metadata) : undefined;
  if (json === undefined || json.length > MAX_METADATA_JSON) {
    throw new TeamError('invalid_input', `metadata must be a JSON object of at most ${MAX_METADATA_JSON} bytes.`, 'metadata');
  }
  return json;
}

/** A whole-number limit (tpm, rpm) or null for none. */
export function limitColumn(value: unknown, param: string): number | null {
  if (value === null) return null;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new TeamError('invalid_input', `${param} must be a whole number, 0 or more, or null for no limit.`, param);
  }
  return value;
}

export function isoOrNull(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}
