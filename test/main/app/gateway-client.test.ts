// The tray's client against a real gateway (createServer, temp SQLite, no socket): the same
// management routes the dashboard calls, with the admin key.
import { afterEach, describe, expect, it } from 'vitest';
import { createGatewayClient } from '../../../main/app/gateway-client.js';
import { createKeyRepository } from '../../../main/keys/key-repository.js';
import { createUsageLedger } from '../../../main/metering/usage-ledger.js';
import { createUsageQueries } from '../../../main/metering/usage-queries.js';
import type { UsageRecord } from '../../../main/metering/usage-record.js';
import { openDatabase } from '../../../main/storage/open-database.js';
import { createSettingsRepository } from '../../../main/storage/settings-repository.js';
import { startTestGateway, type TestGateway } from '../../support/test-gateway.js';
import { MANAGEMENT_MASTER_KEY, MANAGEMENT_PORT, startManagementGateway } from '../../support/management-gateway.js';
import { captureLog, fakeClock, tempDir, type TempDir } from '../storage/storage-test-kit.js';

const ADMIN = 'sk-admin-test-key-0123456789';
const YAML = `model_list:
  - model_name: gpt-4o
    litellm_params: { model: openai/gpt-4o, api_base: "http://127.0.0.1:9/v1", api_key: sk-upstream }
  - model_name: llama3.2
    litellm_params: { model: ollama_chat/llama3.2, api_base: "http://127.0.0.1:9" }
`;
const NOW = Date.UTC(2026, 2, 15, 12, 0, 0);
const START_OF_DAY = Date.UTC(2026, 2, 15);

let dir: TempDir | undefined;
let gateway: TestGateway | undefined;
let closeDb: (() => void) | undefined;

afterEach(async () => {
  await gateway?.close();
  closeDb?.();
  dir?.remove();
  gateway = undefined;
  closeDb = undefined;
  dir = undefined;
});

function usage(requestId: string, ts: number, costMicros: number, app = 'curl'): UsageRecord {
  return {
    requestId, ts, keyId: null, keyAlias: null, app, userAgent: 'curl/8', requestedModel: 'gpt-4o', modelGroup: 'gpt-4o', deploymentId: null,
    provider: 'openai', promptTokens: 10, completionTokens: 5, cachedTokens: 0, cacheCreationTokens: 0, reasoningTokens: 0, costMicros,
    latencyMs: 100, ttftMs: 50, status: 'success', httpStatus: 200, errorCode: null, usageEstimated: false, endpoint: '/v1/chat/completions', retries: 0, fallbacks: 0,
  };
}

async function setup() {
  dir = tempDir();
  const clock = fakeClock(NOW);
  const log = captureLog();
  const opened = openDatabase({ file: dir.file('switchboard.db'), log, clock });
  closeDb = () => opened.db.close();
  const keys = createKeyRepository(opened.db, clock);
  const ledger = createUsageLedger(opened.db, { clock, log });
  gateway = await startTestGateway(YAML, {
    masterKey: ADMIN,
    keys,
    spend: { queries: createUsageQueries(opened.db), flush: () => void ledger.flush() },
    settingsRepository: createSettingsRepository(opened.db),
    now: () => clock.now(),
    port: 4141,
  });
  const app = gateway.app;
  const client = createGatewayClient({
    inject: async (request) => {
      const response = await app.inject(request);
      return { statusCode: response.statusCode, body: response.body };
    },
    port: 4141,
    adminKey: ADMIN,
  });
  return { client, keys, ledger, db: opened.db, app };
}

describe('gateway-client', () => {
  it('reads the active model and the model groups', async () => {
    const { client } = await setup();
    await expect(client.activeModel()).resolves.toEqual({ model: 'gpt-4o', models: ['gpt-4o', 'llama3.2'] });
  });

  it('switches through POST /active-model, and the dashboard\'s GET sees the switch', async () => {
    const { client, app } = await setup();
    await expect(client.switchModel('llama3.2')).resolves.toEqual({ model: 'llama3.2', models: ['gpt-4o', 'llama3.2'] });
    const seen = await app.inject({ method: 'GET', url: '/active-model', headers: { host: '127.0.0.1:4141', authorization: `Bearer ${ADMIN}` } });
    expect(seen.json()).toMatchObject({ model: 'llama3.2' });
  });

  it('sees a switch made by the dashboard', async () => {
    const { client, app } = await setup();
    const response = await app.inject({
      method: 'POST', url: '/active-model', payload: { model: 'llama3.2' },
      headers: { host: '127.0.0.1:4141', origin: 'http://127.0.0.1:4141', authorization: `Bearer ${ADMIN}` },
    });
    expect(response.statusCode).toBe(200);
    await expect(client.activeModel()).resolves.toMatchObject({ model: 'llama3.2' });
  });

  it('reports the gateway\'s own error message for an unknown group', async () => {
    const { client } = await setup();
    await expect(client.switchModel('gone')).rejects.toMatchObject({ status: 400, message: expect.stringContaining('There is no model group "gone"') });
  });

  it('is refused without the admin key, like any other caller', async () => {
    const { app } = await setup();
    const anonymous = createGatewayClient({ inject: async (r) => { const x = await app.inject(r); return { statusCode: x.statusCode, body: x.body }; }, port: 4141, adminKey: null });
    await expect(anonymous.activeModel()).rejects.toMatchObject({ status: 401 });
    const wrongKey = createGatewayClient({ inject: async (r) => { const x = await app.inject(r); return { statusCode: x.statusCode, body: x.body }; }, port: 4141, adminKey: 'sk-wrong' });
    await expect(wrongKey.switchModel('llama3.2')).rejects.toMatchObject({ status: 401 });
  });

  it('counts today\'s requests and spend, not yesterday\'s', async () => {
    const { client, ledger } = await setup();
    ledger.record(usage('req-yesterday', START_OF_DAY - 60_000, 5_000_000));
    ledger.record(usage('req-1', START_OF_DAY + 60_000, 1_250));
    ledger.record(usage('req-2', NOW - 60_000, 2_000));
    await expect(client.usage(START_OF_DAY, NOW + 1)).resolves.toEqual({ requests: 2, spendMicros: 3_250, apps: [{ app: 'curl', requests: 2, spendMicros: 3_250 }] });
  });

  it('breaks today down per app in the same read (one /usage/summary per refresh)', async () => {
    const { ledger, app } = await setup();
    const urls: string[] = [];
    const client = createGatewayClient({
      inject: async (request) => {
        urls.push(request.url);
        const response = await app.inject(request);
        return { statusCode: response.statusCode, body: response.body };
      },
      port: 4141,
      adminKey: ADMIN,
    });
    ledger.record(usage('req-yesterday', START_OF_DAY - 60_000, 5_000_000, 'old.py'));
    ledger.record(usage('req-1', START_OF_DAY + 60_000, 1_250, 'sync_notes.py'));
    ledger.record(usage('req-2', NOW - 120_000, 2_000, 'sync_notes.py'));
    ledger.record(usage('req-3', NOW - 60_000, 30_000, 'QwenCode'));
    const today = await client.usage(START_OF_DAY, NOW + 1);
    expect(today.requests).toBe(3);
    expect(today.spendMicros).toBe(33_250);
    expect([...today.apps].sort((a, b) => a.app.localeCompare(b.app))).toEqual([
      { app: 'QwenCode', requests: 1, spendMicros: 30_000 },
      { app: 'sync_notes.py', requests: 2, spendMicros: 3_250 },
    ]);
    expect(urls).toHaveLength(1);
    expect(urls[0]).toMatch(/^\/usage\/summary\?.*group_by=app/);
  });

  it('lists every key\'s spend and budget in micro-USD, across pages', async () => {
    const { client, keys, db } = await setup();
    const cursor = keys.create({ key_alias: 'Cursor', max_budget: 10 });
    db.prepare('UPDATE virtual_keys SET spend_micros = ? WHERE id = ?').run(8_500_000, cursor.record.id);
    for (let i = 0; i < 120; i += 1) keys.create({ key_alias: `app-${i}` });
    const unnamed = keys.create({});
    const budgets = await client.keyBudgets();
    expect(budgets).toHaveLength(122);
    expect(budgets.find((b) => b.keyId === cursor.record.id)).toEqual({ keyId: cursor.record.id, app: 'Cursor', spendMicros: 8_500_000, maxBudgetMicros: 10_000_000 });
    // A key without an alias is named by its mask, never by the key itself.
    const masked = budgets.find((b) => b.keyId === unnamed.record.id)!;
    expect(masked.app).toMatch(/^sk-\.\.\..{4}$/);
    expect(masked.app).not.toContain(unnamed.key.slice(0, 12));
  });

  it('lists teams\' budgets and soft budgets and users\' budgets beside the keys\'', async () => {
    const management = await startManagementGateway();
    try {
      const team = management.teams.create({ team_alias: 'research', max_budget: 10, soft_budget: 5 });
      management.db.db.prepare('UPDATE teams SET spend_micros = 6000000 WHERE id = ?').run(team.id);
      management.users.create({ user_id: 'u1', user_email: 'ann@example.com', max_budget: 2 });
      management.users.create({ user_id: 'u2' });
      const client = createGatewayClient({ inject: async (r) => { const x = await management.app.inject(r); return { statusCode: x.statusCode, body: x.body }; }, port: MANAGEMENT_PORT, adminKey: MANAGEMENT_MASTER_KEY });
      const budgets = (await client.keyBudgets()).filter((b) => !b.keyId.startsWith('key_'));
      expect(budgets).toEqual([
        { keyId: `team:${team.id}`, app: "team 'research'", spendMicros: 6_000_000, maxBudgetMicros: 10_000_000 },
        { keyId: `team-soft:${team.id}`, app: "team 'research'", spendMicros: 6_000_000, maxBudgetMicros: 5_000_000, soft: true },
        { keyId: 'user:u1', app: "user 'ann@example.com'", spendMicros: 0, maxBudgetMicros: 2_000_000 },
      ]);
    } finally {
      await management.dispose();
    }
  });

  it('rejects an answer in an unexpected shape', async () => {
    const client = createGatewayClient({ inject: async () => ({ statusCode: 200, body: '{"model": 3}' }), port: 4141, adminKey: ADMIN });
    await expect(client.activeModel()).rejects.toThrow('unexpected shape');
    const html = createGatewayClient({ inject: async () => ({ statusCode: 502, body: '<html>' }), port: 4141, adminKey: ADMIN });
    await expect(html.activeModel()).rejects.toMatchObject({ status: 502, message: 'GET /active-model answered 502' });
  });
});
