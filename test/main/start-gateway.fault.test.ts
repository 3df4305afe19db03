// startGateway's secret mask (what the logger masks every line with, and logged bodies too): it
// learns the admin key at start and each provider key as the gateway resolves it, so a key that
// has no recognisable shape (an Azure hex key, a self-hosted server's password) is still masked.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createSecretRedactor } from '../../main/metering/redact-secrets.js';
import { ConfigError } from '../../main/core/config-error.js';
import { startGateway, type RunningGateway } from '../../main/start-gateway.js';
import { createMockUpstream, type MockUpstream } from '../support/mock-upstream.js';
import { fakeClock } from './storage/storage-test-kit.js';
import type { ResponseToStore } from '../../main/storage/response-store.js';

const MASTER = 'adminpassphrase-0123456789';
const PROVIDER = '0123456789abcdef0123456789abcdef';

let work: string | undefined;
let mock: MockUpstream | undefined;
let running: RunningGateway | undefined;
afterEach(async () => {
  await running?.close();
  await mock?.close();
  if (work) rmSync(work, { recursive: true, force: true });
  running = undefined;
  mock = undefined;
  work = undefined;
});

describe('startGateway', () => {
  it('teaches the secret redactor the admin key at start and a provider key once it is resolved', async () => {
    work = mkdtempSync(join(tmpdir(), 'switchboard-mask-'));
    mock = await createMockUpstream();
    const configFile = join(work, 'config.yaml');
    writeFileSync(configFile, `model_list:\n  - model_name: m\n    litellm_params: { model: openai/up, api_base: "${mock.url}/v1", api_key: os.environ/HEX_KEY }\n`);
    const mask = createSecretRedactor();
    running = await startGateway({
      configFile, dataDir: join(work, 'data'), host: '127.0.0.1', port: 0, masterKey: MASTER, env: { HEX_KEY: PROVIDER },
      log: pino({ level: 'silent' }), dashboardDir: null, secretRedactor: mask,
    });
    expect(mask(`admin ${MASTER}`)).toBe('admin [redacted]');

    const response = await fetch(`${running.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${MASTER}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(response.status).toBe(200);
    expect(mock.requests[0]?.headers.authorization).toBe(`Bearer ${PROVIDER}`);
    expect(mask(`provider ${PROVIDER}`)).toBe('provider [redacted]');
  });

  it('prunes stored responses with the usage retention at every sweep, and caps them by stored_responses_max_mb', async () => {
    work = mkdtempSync(join(tmpdir(), 'switchboard-responses-'));
    const configFile = join(work, 'config.yaml');
    writeFileSync(configFile, 'model_list:\n  - model_name: m\n    litellm_params: { model: openai/m, api_base: "http://127.0.0.1:9/v1" }\ngeneral_settings:\n  stored_responses_max_mb: 0.002\n');
    const clock = fakeClock();
    const start = () => startGateway({
      configFile, dataDir: join(work!, 'data'), host: '127.0.0.1', port: 0, masterKey: MASTER, env: {}, log: pino({ level: 'silent' }), dashboardDir: null, clock,
    });
    const response = (id: string): ResponseToStore => ({
      id, owner: null, model: 'm', previousResponseId: null, instructions: null, input: [], response: { id, object: 'response', output: [{ type: 'message', text: 'x'.repeat(700) }] },
    });
    running = await start();
    expect(running.responses.save(response('resp_old'))).toBe('stored');
    clock.advance(31 * 86_400_000);
    expect(running.responses.save(response('resp_new'))).toBe('stored');
    await running.close();

    running = await start();
    expect(running.responses.get('resp_old', null)).toBeUndefined();
    expect(running.responses.get('resp_new', null)).toBeDefined();
    // 0.002 MiB is about 2,097 bytes: the third ~780-byte response drops the oldest.
    running.responses.save(response('resp_2'));
    running.responses.save(response('resp_3'));
    expect(running.responses.totalBytes()).toBeLessThanOrEqual(2_097);
    expect(running.responses.get('resp_new', null)).toBeUndefined();
    expect(running.responses.get('resp_3', null)).toBeDefined();
    // The admin key typed into a conversation is masked before it reaches the database.
    running.responses.save({ ...response('resp_key'), input: [{ type: 'message', role: 'user', content: `my key is ${MASTER}` }] });
    expect(JSON.stringify(running.responses.chain('resp_key', null))).toContain('my key is [redacted]');
  });

  it('refuses to start with no model in the config or the database unless allowEmpty, and starts once the dashboard has stored one', async () => {
    work = mkdtempSync(join(tmpdir(), 'switchboard-empty-'));
    const configFile = join(work, 'config.yaml');
    writeFileSync(configFile, 'model_list: []\n');
    const start = (allowEmpty?: boolean) => startGateway({
      configFile, dataDir: join(work!, 'data'), host: '127.0.0.1', port: 0, masterKey: MASTER, env: {}, log: pino({ level: 'silent' }), dashboardDir: null,
      ...(allowEmpty === undefined ? {} : { allowEmpty }),
    });
    const refusal = await start().then(() => undefined, (error: unknown) => error);
    expect(refusal).toBeInstanceOf(ConfigError);
    expect((refusal as Error).message).toMatch(new RegExp(`^${configFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: no models to serve: .*--allow-empty`));

    running = await start(true);
    const added = await fetch(`${running.url}/model/new`, {
      method: 'POST', headers: { authorization: `Bearer ${MASTER}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model_name: 'from-dashboard', litellm_params: { model: 'ollama_chat/llama3.2' } }),
    });
    expect(added.status).toBe(200);
    await running.close();

    running = await start();
    expect(running.config.deployments).toEqual([]);
    const listed = await fetch(`${running.url}/v1/models`, { headers: { authorization: `Bearer ${MASTER}` } });
    expect(((await listed.json()) as { data: { id: string }[] }).data.map((m) => m.id)).toContain('from-dashboard');
  });
});
