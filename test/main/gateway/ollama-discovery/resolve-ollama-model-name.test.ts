import { describe, expect, it } from 'vitest';
import { resolveOllamaModelName, toOllamaTagName } from '../../../../main/gateway/ollama-discovery/resolve-ollama-model-name.js';

const configured = new Set(['gpt-4o', 'qwen3:8b', 'tagged:latest', 'anthropic/claude-sonnet-4-5']);
const exists = (name: string) => configured.has(name);

describe('resolveOllamaModelName', () => {
  it.each([
    ['gpt-4o', 'gpt-4o'],
    ['gpt-4o:latest', 'gpt-4o'],
    ['qwen3:8b', 'qwen3:8b'],
    ['tagged', 'tagged:latest'],
    ['tagged:latest', 'tagged:latest'],
    ['anthropic/claude-sonnet-4-5:latest', 'anthropic/claude-sonnet-4-5'],
  ])('finds %s as the configured %s', (requested, expected) => {
    expect(resolveOllamaModelName(requested, exists)).toBe(expected);
  });

  it.each([
    ['qwen3'], ['qwen3:latest'], ['qwen3:8b:latest'], ['gpt-4o:mini'], [':latest'], [''], ['GPT-4O'],
  ])('finds nothing for %j', (requested) => {
    expect(resolveOllamaModelName(requested, exists)).toBeUndefined();
  });
});

describe('toOllamaTagName', () => {
  it('appends :latest only to names without a tag', () => {
    expect(toOllamaTagName('gpt-4o')).toBe('gpt-4o:latest');
    expect(toOllamaTagName('qwen3:8b')).toBe('qwen3:8b');
  });
});
