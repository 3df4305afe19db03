import { afterEach, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../../support/test-gateway.js';
import { DEFAULT_MAX_JSON_DEPTH } from '../../../main/gateway/plugins/json-body-parser.js';

const YAML = 'model_list:\n  - model_name: m\n    litellm_params: { model: openai/m, api_base: "http://127.0.0.1:9/v1" }\n';

let gateway: TestGateway | undefined;
afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

/** A chat body for an unknown model (so a parsed body ends at 404) whose JSON depth is exactly `depth` (>= 4). */
function chatBodyOfDepth(depth: number): string {
  // body { messages [ { content [ ...extra arrays... ] } ] }: the body itself is 4 levels.
  const extra = depth - 4;
  return `{"model":"nope","messages":[{"role":"user","content":[${'['.repeat(extra)}${']'.repeat(extra)}]}]}`;
}

const post = (g: TestGateway, url: string, payload: string) =>
  g.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload });

describe('registerJsonBodyParser', () => {
  it.each([
    ['the default limit', undefined, DEFAULT_MAX_JSON_DEPTH],
    ['a limit passed in', 8, 8],
  ])('takes a body exactly at %s and refuses one level more, before any route runs', async (_name, maxJsonDepth, limit) => {
    gateway = await startTestGateway(YAML, maxJsonDepth === undefined ? {} : { maxJsonDepth });
    const atLimit = await post(gateway, '/v1/chat/completions', chatBodyOfDepth(limit));
    expect(atLimit.statusCode).toBe(404);
    expect(atLimit.json().error.code).toBe('model_not_found');
    const over = await post(gateway, '/v1/chat/completions', chatBodyOfDepth(limit + 1));
    expect(over.statusCode).toBe(400);
    expect(over.json()).toEqual({
      error: { message: `The request body nests JSON deeper than ${limit} levels`, type: 'invalid_request_error', param: null, code: 'invalid_json' },
    });
  });

  it('limits every JSON route, not only inference', async () => {
    gateway = await startTestGateway(YAML, { maxJsonDepth: 8 });
    const res = await post(gateway, '/active-model', `{"model":${'['.repeat(9)}${']'.repeat(9)}}`);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('invalid_json');
  });

  it('does not count brackets inside strings', async () => {
    gateway = await startTestGateway(YAML, { maxJsonDepth: 8 });
    const res = await post(gateway, '/v1/chat/completions', JSON.stringify({ model: 'nope', messages: [{ role: 'user', content: '[[[[[[[[[[{{{{{{{{{{' }] }));
    expect(res.statusCode).toBe(404);
  });
});
