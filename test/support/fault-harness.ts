// One mock upstream plus one listening gateway (master key on, recording meter) for fault tests:
// a single model "m" served by the mock over the OpenAI or the Ollama wire, with the deployment
// params a test needs (small timeout / stream_timeout) and single-attempt routing unless the test
// asks for retries. Fresh per test, so cooldowns and scripts never leak between cases.
import { createMockUpstream, parseSseText, type MockUpstream } from './mock-upstream.js';
import { createRecordingMeter, type RecordingMeter } from './recording-meter.js';
import { sendToGateway, type ClientExchange, type SendOptions } from './send-to-gateway.js';
import { startTestGateway, type TestGateway } from './test-gateway.js';
import type { ServerDeps } from '../../main/gateway/create-server.js';

export const FAULT_MASTER_KEY = 'sk-gateway-master-key-fault-0123456789';
export const FAULT_UPSTREAM_KEY = 'sk-upstream-secret-fault-abcdef0123';

export interface FaultHarnessOptions {
  wire?: 'openai' | 'ollama';
  /** Extra litellm_params in YAML flow style, e.g. 'timeout: 0.3, stream_timeout: 0.3'. */
  params?: string;
  /** router_settings in YAML flow style; single attempt, no cooldown by default. */
  routerSettings?: string;
  /** Overrides the model's api_base (e.g. a refused port); the mock's URL otherwise. */
  apiBase?: string;
  /** Extra model_list entries (YAML, indented like the first one), given the mock's URL. */
  extraModels?: (mockUrl: string) => string;
  gateway?: Partial<Omit<ServerDeps, 'config' | 'log' | 'meter'>>;
}

export interface FaultHarness {
  mock: MockUpstream;
  gateway: TestGateway;
  meter: RecordingMeter;
  /** POST a body to the gateway with the master key. */
  post(path: string, body: unknown, options?: SendOptions): ClientExchange;
  close(): Promise<void>;
}

export async function startFaultHarness(options: FaultHarnessOptions = {}): Promise<FaultHarness> {
  const mock = await createMockUpstream();
  const meter = createRecordingMeter();
  const params = options.params ? `, ${options.params}` : '';
  const model = options.wire === 'ollama'
    ? `{ model: ollama_chat/up-model, api_base: "${options.apiBase ?? mock.url}"${params} }`
    : `{ model: openai/up-model, api_base: "${options.apiBase ?? `${mock.url}/v1`}", api_key: "${FAULT_UPSTREAM_KEY}"${params} }`;
  const yaml = `model_list:
  - model_name: m
    litellm_params: ${model}
${options.extraModels?.(mock.url) ?? ''}router_settings: ${options.routerSettings ?? '{ num_retries: 0, cooldown_time: 0 }'}
`;
  let gateway: TestGateway;
  try {
    gateway = await startTestGateway(yaml, { listen: true, masterKey: FAULT_MASTER_KEY, meter: meter.meter, ...options.gateway });
  } catch (error) {
    await mock.close();
    throw error;
  }
  return {
    mock,
    gateway,
    meter,
    post: (path, body, sendOptions) => sendToGateway(gateway.port, path, body, { key: FAULT_MASTER_KEY, ...sendOptions }),
    async close() {
      await gateway.close();
      await mock.close();
    },
  };
}

export const chatBody = (extra: Record<string, unknown> = {}) => ({
  model: 'm',
  messages: [{ role: 'user', content: 'Say hello' }],
  ...extra,
});

export interface ClientSse {
  /** Every data payload, JSON-parsed where it parses ('[DONE]' stays a string). */
  events: unknown[];
  /** Concatenated delta content (chat) or text (legacy completions). */
  content: string;
  /** The `error` objects of error events. */
  errors: { message: string; type: string; code: string }[];
  /** The last event is [DONE]. */
  endsWithDone: boolean;
}

/** Reads what a client received as OpenAI SSE. */
export function readClientSse(text: string): ClientSse {
  const events = parseSseText(text);
  let content = '';
  const errors: ClientSse['errors'] = [];
  for (const event of events) {
    if (typeof event !== 'object' || event === null) continue;
    const record = event as { error?: ClientSse['errors'][number]; choices?: { delta?: { content?: unknown }; text?: unknown }[] };
    if (record.error) errors.push(record.error);
    for (const choice of record.choices ?? []) {
      if (typeof choice.delta?.content === 'string') content += choice.delta.content;
      if (typeof choice.text === 'string') content += choice.text;
    }
  }
  return { events, content, errors, endsWithDone: events.at(-1) === '[DONE]' };
}
