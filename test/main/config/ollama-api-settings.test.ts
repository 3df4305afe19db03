import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../main/config/load-config.js';
import { ConfigError } from '../../../main/core/config-error.js';
import { DEFAULT_MAX_KEEP_ALIVE_SECONDS, DEFAULT_OLLAMA_VERSION, parseKeepAliveCap } from '../../../main/config/ollama-api-settings.js';

const load = (block: string) => parseConfigText(`general_settings:\n  ollama_api: ${block}\n`, 'c.yaml', {});

describe('general_settings.ollama_api', () => {
  it('defaults: no listener, keys required, no keyless models, a current version, a 30-minute keep_alive cap', () => {
    const { ollamaApi, warnings } = parseConfigText('model_list: []\n', 'c.yaml', {});
    expect(ollamaApi.port).toBeUndefined();
    expect(ollamaApi.allowWithoutKey).toBe(false);
    expect(ollamaApi.models).toEqual([]);
    expect(ollamaApi.version).toBe(DEFAULT_OLLAMA_VERSION);
    expect(ollamaApi.maxKeepAliveSeconds()).toBe(DEFAULT_MAX_KEEP_ALIVE_SECONDS);
    expect(warnings).toEqual([]);
  });

  it('reads every key without a warning', () => {
    const { ollamaApi, warnings } = load('{ port: 11434, allow_without_key: true, models: [gpt-4o, "qwen3:8b"], version: "0.14.0", max_keep_alive: "5m" }');
    expect(warnings).toEqual([]);
    expect(ollamaApi).toMatchObject({ port: 11434, allowWithoutKey: true, models: ['gpt-4o', 'qwen3:8b'], version: '0.14.0' });
    expect(ollamaApi.maxKeepAliveSeconds()).toBe(300);
  });

  it.each([
    [600, 600], ['90s', 90], ['1h', 3600], ['30m', 1800], [-1, null], ['-1', null], ['unlimited', null], [0, 0],
  ])('max_keep_alive %j caps at %j seconds', (value, expected) => {
    expect(load(`{ max_keep_alive: ${JSON.stringify(value)} }`).ollamaApi.maxKeepAliveSeconds()).toBe(expected);
  });

  it.each([
    ['{ port: 0 }', /ollama_api\.port/],
    ['{ port: 70000 }', /ollama_api\.port/],
    ['{ port: "11434" }', /ollama_api\.port/],
    ['{ allow_without_key: "yes" }', /allow_without_key/],
    ['{ models: gpt-4o }', /models: must be a list/],
    ['{ version: latest }', /version: must be a version/],
    ['{ max_keep_alive: "forever" }', /max_keep_alive: must be seconds/],
    ['{ prot: 11434 }', /ollama_api/],
  ])('refuses %s with its line', (block, message) => {
    expect(() => load(block)).toThrow(ConfigError);
    expect(() => load(block)).toThrow(message);
    expect(() => load(block)).toThrow(/c\.yaml:2/);
  });

  it('parses keep-alive caps the way the routes will read them', () => {
    expect(parseKeepAliveCap('2.5m')).toBe(150);
    expect(parseKeepAliveCap('500ms')).toBe(0);
    expect(parseKeepAliveCap('5 minutes')).toBeUndefined();
  });
});
