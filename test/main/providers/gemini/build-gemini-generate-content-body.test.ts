import { describe, expect, it } from 'vitest';
import { buildGeminiGenerateContentBody, requiresThoughtSignatures } from '../../../../main/providers/gemini/build-gemini-generate-content-body.js';
import { expectGatewayError } from '../expect-gateway-error.js';

const messages = [{ role: 'user', content: 'Hi' }];

describe('buildGeminiGenerateContentBody', () => {
  it('maps sampling, limits and stop sequences into generationConfig', () => {
    const body = buildGeminiGenerateContentBody({
      model: 'public', messages, max_tokens: 100, max_completion_tokens: 200, temperature: 0.3, top_p: 0.8, top_k: 40,
      presence_penalty: 0.1, frequency_penalty: 0.2, seed: 11, stop: ['END', ''], user: 'u1', store: true,
    }, 'gemini-2.5-flash');
    expect(body).toEqual({
      contents: [{ role: 'user', parts: [{ text: 'Hi' }] }],
      generationConfig: { maxOutputTokens: 200, temperature: 0.3, topP: 0.8, topK: 40, presencePenalty: 0.1, frequencyPenalty: 0.2, seed: 11, stopSequences: ['END'] },
    });
  });

  it('puts system text at the start of the first user turn for Gemma models, which refuse systemInstruction', () => {
    const withSystem = [{ role: 'system', content: 'Be brief.' }, ...messages];
    expect(buildGeminiGenerateContentBody({ messages: withSystem }, 'gemma-3-27b-it')).toEqual({ contents: [{ role: 'user', parts: [{ text: 'Be brief.' }, { text: 'Hi' }] }] });
    expect(buildGeminiGenerateContentBody({ messages: withSystem }, 'gemini-2.5-flash')).toEqual({
      contents: [{ role: 'user', parts: [{ text: 'Hi' }] }],
      systemInstruction: { parts: [{ text: 'Be brief.' }] },
    });
  });

  it('leaves generationConfig out when nothing was asked for', () => {
    expect(buildGeminiGenerateContentBody({ messages }, 'gemini-2.5-flash')).toEqual({ contents: [{ role: 'user', parts: [{ text: 'Hi' }] }] });
  });

  it('maps response_format to a JSON mime type and a Gemini response schema', () => {
    expect(buildGeminiGenerateContentBody({ messages, response_format: { type: 'json_object' } }, 'm').generationConfig).toEqual({ responseMimeType: 'application/json' });
    const schema = { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'], additionalProperties: false };
    expect(buildGeminiGenerateContentBody({ messages, response_format: { type: 'json_schema', json_schema: { name: 'a', schema } } }, 'm').generationConfig).toEqual({
      responseMimeType: 'application/json',
      responseSchema: { type: 'OBJECT', properties: { answer: { type: 'STRING' } }, required: ['answer'] },
    });
  });

  it.each([
    ['none', { thinkingBudget: 0 }],
    ['low', { thinkingBudget: 1024, includeThoughts: true }],
    ['medium', { thinkingBudget: 2048, includeThoughts: true }],
    ['high', { thinkingBudget: 4096, includeThoughts: true }],
  ])('maps reasoning_effort %s to thinkingConfig %j', (effort, expected) => {
    expect(buildGeminiGenerateContentBody({ messages, reasoning_effort: effort }, 'gemini-2.5-pro').generationConfig).toEqual({ thinkingConfig: expected });
  });

  it.each([
    ['gemini-3-pro-preview', true],
    ['gemini-3.5-flash', true],
    ['gemini-2.5-flash', false],
    ['gemma-3-27b-it', false],
  ])('knows whether %s validates thought signatures (%s)', (model, expected) => {
    expect(requiresThoughtSignatures(model)).toBe(expected);
  });

  it.each([
    ['n > 1', { n: 3 }],
    ['logprobs', { logprobs: true }],
    ['an unknown reasoning_effort', { reasoning_effort: 'max' }],
    ['a malformed response_format', { response_format: { type: 'json_schema' } }],
  ])('rejects %s with a 400', (_label, params) => {
    expectGatewayError(() => buildGeminiGenerateContentBody({ messages, ...params }, 'gemini-2.5-flash'), 'invalid_request');
  });
});
