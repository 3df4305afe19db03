// Validation of a POST /v1/responses body before routing: clear 400s naming the Responses field,
// routing fields refused, stored-state features refused until the response store exists.
import { describe, expect, it } from 'vitest';
import { parseResponsesRequest } from '../../../../main/gateway/responses-inbound/parse-responses-request.js';
import { GatewayError } from '../../../../main/core/gateway-error.js';

function refusal(body: unknown): GatewayError {
  try {
    parseResponsesRequest(body);
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('accepted');
}

describe('parseResponsesRequest', () => {
  it('reads the fields the gateway acts on', () => {
    const parsed = parseResponsesRequest({ model: 'm', input: [{ role: 'user', content: 'hi' }], instructions: 'Be brief.', stream: true, max_output_tokens: 100, tools: [{ type: 'web_search' }] });
    expect(parsed).toMatchObject({ model: 'm', stream: true, instructions: 'Be brief.', maxOutputTokens: 100, tools: [{ type: 'web_search' }] });
  });

  it.each([
    ['a body that is not an object', [], 'invalid_request', null],
    ['input of the wrong type', { model: 'm', input: 42 }, 'invalid_request', 'input'],
    ['an input item that is not an object', { model: 'm', input: ['hi'] }, 'invalid_request', 'input'],
    ['no input and no instructions', { model: 'm' }, 'invalid_request', 'input'],
    ['a missing model', { input: 'hi' }, 'invalid_request', 'model'],
    ['stream not a boolean', { model: 'm', input: 'hi', stream: 'yes' }, 'invalid_request', 'stream'],
    ['max_output_tokens not a positive integer', { model: 'm', input: 'hi', max_output_tokens: 0 }, 'invalid_request', 'max_output_tokens'],
    ['temperature not a number', { model: 'm', input: 'hi', temperature: 'hot' }, 'invalid_request', 'temperature'],
    ['tools not an array', { model: 'm', input: 'hi', tools: {} }, 'invalid_request', 'tools'],
    ['a tool without a type', { model: 'm', input: 'hi', tools: [{ name: 'x' }] }, 'invalid_request', 'tools'],
    ['text.format without a type', { model: 'm', input: 'hi', text: { format: {} } }, 'invalid_request', 'text.format'],
    ['conversation', { model: 'm', input: 'hi', conversation: 'conv_1' }, 'invalid_request', 'conversation'],
    ['background', { model: 'm', input: 'hi', background: true }, 'invalid_request', 'background'],
    ['a routing field', { model: 'm', input: 'hi', api_key: 'sk-x' }, 'forbidden_field', 'api_key'],
  ])('refuses %s', (_name, body, code, param) => {
    const error = refusal(body);
    expect(error.code).toBe(code);
    expect(error.param ?? null).toBe(param);
    expect(error.status).toBe(400);
  });

  it('says conversation is not supported and what to do instead', () => {
    expect(refusal({ model: 'm', input: 'hi', conversation: 'conv_1' }).message).toMatch(/not supported.*previous_response_id.*whole conversation/);
  });

  it('leaves previous_response_id to the route (the response store resolves it)', () => {
    expect(parseResponsesRequest({ model: 'm', input: 'hi', previous_response_id: 'resp_1' }).body.previous_response_id).toBe('resp_1');
  });
});
