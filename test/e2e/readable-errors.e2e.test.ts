// Errors name what the user knows (issue 14, items 4 and 5), through the real gateway (startGateway,
// the ledger meter on a real SQLite file, loopback upstreams only) and the official clients of
// each wire format: the model name and the address tried, never an internal deployment id, with the
// fix when it is obvious (`ollama serve`; the /v1 an OpenAI-compatible base URL lacks), in the
// OpenAI, Anthropic, Responses and Ollama error shapes alike; and the failed request's log row
// keeps that message, the upstream's status and a short excerpt of what it said.
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { Ollama } from 'ollama';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refusedPort } from '../support/refused-port.js';
import { MASTER_KEY, startMeteredGateway, type MeteredGateway } from './metered-gateway.js';

let gw: MeteredGateway;
let downPort: number;

beforeAll(async () => {
  downPort = await refusedPort();
  gw = await startMeteredGateway({
    models: (mockUrl) => `model_list:
  - model_name: llama3.2
    litellm_params: { model: ollama_chat/llama3.2, api_base: "http://127.0.0.1:${downPort}" }
  - model_name: qwen-local
    litellm_params: { model: hosted_vllm/qwen2.5, api_base: "${mockUrl}" }
  - model_name: cheap
    litellm_params: { model: openai/acme-small, api_base: "${mockUrl}/v1", api_key: "sk-upstream-readable-0123" }
    model_info: { input_cost_per_token: 0.000001, output_cost_per_token: 0.000002 }
router_settings:
  num_retries: 0
  cooldown_time: 0
`,
  });
  // A server that lives under /v1 (vLLM, LM Studio, llama.cpp): FastAPI's 404 anywhere else.
  gw.mock.setDefault({
    kind: 'per-request',
    choose: ({ path }) => (path.startsWith('/v1/') ? { kind: 'ok' } : { kind: 'status', status: 404, body: { detail: 'Not Found' } }),
  });
});
afterAll(async () => {
  await gw?.close();
});

const hi = [{ role: 'user' as const, content: 'hi' }];

/** The error message each inbound format's official client reports for one model. */
const messageVia: Record<string, (model: string) => Promise<string>> = {
  'OpenAI chat completions': async (model) => {
    const error = await new OpenAI({ baseURL: `${gw.url()}/v1`, apiKey: MASTER_KEY, maxRetries: 0 }).chat.completions.create({ model, messages: hi }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    return ((error as InstanceType<typeof OpenAI.APIError>).error as { message: string }).message;
  },
  'OpenAI Responses': async (model) => {
    const error = await new OpenAI({ baseURL: `${gw.url()}/v1`, apiKey: MASTER_KEY, maxRetries: 0 }).responses.create({ model, input: 'hi' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    return ((error as InstanceType<typeof OpenAI.APIError>).error as { message: string }).message;
  },
  'Anthropic Messages': async (model) => {
    const error = await new Anthropic({ baseURL: gw.url(), apiKey: MASTER_KEY, maxRetries: 0 }).messages.create({ model, max_tokens: 20, messages: hi }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.APIError);
    const body = (error as InstanceType<typeof Anthropic.APIError>).error as { type: string; error: { message: string } };
    expect(body.type).toBe('error');
    return body.error.message;
  },
  Ollama: async (model) => {
    const error = await new Ollama({ host: gw.url(), headers: { Authorization: `Bearer ${MASTER_KEY}` } }).chat({ model, messages: hi }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ResponseError' });
    return (error as { error: string }).error;
  },
};

describe('an upstream error names the model and the address tried, with the fix, in every route\'s shape', () => {
  it.each(Object.keys(messageVia))('a local Ollama that is not running, via %s: start it with `ollama serve`', async (route) => {
    const message = await messageVia[route]!('llama3.2');
    expect(message).toBe(`Nothing answers at http://127.0.0.1:${downPort} (model llama3.2): connection refused; is Ollama running? Start it with \`ollama serve\``);
  });

  it.each(Object.keys(messageVia))('an OpenAI-compatible base URL without /v1, via %s: the 404 and where such servers live', async (route) => {
    const message = await messageVia[route]!('qwen-local');
    expect(message).toBe(
      `The server for model "qwen-local" answered HTTP 404 at ${gw.mock.url}/chat/completions: Not Found; ` +
        `OpenAI-compatible servers usually live under /v1: try api_base ${gw.mock.url}/v1`,
    );
  });
});

describe('a failed request\'s log row says why (/spend/logs)', () => {
  it('keeps the message, the upstream status and a short excerpt of what the upstream said', async () => {
    const error = await new OpenAI({ baseURL: `${gw.url()}/v1`, apiKey: MASTER_KEY, maxRetries: 0 }).chat.completions.create({ model: 'qwen-local', messages: hi }).catch((e: unknown) => e);
    const requestId = (error as InstanceType<typeof OpenAI.APIError>).requestID;
    gw.usageRows();
    const logs = await gw.api('GET', '/spend/logs?page_size=100');
    const row = (logs.json.data as Record<string, unknown>[]).find((r) => r.request_id === requestId);
    expect(row).toMatchObject({
      status: 'upstream_error',
      http_status: 404,
      error_code: 'upstream_invalid_request',
      error_message: expect.stringContaining(`answered HTTP 404 at ${gw.mock.url}/chat/completions`),
      upstream_status: 404,
      upstream_excerpt: '{"detail":"Not Found"}',
    });
  });

  it('counts a refusal by policy as rejected with the message naming the app, apart from errors in /usage/summary', async () => {
    const app = await gw.generateKey({ key_alias: 'notes-app', models: ['cheap'], rpm_limit: 1 });
    const client = new OpenAI({ baseURL: `${gw.url()}/v1`, apiKey: app.key, maxRetries: 0 });
    await client.chat.completions.create({ model: 'cheap', messages: hi });
    const limited = await client.chat.completions.create({ model: 'cheap', messages: hi }).catch((e: unknown) => e);
    expect(((limited as InstanceType<typeof OpenAI.APIError>).error as { message: string }).message).toMatch(/^Rate limit exceeded for notes-app: 1 requests per minute\. Retry after \d+ s\.$/);
    const refused = await client.chat.completions.create({ model: 'qwen-local', messages: hi }).catch((e: unknown) => e);
    expect((refused as InstanceType<typeof OpenAI.APIError>).status).toBe(403);

    gw.usageRows();
    const logs = await gw.api('GET', `/spend/logs?api_key=${app.id}&page_size=100`);
    const rows = logs.json.data as { status: string; error_code: string | null; error_message: string | null }[];
    expect(rows.map((r) => [r.status, r.error_code]).sort()).toEqual([['rejected', 'model_not_allowed'], ['rejected', 'rate_limited'], ['success', null]]);
    expect(rows.find((r) => r.error_code === 'model_not_allowed')?.error_message).toBe('This key may not use model "qwen-local". Allowed models: cheap');

    const summary = await gw.api('GET', `/usage/summary?group_by=app&start=0&end=${gw.clock.now() + 1}`);
    expect(summary.json.groups.find((g: { group: string }) => g.group === 'notes-app')).toMatchObject({ requests: 3, errors: 0, rejected: 2 });
  });
});
