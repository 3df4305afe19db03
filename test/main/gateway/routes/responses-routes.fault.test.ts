// The hook a response store plugs into: onResponseCompleted gets every finished /v1/responses
// answer (bridged or passed through, stream or not) with the request's input items, once, and
// exactly the object the client receives; a failed response is not handed over.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import type { CompletedResponse } from '../../../../main/gateway/routes/responses-routes.js';
import { createMockUpstream, type MockUpstream } from '../../../support/mock-upstream.js';
import { RESPONSES_MOCK_KEY, createMockResponsesUpstream, type MockResponsesUpstream } from '../../../support/mock-responses-upstream.js';
import { startTestGateway, type TestGateway } from '../../../support/test-gateway.js';

const MASTER = 'sk-master-responses-hook';
const INPUT = [{ role: 'user' as const, content: 'hi' }];

let chat: MockUpstream;
let responses: MockResponsesUpstream;
let gateway: TestGateway;
const completed: CompletedResponse[] = [];

beforeAll(async () => {
  chat = await createMockUpstream();
  responses = await createMockResponsesUpstream();
  gateway = await startTestGateway(`model_list:
  - model_name: local
    litellm_params: { model: hosted_vllm/qwen3, api_base: "${chat.url}/v1" }
  - model_name: gpt-5
    litellm_params: { model: openai/gpt-5, api_base: "${responses.url}/v1", api_key: "${RESPONSES_MOCK_KEY}" }
`, { listen: true, masterKey: MASTER, onResponseCompleted: (c) => completed.push(c) });
});
afterAll(async () => {
  await gateway?.close();
  await chat?.close();
  await responses?.close();
});
beforeEach(() => {
  completed.length = 0;
});

const client = () => new OpenAI({ apiKey: MASTER, baseURL: `${gateway.url}/v1`, maxRetries: 0 });

describe('onResponseCompleted', () => {
  it.each([
    ['bridged, not streamed', 'local', false],
    ['bridged, streamed', 'local', true],
    ['passed through, not streamed', 'gpt-5', false],
    ['passed through, streamed', 'gpt-5', true],
  ])('%s: once, with the input items and the object the client got', async (_name, model, stream) => {
    const final = stream
      ? await client().responses.stream({ model, input: INPUT }).finalResponse()
      : await client().responses.create({ model, input: INPUT });
    expect(completed).toHaveLength(1);
    const [{ request, response }] = completed as [CompletedResponse];
    expect(request.input).toEqual(INPUT);
    expect(request.model).toBe(model);
    expect(response).toMatchObject({ id: final.id, status: 'completed', created_at: expect.any(Number), model: expect.any(String), usage: expect.any(Object) });
    expect(response.id).toMatch(/^resp_/);
    // The SDK adds `parsed` to text parts it assembles from a stream; the rest is what was sent.
    expect(response.output).toEqual(JSON.parse(JSON.stringify(final.output, (key, value) => (key === 'parsed' ? undefined : value))));
  });

  it('is not called for a response that failed mid-stream', async () => {
    chat.script({ kind: 'in-band-error' });
    const final = await client().responses.stream({ model: 'local', input: INPUT }).finalResponse();
    expect(final).toMatchObject({ status: 'failed', error: { code: 'server_error' } });
    expect(completed).toEqual([]);
  });
});
