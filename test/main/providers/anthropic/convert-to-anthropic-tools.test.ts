import { describe, expect, it } from 'vitest';
import { convertToAnthropicTools } from '../../../../main/providers/anthropic/convert-to-anthropic-tools.js';
import { expectGatewayError } from '../expect-gateway-error.js';

const weather = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

describe('convertToAnthropicTools', () => {
  it('converts function tools to name, description and input_schema', () => {
    expect(convertToAnthropicTools({ tools: [weather] })).toEqual({
      tools: [{ name: 'get_weather', description: 'Current weather', input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } }],
    });
  });

  it('gives a tool without parameters an empty object schema, and adds a missing type', () => {
    const result = convertToAnthropicTools({
      tools: [{ type: 'function', function: { name: 'ping' } }, { type: 'function', function: { name: 'echo', parameters: { properties: { s: { type: 'string' } } } } }],
    });
    expect(result.tools).toEqual([
      { name: 'ping', input_schema: { type: 'object', properties: {} } },
      { name: 'echo', input_schema: { type: 'object', properties: { s: { type: 'string' } } } },
    ]);
  });

  it.each([
    ['auto', { type: 'auto' }],
    ['none', { type: 'none' }],
    ['required', { type: 'any' }],
    [{ type: 'function', function: { name: 'get_weather' } }, { type: 'tool', name: 'get_weather' }],
  ])('maps tool_choice %j to %j', (choice, expected) => {
    expect(convertToAnthropicTools({ tools: [weather], tool_choice: choice }).tool_choice).toEqual(expected);
  });

  it('maps parallel_tool_calls false to disable_parallel_tool_use', () => {
    expect(convertToAnthropicTools({ tools: [weather], parallel_tool_calls: false }).tool_choice).toEqual({ type: 'auto', disable_parallel_tool_use: true });
    expect(convertToAnthropicTools({ tools: [weather], tool_choice: 'required', parallel_tool_calls: false }).tool_choice).toEqual({ type: 'any', disable_parallel_tool_use: true });
  });

  it('leaves tool_choice out when the client did not ask for one', () => {
    expect(convertToAnthropicTools({ tools: [weather] }).tool_choice).toBeUndefined();
  });

  it('ignores auto/none without tools but rejects a forced call with nothing to call', () => {
    expect(convertToAnthropicTools({ tool_choice: 'none' })).toEqual({});
    expectGatewayError(() => convertToAnthropicTools({ tool_choice: 'required' }), 'invalid_request');
  });

  it.each([
    ['a non-function tool', { tools: [{ type: 'web_search' }] }],
    ['a tool without a name', { tools: [{ type: 'function', function: { description: 'x' } }] }],
    ['a non-object schema', { tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'string' } } }] }],
    ['an unknown tool_choice', { tools: [weather], tool_choice: 'sometimes' }],
    ['legacy functions', { functions: [{ name: 'f' }] }],
  ])('rejects %s with a 400', (_label, body) => {
    expectGatewayError(() => convertToAnthropicTools(body), 'invalid_request');
  });
});
