// Whether a deployment's requests cost money: the price a request to it is charged at (overrides,
// local-is-free, the price table) has a rate above zero. The dashboard reads this to word $0
// spend on a local or unpriced model as "free" rather than "$0.00". Never reads the clock itself.
import type { Deployment } from '../core/deployment.js';
import { isFree } from './compute-cost.js';
import { priceOverridesFromDeployment, type PriceTable } from './price-table.js';

export function isDeploymentPriced(prices: PriceTable, deployment: Deployment): boolean {
  const price = prices.resolvePrice({
    provider: deployment.provider,
    model: deployment.upstreamModel,
    baseModel: deployment.baseModel,
    overrides: priceOverridesFromDeployment(deployment),
    apiBase: deployment.apiBase,
  });
  // No known price: the gateway records $0, which is what "free" tells the user it was charged.
  return price !== undefined && !isFree(price);
}
