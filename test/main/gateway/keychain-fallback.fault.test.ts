import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { createMockUpstream, type MockUpstream } from '../../support/mock-upstream.js';
import { startTestGateway, type TestGateway } from '../../support/test-gateway.js';
import { GatewayError } from '../../../main/core/gateway-error.js';

let upstream: MockUpstream;
let gateway: TestGateway;

beforeAll(async () => {
  upstream = await createMockUpstream();
  gateway = await startTestGateway(
    `model_list:
  - model_name: pair
    litellm_params: { model: openai/a, api_base: "${upstream.url}/v1", api_key: keychain/locked-away, order: 1 }
  - model_name: pair
    litellm_params: { model: openai/b, api_base: "${upstream.url}/v1", api_key: sk-readable, order: 2 }
router_settings: { num_retries: 1 }
`,
    {
      listen: true,
      masterKey: 'sk-master',
      // The keychain cannot give this deployment's key (locked, missing, or timed out).
      resolveCredential: (ref) => {
        if (ref.kind === 'keychain') throw new GatewayError('service_unavailable', `The key "${ref.name}" could not be read from the OS keychain`);
        return ref.kind === 'literal' ? ref.value : undefined;
      },
    },
  );
});
afterAll(async () => {
  await gateway.close();
  await upstream.close();
});

describe('a deployment whose keychain key cannot be read', () => {
  it('is skipped for the next deployment of the group instead of failing the request', async () => {
    const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'sk-master', maxRetries: 0 });
    const { data, response } = await client.chat.completions.create({ model: 'pair', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    expect(data.choices[0]?.message.content).toBeTruthy();
    expect(response.headers.get('x-switchboard-deployment')).toBe('pair#1');
    expect(response.headers.get('x-litellm-attempted-retries')).toBe('1');
    expect(upstream.requests).toHaveLength(1);
    expect(upstream.requests[0]!.headers.authorization).toBe('Bearer sk-readable');
  });
});
