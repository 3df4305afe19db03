// Which models cost money, from /model/info's `priced`, so $0 spend on a local or unpriced model
// reads "free" and $0 on a priced one reads "$0.00". Until the list loads (or from a gateway
// that does not say), every model counts as priced: "$0.00" is never wrong, "free" might be.
import type { ModelInfoEntry } from '../../../shared/api/model-schemas.js';
import type { ApiClient } from './create-api-client.js';
import { useApi } from './use-api.js';

export interface ModelPricing {
  /** A model group, deployment id or provider whose every deployment is unpriced. */
  isFree(name: string): boolean;
  /** Models exist and none of them is priced: any total spend of $0 is free. */
  allFree: boolean;
}

export function modelPricing(entries: readonly ModelInfoEntry[]): ModelPricing {
  const priced = new Map<string, boolean>();
  const note = (name: string, isPriced: boolean): void => {
    priced.set(name, (priced.get(name) ?? false) || isPriced);
  };
  for (const entry of entries) {
    const isPriced = entry.model_info.priced !== false;
    note(entry.model_name, isPriced);
    note(entry.model_info.id, isPriced);
    note(entry.model_info.provider, isPriced);
  }
  const allFree = entries.length > 0 && entries.every((e) => e.model_info.priced === false);
  return { isFree: (name) => allFree || priced.get(name) === false, allFree };
}

const EVERYTHING_PRICED: ModelPricing = { isFree: () => false, allFree: false };

export function useModelPricing(api: ApiClient): ModelPricing {
  const models = useApi(() => api.listModels(), [api]);
  return models.data === undefined ? EVERYTHING_PRICED : modelPricing(models.data.data);
}
