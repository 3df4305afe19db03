import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseConfigText } from '../../../main/config/load-config.js';
import { ConfigError } from '../../../main/core/config-error.js';
import { storedResponsesMaxBytes } from '../../../main/config/stored-responses-max-bytes.js';
import { PROVIDER_CATALOG } from '../../../main/providers/provider-catalog.js';

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
  it('reads the LiteLLM seed config unchanged and keeps database_url for serve to choose the engine, warning about none of it', () => {
    const config = parseConfigText(seed, 'seed.yaml', {});
    expect(config.deployments.map((d) => [d.modelName, d.provider, d.upstreamModel, d.apiBase])).toEqual([
      ['glm5', 'openai', 'glm5', 'http://127.0.0.1:8001/v1'],
      ['qwen3.5', 'openai', 'qwen3.5', 'http://127.0.0.1:8002/v1'],
    ]);
    expect(config.masterKey).toEqual({ kind: 'literal', value: 'sk-seed-master-0123456789' });
    expect(config.databaseUrl).toBe('postgresql://postgres:pw@pgsql-postgresql:5432/litellm');
    expect(config.warnings.some((w) => w.includes('database_url'))).toBe(false);
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

  it('merges SWITCHBOARD_ALLOWED_HOSTS (comma-separated) with the config\'s allowed_hosts, explicit subdomain wildcards included', () => {
    const env = { SWITCHBOARD_ALLOWED_HOSTS: ' switchboard, switchboard.team.svc.cluster.local,LB.example.com,*.apps.example.com,box.lan ' };
    const config = parseConfigText('general_settings:\n  allowed_hosts: [box.lan, "*.corp.example"]\n', 'c.yaml', env);
    expect(config.allowedHosts).toEqual(['box.lan', '*.corp.example', 'switchboard', 'switchboard.team.svc.cluster.local', 'lb.example.com', '*.apps.example.com']);
  });

  it.each(['box.lan:4141', '*', '*.com', 'http://box.lan', '0.0.0.0'])('refuses SWITCHBOARD_ALLOWED_HOSTS entry %s, naming the variable', (entry) => {
    const error = configError('model_list: []\n', { SWITCHBOARD_ALLOWED_HOSTS: `ok.lan,${entry}` });
    expect(error.message).toMatch(/^SWITCHBOARD_ALLOWED_HOSTS: ".*" must be a host name/);
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

  it('reads general_settings.process_attribution (a boolean) without a warning, and refuses any other value', () => {
    const config = parseConfigText('general_settings:\n  process_attribution: false\n', 'c.yaml', {});
    expect(config.generalSettings.process_attribution).toBe(false);
    expect(config.warnings).toEqual([]);
    expect(configError('general_settings:\n  process_attribution: sometimes\n').message).toMatch(/^cfg\.yaml:2: general_settings\.process_attribution/);
  });

  it('reads litellm_params.supports_responses (a boolean) into the deployment, without a warning', () => {
    const config = parseConfigText('model_list:\n  - model_name: m\n    litellm_params: { model: hosted_vllm/q, supports_responses: true }\n  - model_name: n\n    litellm_params: { model: hosted_vllm/q, supports_responses: false }\n', 'c.yaml', {});
    expect(config.deployments.map((d) => d.supportsResponses)).toEqual([true, false]);
    expect(config.warnings).toEqual([]);
    expect(configError('model_list:\n  - model_name: m\n    litellm_params:\n      model: hosted_vllm/q\n      supports_responses: sometimes\n').message).toMatch(/^cfg\.yaml:5: model_list\[0\]\.litellm_params\.supports_responses/);
  });

  it.each([
    ['a misspelt litellm_params key', 'model_list:\n  - model_name: m\n    litellm_params:\n      model: openai/x\n      api_bse: http://127.0.0.1:8000/v1\n',
      'cfg.yaml:5: model_list[0].litellm_params.api_bse: unknown key; did you mean `api_base`?'],
    ['a misspelt top-level key', 'modle_list:\n  - model_name: m\n    litellm_params: { model: openai/x }\n',
      'cfg.yaml:1: modle_list: unknown key; did you mean `model_list`?'],
    ['a misspelt model entry key', 'model_list:\n  - model_name: m\n    litelm_params:\n      model: openai/x\n',
      'cfg.yaml:3: model_list[0].litelm_params: unknown key; did you mean `litellm_params`?'],
    ['a key of the wrong case', 'model_list:\n  - model_name: m\n    litellm_params:\n      model: openai/x\n      API_KEY: os.environ/K\n',
      'cfg.yaml:5: model_list[0].litellm_params.API_KEY: unknown key; did you mean `api_key`?'],
    ['a misspelt general_settings key Switchboard acts on', 'model_list: []\ngeneral_settings:\n  master_kye: os.environ/ADMIN\n',
      'cfg.yaml:3: general_settings.master_kye: unknown key; did you mean `master_key`?'],
    ['a misspelt model_info price', 'model_list:\n  - model_name: m\n    litellm_params: { model: openai/x }\n    model_info:\n      input_cost_per_tokens: 0.000001\n',
      'cfg.yaml:5: model_list[0].model_info.input_cost_per_tokens: unknown key; did you mean `input_cost_per_token`?'],
    ['a misspelt key in the strict ollama_api block', 'general_settings:\n  ollama_api:\n    prot: 11434\n',
      'cfg.yaml:3: general_settings.ollama_api.prot: unknown key; did you mean `port`?'],
  ])('refuses %s with its line and the key it was probably meant to be', (_name, yaml, expected) => {
    expect(configError(yaml).message).toBe(expected);
  });

  it('refuses an unknown litellm_params key that resembles nothing, listing the keys it takes', () => {
    expect(configError('model_list:\n  - model_name: m\n    litellm_params:\n      model: openai/x\n      frobnicate: 1\n').message)
      .toBe('cfg.yaml:5: model_list[0].litellm_params.frobnicate: unknown key (model_list[0].litellm_params takes model, api_base, api_key, api_version, timeout, stream_timeout, rpm, tpm, weight, order, max_retries, input_cost_per_token, output_cost_per_token, supports_responses)');
  });

  it('warns, with their lines, about LiteLLM keys it ignores (every litellm_settings key among them), and starts', () => {
    const yaml = [
      'model_list:',
      '  - model_name: m',
      '    litellm_params:',
      '      model: openai/x',
      '      drop_params: true',
      '    model_info:',
      '      access_groups: [a]',
      '      team_note: free-form',
      'litellm_settings:',
      '  drop_params: true',
      '  callbacks: [langfuse]',
      'router_settings:',
      '  enable_pre_call_checks: true',
      'environment_variables:',
      '  A: b',
      'credential_list: []',
      '',
    ].join('\n');
    const config = parseConfigText(yaml, 'c.yaml', {});
    expect(config.deployments).toHaveLength(1);
    expect(config.warnings).toEqual([
      'c.yaml:14: environment_variables is not applied by Switchboard: set these variables in the environment before starting it; ignored',
      'c.yaml:16: credential_list is a LiteLLM setting Switchboard does not use; ignored',
      'c.yaml:5: model_list[0].litellm_params.drop_params is a LiteLLM setting Switchboard does not use; ignored',
      'c.yaml:7: model_list[0].model_info.access_groups is a LiteLLM setting Switchboard does not use; ignored',
      'c.yaml:8: model_list[0].model_info.team_note is not supported by Switchboard; ignored',
      'c.yaml:13: router_settings.enable_pre_call_checks is a LiteLLM setting Switchboard does not use; ignored',
      'c.yaml:10: litellm_settings.drop_params is a LiteLLM setting Switchboard does not use; ignored',
      'c.yaml:11: litellm_settings.callbacks is a LiteLLM setting Switchboard does not use; ignored',
    ]);
  });

  it('warns about LiteLLM top-level blocks it does not read (include, guardrails) instead of refusing them', () => {
    expect(parseConfigText('include:\n  - other.yaml\nguardrails: []\nmodel_list: []\n', 'c.yaml', {}).warnings).toEqual([
      "c.yaml:1: include is not supported: Switchboard reads one file, so copy the included files' model_list entries into this one; ignored",
      'c.yaml:3: guardrails is a LiteLLM setting Switchboard does not use; ignored',
    ]);
  });

  it.each([
    ['a missing block', 'model_list:\n  - model_name: m\n', 'cfg.yaml:2: model_list[0].litellm_params: is missing'],
    ['text for a number', 'model_list:\n  - model_name: m\n    litellm_params:\n      model: openai/x\n      rpm: fast\n', 'cfg.yaml:5: model_list[0].litellm_params.rpm: must be a number, not text'],
    ['a fraction for a whole number', 'model_list:\n  - model_name: m\n    litellm_params:\n      model: openai/x\n      order: 1.5\n', 'cfg.yaml:5: model_list[0].litellm_params.order: must be a whole number, not a fraction'],
    ['a negative count', 'model_list:\n  - model_name: m\n    litellm_params:\n      model: openai/x\n      tpm: -1\n', 'cfg.yaml:5: model_list[0].litellm_params.tpm: must not be negative'],
    ['zero for a positive size', 'general_settings:\n  max_request_size_mb: 0\n', 'cfg.yaml:2: general_settings.max_request_size_mb: must be more than 0'],
    ['an empty model name', 'model_list:\n  - model_name: ""\n    litellm_params: { model: openai/x }\n', 'cfg.yaml:2: model_list[0].model_name: must not be empty'],
    ['text for a list', 'model_list: llama\n', 'cfg.yaml:1: model_list: must be a list, not text'],
    ['a switch for a duration', 'general_settings:\n  ollama_api:\n    max_keep_alive: true\n', 'cfg.yaml:3: general_settings.ollama_api.max_keep_alive: must be a number or text, not true/false'],
  ])('phrases a schema failure (%s) for a person, with its line', (_name, yaml, expected) => {
    const message = configError(yaml).message;
    expect(message).toBe(expected);
    expect(message).not.toMatch(/Invalid input|expected \w+, received|Too (small|big)/);
  });

  it.each(['openai_like/local-model', 'azure/gpt-4o'])('refuses %s without api_base, naming the model and the missing key', (model) => {
    const provider = model.split('/')[0];
    expect(configError(`model_list:\n  - model_name: my-model\n    litellm_params:\n      model: ${model}\n`).message)
      .toMatch(new RegExp(`^cfg\\.yaml:4: model_list\\[0\\]\\.litellm_params\\.api_base is required for provider "${provider}", which has no default address: model "my-model" needs its server's URL, e.g\\. api_base: https?://`));
  });

  it('gives every provider prefix either its documented default api_base or an error, never a guess', () => {
    for (const [prefix, entry] of Object.entries(PROVIDER_CATALOG)) {
      const yaml = `model_list:\n  - model_name: m\n    litellm_params: { model: ${prefix}/x }\n`;
      if (entry.defaultApiBase === undefined) expect(configError(yaml).message, prefix).toContain('api_base is required');
      else expect(parseConfigText(yaml, 'c.yaml', {}).deployments[0]!.apiBase, prefix).toBe(entry.defaultApiBase);
    }
    expect(PROVIDER_CATALOG.openai!.defaultApiBase).toBe('https://api.openai.com/v1');
    expect(PROVIDER_CATALOG.ollama!.defaultApiBase).toBe('http://127.0.0.1:11434');
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
