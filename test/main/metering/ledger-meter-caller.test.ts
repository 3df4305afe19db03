// The meter names each row's app with the calling process (per-process attribution): from the
// connection's lookup when it has answered (at once, no Promise), else when the row is written,
// once the lookup answers or gives up; the request itself never waits for it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { openDatabase } from '../../../main/storage/open-database.js';
import { createBudgetLedger } from '../../../main/metering/budget-ledger.js';
import { createRateLimiter } from '../../../main/metering/rate-limiter.js';
import { createUsageLedger, type UsageLedger } from '../../../main/metering/usage-ledger.js';
import { createPriceTable } from '../../../main/metering/price-table.js';
import { createLedgerMeter } from '../../../main/metering/create-ledger-meter.js';
import type { AdmissionInput, FinishedRequest } from '../../../main/metering/request-meter.js';
import type { Principal } from '../../../main/core/principal.js';
import type { Deployment } from '../../../main/core/deployment.js';
import type { CallerLookup, CallerProcess } from '../../../main/attribution/caller-process.js';
import { silentLog } from '../../support/silent-log.js';
import { synchronousMeter, type SynchronousMeter } from '../../support/synchronous.js';

let dir: string;
let db: Database.Database;
let usage: UsageLedger;
let meter: SynchronousMeter;
const clock = { now: () => Date.UTC(2026, 11, 7, 3) };

const d: Deployment = {
  id: 'local#0', modelName: 'local', provider: 'openai', protocol: 'openai', upstreamModel: 'm', apiBase: 'http://127.0.0.1:9/v1',
  origin: 'http://127.0.0.1:9', credential: { kind: 'none' }, timeouts: { connectMs: 1, firstByteMs: 1, idleMs: 1 }, pricing: { inputCostPerToken: 0, outputCostPerToken: 0 },
  source: { kind: 'default' }, modelInfo: {},
};
const UA = 'OpenAI/Python 1.99.0';

function admission(requestId: string, caller: CallerLookup | undefined, principal: Principal = { kind: 'master' }): AdmissionInput {
  return {
    requestId, principal, endpoint: 'chat', requestedModel: 'local', deployment: d, userAgent: UA, headers: { 'user-agent': UA },
    route: '/v1/chat/completions', body: { model: 'local', messages: [{ role: 'user', content: 'hi' }] }, caller,
  };
}

function finished(requestId: string): FinishedRequest {
  return { requestId, startedAt: clock.now(), latencyMs: 5, ttftMs: null, status: 'success', httpStatus: 200, errorCode: null, usage: undefined, outputChars: 4, retries: 0, fallbacks: 0, deployment: d };
}

/** A lookup the test answers by hand; counts settle() calls (the settled path must make none). */
function controlledLookup(initial?: CallerProcess | null) {
  let result: CallerProcess | null | undefined = initial;
  const waiters: ((value: CallerProcess | null | undefined) => void)[] = [];
  let settles = 0;
  const lookup: CallerLookup = {
    now: () => result,
    settle: () => {
      settles++;
      return result !== undefined ? Promise.resolve(result) : new Promise((resolve) => waiters.push(resolve));
    },
  };
  return {
    lookup,
    settles: () => settles,
    answer(value: CallerProcess | null) {
      result = value;
      for (const wake of waiters.splice(0)) wake(value);
    },
  };
}

const SYNC_NOTES: CallerProcess = { name: 'sync_notes.py', pid: 4242, exePath: '/usr/bin/python3.11' };
const appOf = (requestId: string) => {
  usage.flush();
  return (db.prepare('SELECT app FROM usage_log WHERE request_id = ?').get(requestId) as { app: string } | undefined)?.app;
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'meter-caller-'));
  db = openDatabase({ file: join(dir, 'db.sqlite'), log: silentLog, clock }).db;
  usage = createUsageLedger(db, { clock, log: silentLog, flushIntervalMs: 60_000 });
  meter = synchronousMeter(createLedgerMeter({
    prices: createPriceTable(undefined, { now: clock.now }), budget: createBudgetLedger(db, { clock }), limiter: createRateLimiter({ clock }), usage, clock, log: silentLog,
  }));
});
afterEach(() => {
  usage.close();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('createLedgerMeter with the calling process', () => {
  it('names the row after the process when the lookup has answered, without waiting on anything', () => {
    const caller = controlledLookup(SYNC_NOTES);
    meter.admit(admission('r1', caller.lookup)).finish(finished('r1'));
    expect(appOf('r1')).toBe('sync_notes.py');
    expect(caller.settles()).toBe(0);
  });

  it('writes the row when a lookup still running at finish answers, named after the process', async () => {
    const caller = controlledLookup();
    meter.admit(admission('r2', caller.lookup)).finish(finished('r2'));
    expect(appOf('r2')).toBeUndefined();
    caller.answer(SYNC_NOTES);
    await Promise.resolve();
    await Promise.resolve();
    expect(appOf('r2')).toBe('sync_notes.py');
  });

  it('names the row by the User-Agent when the lookup gives up (null) or there is none', async () => {
    const caller = controlledLookup();
    meter.admit(admission('r3', caller.lookup)).finish(finished('r3'));
    caller.answer(null);
    await Promise.resolve();
    await Promise.resolve();
    expect(appOf('r3')).toBe('openai-python');
    meter.admit(admission('r4', undefined)).finish(finished('r4'));
    expect(appOf('r4')).toBe('openai-python');
  });

  it("keeps a virtual key's alias whatever the process", () => {
    const principal: Principal = { kind: 'virtual', keyId: 'k1', alias: 'billing', models: [], rpmLimit: null, tpmLimit: null, maxParallelRequests: null, hasBudget: false };
    meter.admit(admission('r5', controlledLookup(SYNC_NOTES).lookup, principal)).finish(finished('r5'));
    expect(appOf('r5')).toBe('billing');
  });

  it('names a refused request after its process too', () => {
    meter.reject!({ requestId: 'r6', key: null, requestedModel: '', userAgent: UA, headers: { 'user-agent': UA }, route: '/v1/chat/completions', caller: controlledLookup(SYNC_NOTES).lookup },
      { code: 'invalid_api_key', status: 401, message: 'no' });
    expect(appOf('r6')).toBe('sync_notes.py');
  });
});
