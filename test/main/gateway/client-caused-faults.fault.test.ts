// Client-caused failures are not upstream failures (checklist S40, issue 11 item 9): a body nested
// thousands of levels deep once made re-serialisation throw, which the gateway took for an
// unreachable upstream, so two such requests cooled a two-deployment group down and every other
// client got 429 for 5 s. Over real loopback sockets: the bad request gets a 400 in its route's
// own shape, nothing reaches the upstream, the deployments' health is untouched, and the next
// normal request from anyone is served.
import { afterEach, describe, expect, it } from 'vitest';
import { chatBody, FAULT_UPSTREAM_KEY, startFaultHarness, type FaultHarness, type FaultHarnessOptions } from '../../support/fault-harness.js';
import { DEFAULT_MAX_JSON_DEPTH } from '../../../main/gateway/plugins/json-body-parser.js';

const CHAT = '/v1/chat/completions';
const MESSAGES = '/v1/messages';

let harness: FaultHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** Model "m" served by two deployments (m#0, m#1) of the mock; retries on, cooldowns as by default. */
async function startTwoDeployments(gateway: FaultHarnessOptions['gateway'] = {}): Promise<FaultHarness> {
  harness = await startFaultHarness({
    extraModels: (url) => `  - model_name: m\n    litellm_params: { model: openai/up-model-b, api_base: "${url}/v1", api_key: "${FAULT_UPSTREAM_KEY}" }\n`,
    routerSettings: '{ num_retries: 2, allowed_fails: 2, cooldown_time: 5 }',
    gateway: { sleep: async () => undefined, ...gateway },
  });
  return harness;
}

/** `{"a":{"a":...1...}}`, `levels` objects deep, as text: JSON.stringify itself would overflow on it. */
function deepObjectText(levels: number): string {
  return `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
}

/** A chat request whose tool schema carries a value nested `levels` deep. */
function deepChatBody(levels: number): string {
  const tool = `{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{},"default":${deepObjectText(levels)}}}}`;
  return `{"model":"m","messages":[{"role":"user","content":"Say hello"}],"tools":[${tool}]}`;
}

/** A Messages request whose earlier tool_use.input is nested `levels` deep. */
function deepMessagesBody(levels: number): string {
  return `{"model":"m","max_tokens":100,"messages":[{"role":"user","content":"Look it up"},`
    + `{"role":"assistant","content":[{"type":"tool_use","id":"toolu_01","name":"lookup","input":${deepObjectText(levels)}}]},`
    + `{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_01","content":"done"}]}]}`;
}

async function send(h: FaultHarness, path: string, body: unknown) {
  const exchange = h.post(path, body);
  const head = await exchange.head;
  const text = await exchange.done;
  return { ...head, json: JSON.parse(text) as Record<string, unknown> };
}

/** Neither deployment has been marked down: a normal request is served and nothing cools down. */
async function expectGroupHealthy(h: FaultHarness): Promise<void> {
  const health = h.gateway.router().health;
  expect(health.coolingDownUntil('m#0')).toBeUndefined();
  expect(health.coolingDownUntil('m#1')).toBeUndefined();
  const upstreamBefore = h.mock.requests.length;
  const normal = await send(h, CHAT, chatBody());
  expect(normal.status).toBe(200);
  expect(normal.json).toMatchObject({ choices: [{ message: { content: 'Hello, world!' } }] });
  expect(h.mock.requests.length).toBe(upstreamBefore + 1);
}

describe('client-caused faults (checklist S40)', () => {
  describe('nesting depth is limited when the body is parsed', () => {
    it('a chat body nested 5,000 levels deep is a 400 in OpenAI shape; two of them leave the group serving everyone', async () => {
      const h = await startTwoDeployments();
      for (let i = 0; i < 2; i++) {
        const res = await send(h, CHAT, deepChatBody(5_000));
        expect(res.status).toBe(400);
        expect(res.json).toEqual({
          error: { message: `The request body nests JSON deeper than ${DEFAULT_MAX_JSON_DEPTH} levels`, type: 'invalid_request_error', param: null, code: 'invalid_json' },
        });
      }
      expect(h.mock.requests).toHaveLength(0);
      await expectGroupHealthy(h);
    });

    it('a /v1/messages body with a tool_use.input nested 5,000 levels deep is a 400 in Anthropic shape', async () => {
      const h = await startTwoDeployments();
      const res = await send(h, MESSAGES, deepMessagesBody(5_000));
      expect(res.status).toBe(400);
      expect(res.headers['request-id']).toBeDefined();
      expect(res.json).toMatchObject({
        type: 'error',
        error: { type: 'invalid_request_error', message: `The request body nests JSON deeper than ${DEFAULT_MAX_JSON_DEPTH} levels` },
      });
      expect(h.mock.requests).toHaveLength(0);
      await expectGroupHealthy(h);
    });

    it('a deeply nested but reasonable tool schema (40 levels) reaches the upstream unchanged', async () => {
      const h = await startTwoDeployments();
      let schema: Record<string, unknown> = { type: 'string' };
      for (let i = 0; i < 40; i++) schema = { type: 'object', properties: { child: schema } };
      const tools = [{ type: 'function', function: { name: 'f', parameters: schema } }];
      const res = await send(h, CHAT, chatBody({ tools }));
      expect(res.status).toBe(200);
      expect((h.mock.requests[0]?.json as { tools: unknown }).tools).toEqual(tools);
    });
  });

  describe('a body the gateway cannot prepare for a deployment is the client\'s fault', () => {
    it('with the parse limit raised, a body too deep to serialise is a 400, never retried, and cools nothing down', async () => {
      // The parse-time limit stops these first; this proves the attempt itself classifies the
      // failure right, whatever else a request might carry that cannot be serialised.
      const h = await startTwoDeployments({ maxJsonDepth: 1_000_000 });
      for (let i = 0; i < 2; i++) {
        const res = await send(h, CHAT, deepChatBody(100_000));
        expect(res.status).toBe(400);
        expect(res.headers['x-litellm-attempted-retries']).toBe('0');
        expect(res.headers['x-litellm-attempted-fallbacks']).toBe('0');
        expect(res.json).toMatchObject({ error: { type: 'invalid_request_error', code: 'invalid_request' } });
        expect((res.json.error as { message: string }).message).toMatch(/could not be prepared for model "m"/);
      }
      expect(h.mock.requests).toHaveLength(0);
      const finished = await h.meter.waitForFinished(2);
      expect(finished.map((f) => [f.status, f.httpStatus, f.errorCode, f.retries])).toEqual([
        ['error', 400, 'invalid_request', 0],
        ['error', 400, 'invalid_request', 0],
      ]);
      await expectGroupHealthy(h);
    });
  });
});
