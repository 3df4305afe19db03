import { describe, expect, it } from 'vitest';
import { deltaReasoning, readFirstChoice } from '../../../main/gateway/read-first-choice.js';

describe('readFirstChoice', () => {
  it('finds choice 0 (or a choice without an index) and its delta', () => {
    expect(readFirstChoice({ choices: [{ index: 1, delta: { content: 'b' } }, { index: 0, delta: { content: 'a' } }] })).toEqual({ choice: { index: 0, delta: { content: 'a' } }, delta: { content: 'a' } });
    expect(readFirstChoice({ choices: [{ delta: { content: 'x' } }] })?.delta).toEqual({ content: 'x' });
  });

  it('gives an empty delta for a finish-only choice, and nothing for chunks without a usable choice', () => {
    expect(readFirstChoice({ choices: [{ index: 0, finish_reason: 'stop' }] })?.delta).toEqual({});
    for (const chunk of [{}, { choices: [] }, { choices: 'x' }, { choices: [null, 3] }, { choices: [{ index: 2 }] }, { usage: { prompt_tokens: 1 } }]) {
      expect(readFirstChoice(chunk)).toBeUndefined();
    }
  });
});

describe('deltaReasoning', () => {
  it('reads reasoning_content first, then reasoning', () => {
    expect(deltaReasoning({ reasoning_content: 'a', reasoning: 'b' })).toBe('a');
    expect(deltaReasoning({ reasoning: 'b' })).toBe('b');
    expect(deltaReasoning({ content: 'c' })).toBeUndefined();
  });
});
