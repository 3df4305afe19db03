import { describe, expect, it } from 'vitest';
import { resolveOllamaModelName } from '../../../../main/gateway/ollama-inbound/resolve-ollama-model-name.js';

const KNOWN = ['my-model', 'qwen3:8b', 'tagged:latest', 'org/coder'];

describe('resolveOllamaModelName', () => {
  it.each([
    ['my-model', 'my-model'],
    ['my-model:latest', 'my-model'],
    ['qwen3:8b', 'qwen3:8b'],
    ['tagged', 'tagged:latest'],
    ['tagged:latest', 'tagged:latest'],
    ['org/coder:latest', 'org/coder'],
  ])('reads %s as the configured %s', (name, expected) => {
    expect(resolveOllamaModelName(name, KNOWN)).toBe(expected);
  });

  it.each([
    ['qwen3', 'a configured name with a tag matches only exactly'],
    ['qwen3:latest', 'nor with :latest'],
    ['my-model:7b', 'another tag is another model'],
    [':latest', 'a bare tag is no name'],
    ['unknown', 'an unknown name'],
  ])('finds nothing for %s (%s)', (name) => {
    expect(resolveOllamaModelName(name, KNOWN)).toBeUndefined();
  });

  it('accepts a Set as well as any iterable', () => {
    expect(resolveOllamaModelName('my-model:latest', new Set(KNOWN))).toBe('my-model');
  });
});
