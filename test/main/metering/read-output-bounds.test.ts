import { describe, expect, it } from 'vitest';
import { readOutputBounds } from '../../../main/metering/read-output-bounds.js';

const chat = (extra: Record<string, unknown>) => ({ model: 'm', messages: [{ role: 'user', content: 'hi' }], ...extra });
const completion = (extra: Record<string, unknown>) => ({ model: 'm', prompt: 'Once upon a time', ...extra });

describe('readOutputBounds', () => {
  it.each([
    ['one choice, no cap, for a plain chat request', 'chat', chat({}), { maxTokens: undefined, choices: 1, unpricedOutput: undefined }],
    ['max_completion_tokens before max_tokens', 'chat', chat({ max_completion_tokens: 7, max_tokens: 900 }), { maxTokens: 7, choices: 1, unpricedOutput: undefined }],
    ['n chat choices', 'chat', chat({ n: 128, max_tokens: 9 }), { maxTokens: 9, choices: 128, unpricedOutput: undefined }],
    ['best_of on chat too (vLLM generates them)', 'chat', chat({ best_of: 5 }), { maxTokens: undefined, choices: 5, unpricedOutput: undefined }],
    ['best_of when larger than n (completions)', 'completions', completion({ n: 2, best_of: 6, max_tokens: 16 }), { maxTokens: 16, choices: 6, unpricedOutput: undefined }],
    ['n when larger than best_of', 'completions', completion({ n: 4, best_of: 1 }), { maxTokens: undefined, choices: 4, unpricedOutput: undefined }],
    ['n choices for each prompt of a batch', 'completions', completion({ prompt: ['a', 'b', 'c'], n: 2 }), { maxTokens: undefined, choices: 6, unpricedOutput: undefined }],
    ['a batch of tokenised prompts', 'completions', completion({ prompt: [[1, 2], [3, 4]] }), { maxTokens: undefined, choices: 2, unpricedOutput: undefined }],
    ['one tokenised prompt as one prompt', 'completions', completion({ prompt: [1, 2, 3] }), { maxTokens: undefined, choices: 1, unpricedOutput: undefined }],
    ['audio output from modalities', 'chat', chat({ modalities: ['text', 'audio'], audio: { voice: 'alloy', format: 'wav' } }), { maxTokens: undefined, choices: 1, unpricedOutput: 'audio' }],
    ['audio output from the audio parameter alone', 'chat', chat({ audio: { voice: 'alloy', format: 'wav' } }), { maxTokens: undefined, choices: 1, unpricedOutput: 'audio' }],
    ['image output from modalities', 'chat', chat({ modalities: ['image', 'text'] }), { maxTokens: undefined, choices: 1, unpricedOutput: 'image' }],
    ['text-only modalities as plain text', 'chat', chat({ modalities: ['text'] }), { maxTokens: undefined, choices: 1, unpricedOutput: undefined }],
    ['nothing generated for embeddings, whatever the body says', 'embeddings', { model: 'm', input: ['a', 'b'], n: 9 }, { maxTokens: undefined, choices: 1, unpricedOutput: undefined }],
  ] as const)('reads %s', (_name, endpoint, body, expected) => {
    expect(readOutputBounds(endpoint, body as Record<string, unknown>)).toEqual(expected);
  });

  it('never exceeds the largest safe integer, however the multipliers combine', () => {
    const bounds = readOutputBounds('completions', completion({ prompt: Array.from({ length: 4 }, () => 'x'), n: Number.MAX_SAFE_INTEGER }));
    expect(bounds.choices).toBe(Number.MAX_SAFE_INTEGER);
  });
});
