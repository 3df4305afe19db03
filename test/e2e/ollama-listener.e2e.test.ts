// The Ollama-compatible discovery API as a user meets it: a real gateway (startGateway, SQLite in a
// temp dir) with the Ollama listener on an ephemeral loopback port, the official `ollama` client
// pointed at it, a real-Ollama mock behind an ollama_chat/ deployment, and raw requests for the
// guard. Never uses port 11434.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createNetServer, type Server } from 'node:net';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Ollama } from 'ollama';
import pino from 'pino';
import { fetch as undiciFetch } from 'undici';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../main/config/load-config.js';
import { startGateway, type RunningGateway } from '../../main/start-gateway.js';
import { createMockUpstream, type MockUpstream } from '../support/mock-upstream.js';

const MASTER = 'sk-master-ollama-e2e-0123456789abcdef';

interface Started {
  running: RunningGateway;
  logs: string[];
  dataDir: string;
}

const started: Started[] = [];
let mock: MockUpstream | undefined;

async function start(yaml: string, ollamaPort: number | undefined, port = 0): Promise<Started> {
  const logs: string[] = [];
  const log = pino({ level: 'info' }, new Writable({ write(chunk, _e, cb) { logs.push(String(chunk)); cb(); } }));
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-ollama-e2e-'));
  const running = await startGateway({
    configFile: undefined, dataDir, host: '127.0.0.1', port, masterKey: MASTER, env: {}, log, dashboardDir: null,
    ...(ollamaPort === undefined ? {} : { ollamaPort }),
  }, parseConfigText(yaml, 'ollama-e2e.yaml', {}));
  const s = { running, logs, dataDir };
  started.push(s);
  return s;
}

afterEach(async () => {
  for (const s of started.splice(0)) {
    await s.running.close();
    rmSync(s.dataDir, { recursive: true, force: true });
  }
});
afterAll(async () => mock?.close());

function models(mockUrl: string, ollamaApi = ''): string {
  return `model_list:
  - model_name: gpt-4o
    litellm_params: { model: openai/gpt-4o, api_base: "${mockUrl}/v1", api_key: "sk-upstream-0123" }
  - model_name: llama-local
    litellm_params: { model: ollama_chat/mock-model, api_base: "${mockUrl}" }
general_settings:
  ollama_api: { ${ollamaApi} }
`;
}

function client(url: string, key?: string): Ollama {
  return new Ollama({ host: url, fetch: undiciFetch as unknown as typeof fetch, ...(key ? { headers: { authorization: `Bearer ${key}` } } : {}) });
}

/** A request with hand-set headers (Host, Origin) over a real socket. */
function raw(port: number, method: string, path: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers, setHost: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the Ollama listener', () => {
  it('serves list() and show() to the official ollama client with a key, and / as Ollama does', async () => {
    mock = await createMockUpstream();
    const { running } = await start(models(mock.url), 0);
    expect(running.ollamaUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const ollama = client(running.ollamaUrl!, MASTER);
    const list = await ollama.list();
    expect(list.models.map((m) => m.name)).toEqual(['gpt-4o:latest', 'llama-local:latest', 'switchboard/active:latest']);
    // The real Ollama's own entry for the ollama_chat deployment (the mock's size and digest), not a synthesised one.
    const local = list.models[1]!;
    expect(local.size).toBe(3_825_819_519);
    expect(local.details.format).toBe('gguf');
    expect(local.digest).toMatch(/^0fe938a1/);
    const shown = await ollama.show({ model: 'gpt-4o' });
    expect(shown.capabilities).toContain('tools');
    expect((await ollama.show({ model: 'llama-local:latest' })).details.family).toBe('llama');

    const port = Number(new URL(running.ollamaUrl!).port);
    const root = await raw(port, 'GET', '/', { host: `127.0.0.1:${port}`, authorization: `Bearer ${MASTER}` });
    expect(root).toEqual({ status: 200, body: 'Ollama is running' });
    expect((await raw(port, 'HEAD', '/', { host: `localhost:${port}`, authorization: `Bearer ${MASTER}` })).status).toBe(200);
    // The main port's / is not the Ollama banner (no dashboard in this test: its existing 404).
    const main = await raw(running.port, 'GET', '/', { host: `127.0.0.1:${running.port}`, authorization: `Bearer ${MASTER}` });
    expect(main.body).not.toContain('Ollama is running');
    // Only / and /api/* there: the OpenAI routes stay on the main port.
    expect((await raw(port, 'GET', '/v1/models', { host: `127.0.0.1:${port}`, authorization: `Bearer ${MASTER}` })).status).toBe(404);
  });

  it('obeys the local-only guard on its own port', async () => {
    mock ??= await createMockUpstream();
    const { running } = await start(models(mock.url), 0);
    const port = Number(new URL(running.ollamaUrl!).port);
    const key = { authorization: `Bearer ${MASTER}` };
    expect((await raw(port, 'GET', '/api/tags', { host: `127.0.0.1:${port}`, ...key })).status).toBe(200);
    expect((await raw(port, 'GET', '/api/tags', { host: `evil.example:${port}`, ...key })).status).toBe(403);
    // The main port's Host is not this listener's.
    expect((await raw(port, 'GET', '/api/tags', { host: `127.0.0.1:${running.port}`, ...key })).status).toBe(403);
    const fromPage = await raw(port, 'GET', '/api/tags', { host: `127.0.0.1:${port}`, origin: 'https://evil.example', ...key });
    expect(fromPage.status).toBe(403);
    expect(JSON.parse(fromPage.body)).toEqual({ error: expect.stringMatching(/web pages/) });
    expect((await raw(port, 'GET', '/', { host: `127.0.0.1:${port}`, origin: 'http://localhost:3000', ...key })).status).toBe(403);
  });

  it('says the port is taken and keeps serving /api on the main port', async () => {
    mock ??= await createMockUpstream();
    const squatter: Server = createNetServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    const taken = (squatter.address() as { port: number }).port;
    try {
      const { running, logs } = await start(models(mock.url), taken);
      expect(running.ollamaUrl).toBeUndefined();
      expect(logs.join('')).toContain(`port ${taken} is in use (a running Ollama?): the Ollama-compatible API stays on http://127.0.0.1:${running.port}/api`);
      expect((await client(running.url, MASTER).list()).models.length).toBe(3);
      // The other process still has its port.
      expect(squatter.listening).toBe(true);
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });

  it("does not blame a running Ollama when the Ollama port is the gateway's own", async () => {
    mock ??= await createMockUpstream();
    const probe: Server = createNetServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const free = (probe.address() as { port: number }).port;
    await new Promise((resolve) => probe.close(resolve));
    const { running, logs } = await start(models(mock.url), free, free);
    expect(running.port).toBe(free);
    expect(running.ollamaUrl).toBeUndefined();
    expect(logs.join('')).toContain(`the Ollama listener's port ${free} is the gateway's own port`);
    expect(logs.join('')).not.toContain('a running Ollama?');
    expect((await client(running.url, MASTER).list()).models.length).toBe(3);
  });

  it('synthesises the Ollama model entry when the real Ollama is unreachable', async () => {
    const gone = await createMockUpstream();
    const url = gone.url;
    await gone.close();
    const { running } = await start(models(url), undefined);
    expect(running.ollamaUrl).toBeUndefined();
    const list = await client(running.url, MASTER).list();
    const local = list.models.find((m) => m.name === 'llama-local:latest')!;
    expect(local.size).toBe(0);
    expect(local.details).toMatchObject({ format: 'gguf', family: 'mock' });
  });
});

describe('general_settings.ollama_api.max_keep_alive', () => {
  it('caps the keep_alive a real Ollama gets; "unlimited" passes -1 through', async () => {
    mock ??= await createMockUpstream();
    const chat = async (running: RunningGateway) => {
      await client(running.url, MASTER).chat({ model: 'llama-local', messages: [{ role: 'user', content: 'hi' }], keep_alive: -1, stream: false });
      return (mock!.requests.at(-1)?.json as { keep_alive?: unknown }).keep_alive;
    };
    expect(await chat((await start(models(mock.url, 'max_keep_alive: "2m"'), undefined)).running)).toBe(120);
    expect(await chat((await start(models(mock.url, 'max_keep_alive: unlimited'), undefined)).running)).toBe(-1);
  });
});

describe('keyless Ollama clients', () => {
  it('list only the allowed models without a key; a presented key is always used', async () => {
    mock ??= await createMockUpstream();
    const { running } = await start(models(mock.url, 'allow_without_key: true, models: ["gpt-4o:latest"]'), 0);
    const keyless = client(running.ollamaUrl!);
    // The active-model alias points at gpt-4o (the first group): usable, so listed, as inference would allow it.
    expect((await keyless.list()).models.map((m) => m.name)).toEqual(['gpt-4o:latest', 'switchboard/active:latest']);
    await expect(keyless.show({ model: 'llama-local' })).rejects.toMatchObject({ status_code: 404, error: "model 'llama-local' not found" });
    // A wrong key is a wrong key, not a keyless client.
    await expect(client(running.ollamaUrl!, 'sk-wrong-0123456789abcdef').list()).rejects.toMatchObject({ status_code: 401 });
    // The admin key sees everything.
    expect((await client(running.ollamaUrl!, MASTER).list()).models).toHaveLength(3);
    // Keyless is for /api/* only: the OpenAI routes on the main port still need a key.
    const v1 = await raw(running.port, 'GET', '/v1/models', { host: `127.0.0.1:${running.port}` });
    expect(v1.status).toBe(401);
  });

  it('chat with an allowed model without a key, recorded under their own app; other models are refused', async () => {
    mock ??= await createMockUpstream();
    const { running } = await start(models(mock.url, 'allow_without_key: true, models: ["gpt-4o"]'), 0);
    const keyless = client(running.ollamaUrl!);
    const sent = mock.requests.length;
    const answer = await keyless.chat({ model: 'gpt-4o:latest', messages: [{ role: 'user', content: 'hi' }], stream: false });
    expect(answer.message.content).toBe('Hello, world!');
    expect(mock.requests.length).toBe(sent + 1);
    await expect(keyless.chat({ model: 'llama-local', messages: [{ role: 'user', content: 'hi' }], stream: false })).rejects.toMatchObject({ status_code: 403 });
    expect(mock.requests.length).toBe(sent + 1);
    running.usage.flush();
    const rows = running.db.db.prepare('SELECT requested_model, status, app, key_id, user_agent FROM usage_log ORDER BY ts, rowid').all() as Array<Record<string, unknown>>;
    // The ollama client names itself in its User-Agent (an IDE would name itself: Zed's UA gives `zed`).
    expect(rows.filter((row) => row.status === 'success')).toMatchObject([{ requested_model: 'gpt-4o', status: 'success', app: 'ollama-js', key_id: null }]);
  });

  it('list nothing when no models are allowed, and need a key when the switch is off', async () => {
    mock ??= await createMockUpstream();
    const none = await start(models(mock.url, 'allow_without_key: true'), undefined);
    expect((await client(none.running.url).list()).models).toEqual([]);
    const off = await start(models(mock.url, 'models: ["gpt-4o"]'), undefined);
    await expect(client(off.running.url).list()).rejects.toMatchObject({ status_code: 401 });
  });
});
