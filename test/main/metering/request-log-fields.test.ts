// The one info log line per request the ledger meter writes (what serve's pretty log and its
// JSON lines show): one per finished request and one per refusal, with the model as sent, the
// deployment as the config names it, status, tokens, latency and cost; never a key.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Deployment } from '../../../main/core/deployment.js';
import { createKeyRepository } from '../../../main/keys/key-repository.js';
import { createBudgetLedger } from '../../../main/metering/budget-ledger.js';
import { createLedgerMeter } from '../../../main/metering/create-ledger-meter.js';
import { createPriceTable } from '../../../main/metering/price-table.js';
import { createRateLimiter } from '../../../main/metering/rate-limiter.js';
import type { AdmissionInput } from '../../../main/metering/request-meter.js';
import { REQUEST_LOG_MESSAGE } from '../../../main/metering/request-log-fields.js';
import { createUsageLedger, type UsageLedger } from '../../../main/metering/usage-ledger.js';
import { openDatabase } from '../../../main/storage/open-database.js';
import { silentLog } from '../../support/silent-log.js';
import { synchronousMeter, type SynchronousMeter } from '../../support/synchronous.js';

const now = Date.UTC(2026, 11, 5, 12);
const clock = { now: () => now };
const deployment: Deployment = {
  id: 'local#0', modelName: 'local', provider: 'hosted_vllm', protocol: 'openai', upstreamModel: 'qwen3', apiBase: 'http://127.0.0.1:8000/v1',
  origin: 'http://127.0.0.1:8000', credential: { kind: 'none' }, timeouts: { connectMs: 1, firstByteMs: 1, idleMs: 1 },
  pricing: { inputCostPerToken: 0.000001, outputCostPerToken: 0.000002 }, source: { kind: 'default' }, modelInfo: {},
};

let dir: string;
let db: Database.Database;
let usage: UsageLedger;
let logged: { level: string; obj: Record<string, unknown>; msg: string }[];
let meter: SynchronousMeter;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'switchboard-request-log-'));
  db = openDatabase({ file: join(dir, 'db.sqlite'), log: silentLog, clock }).db;
  usage = createUsageLedger(db, { clock, log: silentLog, flushIntervalMs: 60_000 });
  logged = [];
  const record = (level: string) => (obj: object, msg: string) => void logged.push({ level, obj: obj as Record<string, unknown>, msg });
  meter = synchronousMeter(createLedgerMeter({
    prices: createPriceTable(undefined, { now: clock.now }), budget: createBudgetLedger(db, { clock }), limiter: createRateLimiter({ clock }),
    usage, clock, log: { debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') },
  }));
});
afterEach(() => {
  usage.close();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const input = (requestId: string, principal: AdmissionInput['principal']): AdmissionInput => ({
  requestId, principal, endpoint: 'chat', requestedModel: 'my-alias', deployment, userAgent: 'curl/8.0', headers: { 'user-agent': 'curl/8.0' },
  route: '/v1/chat/completions', body: { model: 'my-alias', messages: [{ role: 'user', content: 'hi' }] },
});

describe('the per-request log line', () => {
  it('is written once per finished request, at info, with what a person watching needs', () => {
    const admitted = meter.admit(input('req-1', { kind: 'master' }));
    const finish = {
      requestId: 'req-1', startedAt: now, latencyMs: 812.4, ttftMs: null, status: 'success' as const, httpStatus: 200, errorCode: null,
      usage: { promptTokens: 10, completionTokens: 20, cachedTokens: 0, cacheCreationTokens: 0, reasoningTokens: 0 }, outputChars: 80, retries: 0, fallbacks: 0, deployment,
    };
    admitted.finish(finish);
    admitted.finish(finish);
    expect(logged).toEqual([{
      level: 'info', msg: REQUEST_LOG_MESSAGE,
      obj: { request: {
        requestId: 'req-1', ts: now, app: 'curl', model: 'my-alias', deployment: 'hosted_vllm/qwen3', status: 'success', httpStatus: 200, errorCode: null,
        promptTokens: 10, completionTokens: 20, latencyMs: 812, costMicros: 10 + 40,
      } },
    }]);
  });

  it('is written for a refused request too, named by the key alias and never with the key', () => {
    const { key, record } = createKeyRepository(db, clock).create({ key_alias: 'notes-app', rpm_limit: 1 });
    const principal = { kind: 'virtual' as const, keyId: record.id, alias: 'notes-app', models: [], rpmLimit: 1, tpmLimit: null, maxParallelRequests: null, hasBudget: false };
    meter.admit(input('ok', principal));
    expect(() => meter.admit(input('refused', principal))).toThrow();
    const refused = logged.find((line) => (line.obj.request as { requestId: string }).requestId === 'refused');
    expect(refused).toMatchObject({ level: 'info', msg: 'request', obj: { request: { app: 'notes-app', status: 'rejected', httpStatus: 429, errorCode: 'rate_limited', deployment: 'hosted_vllm/qwen3' } } });
    expect(JSON.stringify(logged)).not.toContain(key);
  });

  it('is written for a refusal before admission (a blocked key, an unknown key), with no deployment and never the key', () => {
    meter.reject!({ requestId: 'blocked', key: { id: 'key-id-1', alias: 'notes-app' }, requestedModel: '', userAgent: 'curl/8.0', headers: {}, route: '/v1/chat/completions' }, { code: 'key_blocked', status: 401, message: 'This key is blocked.' });
    meter.reject!({ requestId: 'not-allowed', key: { id: 'key-id-1', alias: 'notes-app' }, requestedModel: 'my-alias', deployment, userAgent: 'curl/8.0', headers: {}, route: '/v1/chat/completions' }, { code: 'model_not_allowed', status: 403, message: 'Not for this key.' });
    expect(logged.map((line) => ({ level: line.level, msg: line.msg, request: line.obj.request }))).toEqual([
      { level: 'info', msg: REQUEST_LOG_MESSAGE, request: expect.objectContaining({ requestId: 'blocked', app: 'notes-app', model: '', deployment: '', status: 'rejected', httpStatus: 401, errorCode: 'key_blocked' }) },
      { level: 'info', msg: REQUEST_LOG_MESSAGE, request: expect.objectContaining({ requestId: 'not-allowed', model: 'my-alias', deployment: 'hosted_vllm/qwen3', status: 'rejected', httpStatus: 403 }) },
    ]);
  });
});
