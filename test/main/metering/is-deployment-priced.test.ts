import { describe, expect, it } from 'vitest';
import { isDeploymentPriced } from '../../../main/metering/is-deployment-priced.js';
import { createPriceTable } from '../../../main/metering/price-table.js';
import { testDeployment } from '../providers/test-deployment.js';

const prices = createPriceTable(undefined, { now: () => Date.UTC(2026, 2, 15) });

describe('isDeploymentPriced', () => {
  it.each([
    ['a cloud model on the price list', { provider: 'anthropic', upstreamModel: 'claude-sonnet-4-5-20250929' }, true],
    ['an Ollama model', { provider: 'ollama_chat', protocol: 'ollama' as const, upstreamModel: 'llama3.2', apiBase: 'http://127.0.0.1:11434' }, false],
    ['an OpenAI-compatible server on this machine', { provider: 'openai', protocol: 'openai' as const, upstreamModel: 'qwen2.5', apiBase: 'http://127.0.0.1:8080/v1' }, false],
    ['a model with no known price', { provider: 'openai', protocol: 'openai' as const, upstreamModel: 'made-up-model', apiBase: 'https://llm.example.com/v1' }, false],
    ['a local server priced by the user', { provider: 'ollama_chat', protocol: 'ollama' as const, upstreamModel: 'llama3.2', apiBase: 'http://127.0.0.1:11434', pricing: { inputCostPerToken: 1e-6, outputCostPerToken: 2e-6 } }, true],
  ])('%s: %s', (_name, overrides, priced) => {
    expect(isDeploymentPriced(prices, testDeployment(overrides))).toBe(priced);
  });
});
