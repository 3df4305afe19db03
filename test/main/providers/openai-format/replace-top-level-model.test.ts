import { describe, expect, it } from 'vitest';
import { replaceTopLevelModel } from '../../../../main/providers/openai-format/replace-top-level-model.js';

// What matters: the text returned parses to the client's body with only `model` changed, and
// anything that could make the upstream read another request than the one validated is refused.
describe('replaceTopLevelModel', () => {
  it('replaces only the top-level model value and keeps every other byte as the client sent it', () => {
    const text = '{ "model" : "alias",\n"messages":[{"role":"user","content":"a \\"model\\": \\"x\\" {[}]"}],"max_tokens":1e2, "temperature":1.0 }';
    const sent = replaceTopLevelModel(text, 'gpt-4o-mini')!;
    expect(sent).toBe(text.replace('"alias"', '"gpt-4o-mini"'));
    expect(JSON.parse(sent)).toEqual({ ...JSON.parse(text), model: 'gpt-4o-mini' });
  });

  it('leaves a nested "model" alone (a tool schema may name one)', () => {
    const text = '{"tools":[{"type":"function","function":{"name":"f","parameters":{"model":"keep"}}}],"model":"alias","messages":[]}';
    expect(JSON.parse(replaceTopLevelModel(text, 'up')!)).toEqual({ ...JSON.parse(text), model: 'up' });
  });

  it('escapes the upstream model name as JSON', () => {
    const sent = replaceTopLevelModel('{"model":"a"}', 'we"ird\\name')!;
    expect(JSON.parse(sent)).toEqual({ model: 'we"ird\\name' });
  });

  it('returns the text unchanged when the upstream takes the model from its URL (Azure)', () => {
    const text = '{"model":"alias","messages":[]}';
    expect(replaceTopLevelModel(text, undefined)).toBe(text);
  });

  it('handles strings ending in escaped backslashes and values of every kind', () => {
    const text = '{"a":"x\\\\","b":null,"c":true,"d":-1.5e-3,"e":[],"f":{},"model":"m","g":[1,{"h":"}"}]}';
    expect(JSON.parse(replaceTopLevelModel(text, 'u')!)).toEqual({ ...JSON.parse(text), model: 'u' });
  });

  it.each([
    ['a duplicated budget field (JSON.parse keeps the last, an upstream may read the first)', '{"model":"m","max_tokens":1000000,"max_tokens":1}'],
    ['a duplicated model', '{"model":"cheap","model":"m"}'],
    ['an escaped top-level key, known only once decoded', '{"model":"m","max_tok\\u0065ns":5}'],
    ['an escaped model value', '{"model":"m\\u0020"}'],
    ['no model to replace', '{"messages":[]}'],
    ['not an object', '["model"]'],
    ['trailing garbage', '{"model":"m"} x'],
    ['an unterminated string', '{"model":"m'],
  ])('refuses %s', (_why, text) => {
    expect(replaceTopLevelModel(text, 'up')).toBeUndefined();
  });
});
