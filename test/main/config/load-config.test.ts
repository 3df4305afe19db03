import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseConfigText } from '../../../main/config/load-config.js';
import { ConfigError } from '../../../main/core/config-error.js';
import { storedResponsesMaxBytes } from '../../../main/config/stored-responses-max-bytes.js';

const seed = readFileSync(new URL('../../fixtures/config/seed-litellm.yaml', import.meta.url), 'utf8');

function configError(yaml: string, env: NodeJS.ProcessEnv = {}): ConfigError {
  try {
    parseConfigText(yaml, 'cfg.yaml', env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('load-config', () => {
  it('starts the LiteLLM seed config unchanged and reports database_url as not used', () => {
    const config = parseConfigText(seed, 'seed.yaml', {});
    expect(config.deployments.map((d) => [d.modelName, d.provider, d.upstreamModel, d.apiBase])).toEqual([
      ['glm5', 'openai', 'glm5', 'http://127.0.0.1:8001/v1'],
      ['qwen3.5', 'openai', 'qwen3.5', 'http://127.0.0.1:8002/v1'],
    ]);
    expect(config.masterKey).toEqual({ kind: 'literal', value: 'sk-seed-master-0123456789' });
    expect(config.warnings.some((w) => w.startsWith('seed.yaml:8: general_settings.database_url is not used by the desktop store'))).toBe(true);
    expect(config.warnings.join('\n')).not.toContain('postgresql://');
  });

  it.each([
    ['a literal', 'sk-1234', {}],
    ['an os.environ/ reference', 'os.environ/SHORT_ADMIN', { SHORT_ADMIN: 'sk-1234' }],
  ])('refuses %s general_settings.master_key shorter than 16 characters, with its line and never the key', (_name, value, env) => {
    const error = configError(`model_list: []\ngeneral_settings:\n  master_key: ${value}\n`, env);
    expect(error.message).toMatch(/^cfg\.yaml:3: general_settings\.master_key.* shorter than 16 characters/);
    expect(error.message).not.toContain('sk-1234');
  });

  it('reads general_settings.stored_responses_max_mb as the stored responses cap in bytes, and refuses a cap that is not positive', () => {
    const config = parseConfigText('general_settings:\n  stored_responses_max_mb: 64\n', 'c.yaml', {});
    expect(config.warnings).toEqual([]);
    expect(storedResponsesMaxBytes(config.generalSettings)).toBe(64 * 1024 * 1024);
    expect(storedResponsesMaxBytes(parseConfigText('model_list: []\n', 'c.yaml', {}).generalSettings)).toBeUndefined();
    expect(configError('general_settings:\n  stored_responses_max_mb: 0\n').message).toMatch(/^cfg\.yaml:2: general_settings\.stored_responses_max_mb/);
  });

  it('reads general_settings.allowed_hosts as Host names (lower-case, IPv6 in brackets)', () => {
    const config = parseConfigText('general_settings:\n  allowed_hosts:\n    - Switchboard.LAN\n    - 192.168.1.5\n    - fd00::5\n', 'c.yaml', {});
    expect(config.allowedHosts).toEqual(['switchboard.lan', '192.168.1.5', '[fd00::5]']);
    expect(config.warnings).toEqual([]);
    expect(parseConfigText('model_list: []\n', 'c.yaml', {}).allowedHosts).toEqual([]);
  });

  it.each(['box.lan:4141', '"*.lan"', 'http://box.lan', '0.0.0.0', '"::"', '"bad name"'])('refuses allowed_hosts entry %s with its line', (entry) => {
    const error = configError(`general_settings:\n  allowed_hosts:\n    - box.lan\n    - ${entry}\n`);
    expect(error.message).toMatch(/^cfg\.yaml:4: general_settings\.allowed_hosts\[1\]: .*host name/);
  });

  it('refuses allowed_hosts that is not a list', () => {
    expect(configError('general_settings:\n  allowed_hosts: box.lan\n').message).toMatch(/^cfg\.yaml:2: general_settings\.allowed_hosts/);
  });

  it('resolves os.environ/NAME to a reference and fails naming an unset variable', () => {
    const yaml = 'model_list:\n  - model_name: m\n    litellm_params:\n      model: openai/gpt-4o\n      api_key: os.environ/MY_KEY\n';
    expect(parseConfigText(yaml, 'c.yaml', { MY_KEY: 'v' }).deployments[0]!.credential).toEqual({ kind: 'env', name: 'MY_KEY' });
    expect(configError(yaml).message).toBe('cfg.yaml:5: model_list[0].litellm_params.api_key: environment variable MY_KEY is not set');
  });

  it('fills documented default api_base per provider prefix', () => {
    const yaml = ['ollama_chat/llama3.2', 'ollama/qwen3', 'deepseek/deepseek-chat', 'hosted_vllm/m', 'lm_studio/m', 'openrouter/a/b', 'dashscope/qwen-plus', 'groq/llama']
      .map((model, i) => `  - model_name: m${i}\n    litellm_params: { model: ${model} }`).join('\n');
    const config = parseConfigText(`model_list:\n${yaml}\n`, 'c.yaml', {});
    expect(config.deployments.map((d) => [d.protocol, d.apiBase])).toEqual([
      ['ollama', 'http://127.0.0.1:11434'],
      ['ollama', 'http://127.0.0.1:11434'],
      ['openai', 'https://api.deepseek.com/v1'],
      ['openai', 'http://127.0.0.1:8000/v1'],
      ['openai', 'http://127.0.0.1:1234/v1'],
      ['openai', 'https://openrouter.ai/api/v1'],
      ['openai', 'https://dashscope-intl.aliyuncs.com/compatible-mode/v1'],
      ['openai', 'https://api.groq.com/openai/v1'],
    ]);
    expect(config.deployments[5]!.upstreamModel).toBe('a/b');
  });

  it('reads litellm_params.supports_responses (a boolean) into the deployment, without a warning', () => {
    const config = parseConfigText('model_list:\n  - model_name: m\n    litellm_params: { model: hosted_vllm/q, supports_responses: true }\n  - model_name: n\n    litellm_params: { model: hosted_vllm/q, supports_responses: false }\n', 'c.yaml', {});
    expect(config.deployments.map((d) => d.supportsResponses)).toEqual([true, false]);
    expect(config.warnings).toEqual([]);
    expect(configError('model_list:\n  - model_name: m\n    litellm_params:\n      model: hosted_vllm/q\n      supports_responses: sometimes\n').message).toMatch(/^cfg\.yaml:5: model_list\[0\]\.litellm_params\.supports_responses/);
  });

  it('warns about unknown keys with their line, without failing', () => {
    const config = parseConfigText('model_list:\n  - model_name: m\n    litellm_params:\n      model: openai/x\n      frobnicate: 1\nlitellm_settings:\n  drop_params: true\nmystery: 2\n', 'c.yaml', {});
    expect(config.warnings).toEqual(['c.yaml:8: mystery is not supported by Switchboard; ignored', 'c.yaml:5: model_list[0].litellm_params.frobnicate is not supported by Switchboard; ignored']);
  });

  it('parses router_settings and reports its problems with the file and line, so the CLI prints them', () => {
    const config = parseConfigText('model_list: []\nrouter_settings:\n  routing_strategy: usage-based-routing\n  num_retries: 1\n', 'c.yaml', {});
    expect(config.routerSettings).toMatchObject({ strategy: 'simple-shuffle', numRetries: 1, cooldownMs: 5_000 });
    expect(config.warnings).toEqual(['c.yaml:2: router_settings.routing_strategy "usage-based-routing" is not supported (simple-shuffle, least-busy, latency-based-routing); using simple-shuffle']);
  });

  it.each([
    ['model_list:\n  - model_name: m\n    litellm_params:\n      model: gpt-4o\n', 'cfg.yaml:4: model_list[0].litellm_params.model: must be "provider/model", e.g. "openai/gpt-4o" or "ollama_chat/llama3.2"'],
    ['model_list:\n  - model_name: m\n    litellm_params:\n      model: nope/x\n', 'cfg.yaml:4: model_list[0].litellm_params.model: unknown provider "nope"'],
    ['model_list:\n  - model_name: m\n    litellm_params:\n      model: azure/x\n', 'cfg.yaml:4: model_list[0].litellm_params.api_base is required for provider "azure"'],
    ['model_list:\n  - model_name: m\n    litellm_params:\n      model: openai/x\n      api_base: "ftp://h/x"\n', 'cfg.yaml:5: model_list[0].litellm_params.api_base must use http or https'],
    ['model_list:\n  - model_name: m\n    litellm_params:\n      model: openai/x\n      api_base: "http://h/x?key=1"\n', 'cfg.yaml:5: model_list[0].litellm_params.api_base must not contain credentials, a query or a fragment'],
    ['model_list: [\n', 'cfg.yaml:2: invalid YAML'],
    ['model_list:\n  - model_name: m\n', 'cfg.yaml:2: model_list[0].litellm_params:'],
    ['- a\n- b\n', 'cfg.yaml:1: the top level must be a mapping'],
  ])('names the file, line and problem for a bad config (%#)', (yaml, expected) => {
    expect(configError(yaml).message.startsWith(expected)).toBe(true);
  });
});
