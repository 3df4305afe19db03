import { describe, expect, it } from 'vitest';
import { convertToGeminiTools } from '../../../../main/providers/gemini/convert-to-gemini-tools.js';
import { expectGatewayError } from '../expect-gateway-error.js';

const weather = { type: 'function', function: { name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } };
const noArgs = { type: 'function', function: { name: 'list_files', parameters: { type: 'object', properties: {} } } };

describe('convertToGeminiTools', () => {
  it('wraps function tools in one functionDeclarations entry with Gemini schemas', () => {
    expect(convertToGeminiTools({ tools: [weather, noArgs] })).toEqual({
      tools: [{ functionDeclarations: [
        { name: 'get_weather', description: 'Weather', parameters: { type: 'OBJECT', properties: { city: { type: 'STRING' } }, required: ['city'] } },
        { name: 'list_files' },
      ] }],
    });
  });

  it.each([
    ['auto', { mode: 'AUTO' }],
    ['none', { mode: 'NONE' }],
    ['required', { mode: 'ANY' }],
    [{ type: 'function', function: { name: 'get_weather' } }, { mode: 'ANY', allowedFunctionNames: ['get_weather'] }],
  ])('maps tool_choice %j to functionCallingConfig %j', (choice, expected) => {
    expect(convertToGeminiTools({ tools: [weather], tool_choice: choice }).toolConfig).toEqual({ functionCallingConfig: expected });
  });

  it('keeps an empty OBJECT for argument-less tools when a call is forced', () => {
    const result = convertToGeminiTools({ tools: [noArgs], tool_choice: 'required' });
    expect(result.tools).toEqual([{ functionDeclarations: [{ name: 'list_files', parameters: { type: 'OBJECT', properties: {} } }] }]);
  });

  it.each([
    ['a non-function tool', { tools: [{ type: 'code_interpreter' }] }],
    ['a forced call without tools', { tool_choice: 'required' }],
    ['an unknown tool_choice', { tools: [weather], tool_choice: 'validated' }],
  ])('rejects %s with a 400', (_label, body) => {
    expectGatewayError(() => convertToGeminiTools(body), 'invalid_request');
  });
});
