// A real gateway as a user runs it (startGateway: SQLite in a temp data directory, the ledger
// meter, keys, limits and usage) on a clock the test moves by hand, in front of the loopback mock
// upstream, with the clients a user has: the official openai SDK for inference and plain fetch
// (curl-like) for the management API. Restartable on the same data directory. Loopback only.
import { mkdtempSync, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import pino from 'pino';
import { parseConfigText } from '../../main/config/load-config.js';
import type { SecretStore } from '../../main/secrets/secret-store.js';
import { startGateway, type RunningGateway } from '../../main/start-gateway.js';
import { createMockUpstream, type Behaviour, type MockUpstream } from '../support/mock-upstream.js';

export const MASTER_KEY = 'sk-master-e2e-keys-budgets-0123456789abcdef';
/** 2026-03-02T10:00:00Z, a Monday morning: far from any day boundary. */
export const START_MS = Date.UTC(2026, 2, 2, 10, 0, 0);

/** The clock startGateway is given; only the test moves it. */
export interface MovableClock {
  now(): number;
  advance(ms: number): void;
}

export function createMovableClock(startMs = START_MS): MovableClock {
  let t = startMs;
  return {
    now: () => t,
    advance(ms) {
      t += ms;
    },
  };
}

/**
 * The model list every keys/budgets/usage test uses, against the mock at `mockUrl`:
 * - `cheap`: priced ($1 in, $2 out per million tokens) via model_info;
 * - `premium`: priced at $300 per million in and out, so `max_tokens` decides a 30-cent worst case;
 * - `local`: a loopback OpenAI-compatible server with no price, i.e. free;
 * - `stalling`: priced like cheap, with short deadlines for the stall tests.
 */
export function defaultModels(mockUrl: string): string {
  return `model_list:
  - model_name: cheap
    litellm_params: { model: openai/acme-small, api_base: "${mockUrl}/v1", api_key: "sk-upstream-e2e-0123" }
    model_info: { input_cost_per_token: 0.000001, output_cost_per_token: 0.000002 }
  - model_name: premium
    litellm_params: { model: openai/acme-large, api_base: "${mockUrl}/v1", api_key: "sk-upstream-e2e-0123" }
    model_info: { input_cost_per_token: 0.0003, output_cost_per_token: 0.0003 }
  - model_name: local
    litellm_params: { model: openai/llama-local, api_base: "${mockUrl}/v1" }
  - model_name: stalling
    litellm_params: { model: openai/acme-small, api_base: "${mockUrl}/v1", api_key: "sk-upstream-e2e-0123", timeout: 0.5, stream_timeout: 0.3 }
    model_info: { input_cost_per_token: 0.000001, output_cost_per_token: 0.000002 }
router_settings: { num_retries: 0, cooldown_time: 0 }
`;
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed as JSON, undefined when it is not JSON. */
  json: any;
}

export interface MeteredGateway {
  mock: MockUpstream;
  clock: MovableClock;
  dataDir: string;
  running(): RunningGateway;
  url(): string;
  port(): number;
  /** A management call as curl would make it: fetch, JSON body, `Authorization: Bearer`. */
  api(method: 'GET' | 'POST', path: string, body?: unknown, key?: string): Promise<ApiResponse>;
  /** POST /key/generate with the admin key; throws unless it answered 200 with a key. */
  generateKey(fields: Record<string, unknown>): Promise<GeneratedKey>;
  /** The official SDK pointed at the gateway, no retries (a retry would hide the 429 under test). */
  openai(apiKey: string): OpenAI;
  /** Rows of usage_log, flushed first (the ledger batches writes). */
  usageRows(where?: string, ...params: unknown[]): UsageLogRow[];
  /** Stops the gateway (flushing usage, closing the database) and starts it again on the same data dir. */
  restart(): Promise<void>;
  stop(): Promise<void>;
  close(): Promise<void>;
}

export interface GeneratedKey {
  key: string;
  /** The key id (`token`). */
  id: string;
  /** The whole /key/generate answer. */
  body: any;
}

export interface UsageLogRow {
  request_id: string;
  ts: number;
  key_id: string | null;
  key_alias: string | null;
  app: string;
  user_agent: string | null;
  requested_model: string;
  model_group: string;
  provider: string;
  prompt_tokens: number;
  completion_tokens: number;
  cost_micros: number;
  latency_ms: number;
  ttft_ms: number | null;
  status: string;
  http_status: number;
  error_code: string | null;
  usage_estimated: number;
}

export interface MeteredGatewayOptions {
  models?: (mockUrl: string) => string;
  clock?: MovableClock;
  /** The process environment the gateway sees (os.environ/NAME keys); empty by default. */
  env?: NodeJS.ProcessEnv;
  /** The keychain (keychain/NAME keys and /credentials); none by default. */
  secrets?: SecretStore;
  /** The upstream to put behind the gateway (it is closed with the gateway); a fresh mock by default. */
  upstream?: MockUpstream;
}

export async function startMeteredGateway(options: MeteredGatewayOptions = {}): Promise<MeteredGateway> {
  const mock = options.upstream ?? (await createMockUpstream());
  const clock = options.clock ?? createMovableClock();
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-keys-e2e-'));
  const yaml = (options.models ?? defaultModels)(mock.url);
  let running: RunningGateway | undefined;
  let stopped = true;

  const start = async () => {
    running = await startGateway(
      {
        configFile: undefined, dataDir, host: '127.0.0.1', port: 0, masterKey: MASTER_KEY, env: options.env ?? {}, log: pino({ level: 'silent' }), clock, dashboardDir: null,
        ...(options.secrets ? { secrets: options.secrets } : {}),
      },
      parseConfigText(yaml, 'keys-e2e.yaml', options.env ?? {}),
    );
    stopped = false;
  };
  try {
    await start();
  } catch (error) {
    await mock.close();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const current = (): RunningGateway => {
    if (!running || stopped) throw new Error('the gateway is not running');
    return running;
  };
  const stop = async () => {
    if (running && !stopped) {
      stopped = true;
      await running.close();
    }
  };

  const gateway: MeteredGateway = {
    mock,
    clock,
    dataDir,
    running: current,
    url: () => current().url,
    port: () => current().port,
    async api(method, path, body, key = MASTER_KEY) {
      const response = await fetch(`${current().url}${path}`, {
        method,
        headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      });
      const text = await response.text();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      return { status: response.status, headers: response.headers, text, json };
    },
    async generateKey(fields) {
      const response = await gateway.api('POST', '/key/generate', fields);
      const body = response.json as { key?: unknown; token?: unknown } | undefined;
      if (response.status !== 200 || typeof body?.key !== 'string' || typeof body.token !== 'string') {
        throw new Error(`POST /key/generate answered ${response.status}: ${response.text}`);
      }
      return { key: body.key, id: body.token, body };
    },
    openai(apiKey) {
      return new OpenAI({ baseURL: `${current().url}/v1`, apiKey, maxRetries: 0 });
    },
    usageRows(where = '1 = 1', ...params) {
      const gateway = current();
      gateway.usage.flush();
      return gateway.db.db.prepare(`SELECT * FROM usage_log WHERE ${where} ORDER BY ts, rowid`).all(...params) as UsageLogRow[];
    },
    async restart() {
      await stop();
      await start();
    },
    stop,
    async close() {
      await stop();
      await mock.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return gateway;
}

/**
 * An upstream that holds every request until release(), then answers it as OpenAI does, so a
 * test knows how many requests got past admission while all of them are still in flight.
 */
export interface HeldUpstream {
  behaviour: Behaviour;
  /** Requests that reached the upstream so far. */
  arrived(): number;
  /** Resolves once `n` requests have arrived. */
  waitForArrivals(n: number): Promise<void>;
  /** Calls `listener` after each arrival. */
  onArrival(listener: () => void): void;
  release(): void;
}

export function holdUntilReleased(usage: { prompt: number; completion: number }): HeldUpstream {
  let arrived = 0;
  let release!: () => void;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const waiters: { n: number; resolve: () => void }[] = [];
  const listeners: (() => void)[] = [];
  return {
    behaviour: {
      kind: 'raw',
      handler(_req: IncomingMessage, res: ServerResponse, body: string) {
        arrived++;
        for (const waiter of [...waiters]) {
          if (arrived >= waiter.n) {
            waiters.splice(waiters.indexOf(waiter), 1);
            waiter.resolve();
          }
        }
        for (const listener of listeners) listener();
        void gate.then(() => {
          if (res.destroyed) return;
          const model = (JSON.parse(body) as { model?: string }).model ?? 'mock-model';
          const text = JSON.stringify({
            id: `chatcmpl-held-${arrived}`, object: 'chat.completion', created: 1_772_445_600, model,
            choices: [{ index: 0, message: { role: 'assistant', content: 'done', refusal: null }, logprobs: null, finish_reason: 'stop' }],
            usage: { prompt_tokens: usage.prompt, completion_tokens: usage.completion, total_tokens: usage.prompt + usage.completion },
          });
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) });
          res.end(text);
        });
      },
    },
    arrived: () => arrived,
    waitForArrivals(n) {
      return new Promise((resolve) => {
        if (arrived >= n) resolve();
        else waiters.push({ n, resolve });
      });
    },
    onArrival(listener) {
      listeners.push(listener);
    },
    release,
  };
}

/**
 * Checks `condition` after each turn of the event loop (with a short pause), a bounded number of
 * times: for effects that follow a client disconnect, which no event of ours announces.
 */
export async function eventually<T>(condition: () => T | undefined | false, what: string, tries = 200): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const value = condition();
    if (value !== undefined && value !== false) return value;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`gave up waiting for ${what}`);
}
