import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../main/config/load-config.js';
import { DEFAULT_CONFIG_YAML } from '../../../main/config/default-config.js';
import { InvalidStoredModelError, mergeDeployments, storedModelToDeployment } from '../../../main/config/stored-model-deployments.js';

const stored = (id: string, params: Record<string, unknown>, info: Record<string, unknown> = {}) => ({ id, modelName: `name-${id}`, litellmParams: params, modelInfo: info });

describe('storedModelToDeployment', () => {
  it('reads a stored model exactly like a config entry, marked as from the database', () => {
    const d = storedModelToDeployment(stored('a', { model: 'openai/gpt-4o', api_key: 'keychain/openai' }, { input_cost_per_token: 0.0000025, max_input_tokens: 128000 }), {});
    expect(d).toMatchObject({
      id: 'a', modelName: 'name-a', provider: 'openai', protocol: 'openai', upstreamModel: 'gpt-4o', apiBase: 'https://api.openai.com/v1',
      credential: { kind: 'keychain', name: 'openai' }, pricing: { inputCostPerToken: 0.0000025 }, maxInputTokens: 128000, source: { kind: 'database' },
    });
  });

  it.each([
    [{ model: 'nope/x' }, /^litellm_params\.model: unknown provider "nope" \(known: openai, /],
    [{ model: 'openai/x', api_key: 'os.environ/MISSING' }, 'litellm_params.api_key: environment variable MISSING is not set'],
    [{ model: 'azure/x' }, 'litellm_params.api_base is required for provider "azure"'],
  ])('refuses %j with a message naming the field, without a file prefix', (params, message) => {
    expect(() => storedModelToDeployment(stored('a', params), {})).toThrow(InvalidStoredModelError);
    expect(() => storedModelToDeployment(stored('a', params), {})).toThrow(message);
  });
});

describe('mergeDeployments', () => {
  it('puts config models first, labels the built-in default, and skips what does not load or clashes', () => {
    const config = parseConfigText(DEFAULT_CONFIG_YAML, '<default>', {}).deployments;
    const skipped: string[] = [];
    const merged = mergeDeployments(
      config,
      [stored('ok', { model: 'ollama_chat/qwen3' }), stored('bad', { model: 'nope/x' }), stored(config[0]!.id, { model: 'ollama_chat/qwen3' })],
      {},
      (model, reason) => skipped.push(`${model.id}: ${reason}`),
    );
    expect(merged.map((d) => [d.id, d.source.kind])).toEqual([[config[0]!.id, 'default'], ['ok', 'database']]);
    expect(skipped).toEqual(['bad: litellm_params.model: unknown provider "nope" (known: ' + skipped[0]!.split('(known: ')[1], `${config[0]!.id}: its id "${config[0]!.id}" is also used by the config file`]);
  });
});
