import { describe, expect, it } from 'vitest';
import { findLiteralKeys, isLiteralKey, plaintextKeyWarnings } from '../../../main/secrets/find-literal-keys.js';

const CONFIG = `# comment line 1
model_list:
  - model_name: gpt-4o
    litellm_params:
      model: openai/gpt-4o
      api_key: sk-plain-0123456789abcdef
  - model_name: claude
    litellm_params: { model: anthropic/claude-sonnet-4, api_key: "os.environ/ANTHROPIC_API_KEY" }
  - model_name: gemini
    litellm_params: { model: gemini/gemini-2.5-pro, api_key: keychain/gemini }
  - model_name: local
    litellm_params: { model: ollama_chat/llama3.2 }
  - model_name: shared
    litellm_params:
      model: openai/gpt-4o-mini
      api_key: &shared 'sk-shared-0123456789abcdef'
  - model_name: shared-too
    litellm_params:
      model: openai/o3
      api_key: *shared
general_settings:
  master_key: sk-1234
`;

describe('find-literal-keys', () => {
  it.each([
    ['sk-abc', true],
    ['os.environ/OPENAI_API_KEY', false],
    ['keychain/openai', false],
    ['', false],
    [42, false],
    [undefined, false],
  ])('treats %j as a plaintext key: %s', (value, literal) => {
    expect(isLiteralKey(value)).toBe(literal);
  });

  it('finds plaintext api_key and master_key values with their lines, models and providers', () => {
    expect(findLiteralKeys(CONFIG)).toEqual([
      { path: 'model_list[0].litellm_params.api_key', field: 'api_key', line: 6, modelName: 'gpt-4o', provider: 'openai' },
      { path: 'model_list[4].litellm_params.api_key', field: 'api_key', line: 16, modelName: 'shared', provider: 'openai' },
      { path: 'model_list[5].litellm_params.api_key', field: 'api_key', line: 16, modelName: 'shared-too', provider: 'openai' },
      { path: 'general_settings.master_key', field: 'master_key', line: 22, modelName: undefined, provider: undefined },
    ]);
  });

  it('returns nothing for YAML that does not parse (the config loader reports that)', () => {
    expect(findLiteralKeys('model_list: [\n')).toEqual([]);
    expect(findLiteralKeys('just a string')).toEqual([]);
  });

  it('warns with file, line and field, and never with the value', () => {
    const warnings = plaintextKeyWarnings('/etc/switchboard.yaml', CONFIG);
    expect(warnings).toHaveLength(4);
    expect(warnings[0]).toBe(
      '/etc/switchboard.yaml:6: model_list[0].litellm_params.api_key holds a provider key (model "gpt-4o") in plaintext in this file. Switchboard uses it but never stores it; move it to the OS keychain with: switchboard keys import --config /etc/switchboard.yaml',
    );
    expect(warnings[3]).toMatch(/^\/etc\/switchboard\.yaml:22: general_settings\.master_key holds the admin key in plaintext/);
    const all = warnings.join('\n');
    for (const secret of ['sk-plain-0123456789abcdef', 'sk-shared-0123456789abcdef', 'sk-1234']) expect(all).not.toContain(secret);
  });
});
