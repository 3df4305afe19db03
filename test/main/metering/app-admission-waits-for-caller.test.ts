// App rules and the connection's process lookup: the first request of a fresh connection nearly
// always arrives before its lookup answers. With no app rule anywhere, nothing waits (the row is
// named when written); once some app has a rule, admission (and the default-model choice) waits
// for the lookup, bounded, so a program cannot escape its rule by opening a new connection, and
// the hold, the rule and the row all name the same app. An app is "seen" (first_seen, the new-app
// notification) under its final name, never under the User-Agent name of a lookup still running.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAppRepository, type AppRepository } from '../../../main/apps/app-repository.js';
import { createAppRules } from '../../../main/apps/app-rules.js';
import { createAppBudgetLedger } from '../../../main/metering/app-budget-ledger.js';
import { createBudgetLedger } from '../../../main/metering/budget-ledger.js';
import { createLedgerMeter } from '../../../main/metering/create-ledger-meter.js';
import { createPriceTable } from '../../../main/metering/price-table.js';
import { createRateLimiter } from '../../../main/metering/rate-limiter.js';
import type { Deployment } from '../../../main/core/deployment.js';
import type { AdmissionInput, FinishedRequest, RequestMeter } from '../../../main/metering/request-meter.js';
import type { UsageRecord } from '../../../main/metering/usage-record.js';
import type { CallerLookup, CallerProcess } from '../../../main/attribution/caller-process.js';
import { openTempDatabase, type TempDatabase } from '../storage/storage-test-kit.js';
import { silentLog } from '../../support/silent-log.js';

const AGENT = 'Python-urllib/3.11';
const SYNC_NOTES: CallerProcess = { name: 'sync_notes.py', pid: 4242, exePath: '/usr/bin/python3.11' };
const d: Deployment = {
  id: 'm#0', modelName: 'm', provider: 'openai', protocol: 'openai', upstreamModel: 'm', apiBase: 'http://127.0.0.1:9/v1',
  origin: 'http://127.0.0.1:9', credential: { kind: 'none' }, timeouts: { connectMs: 1, firstByteMs: 1, idleMs: 1 },
  pricing: { inputCostPerToken: 0, outputCostPerToken: 0 }, source: { kind: 'default' }, modelInfo: {},
};

/** A lookup answered by hand; `gaveUp` makes settle() answer undefined at once (its bound passed). */
function controlledLookup(options: { gaveUp?: boolean } = {}) {
  let result: CallerProcess | null | undefined;
  const waiters: ((value: CallerProcess | null | undefined) => void)[] = [];
  let settles = 0;
  const lookup: CallerLookup = {
    now: () => result,
    settle: () => {
      settles++;
      if (result !== undefined || options.gaveUp === true) return Promise.resolve(result);
      return new Promise((resolve) => waiters.push(resolve));
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

function input(caller: CallerLookup, requestId = `r-${Math.random()}`): AdmissionInput {
  return {
    requestId, principal: { kind: 'open' }, endpoint: 'chat', requestedModel: 'm', deployment: d, userAgent: AGENT,
    headers: { 'user-agent': AGENT }, route: '/v1/chat/completions', body: { model: 'm', messages: [{ role: 'user', content: 'hi' }] }, caller,
  };
}

function finished(requestId: string): FinishedRequest {
  return { requestId, startedAt: 0, latencyMs: 5, ttftMs: null, status: 'success', httpStatus: 200, errorCode: null, usage: undefined, outputChars: 4, retries: 0, fallbacks: 0, deployment: d };
}

const ticks = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

let opened: TempDatabase;
let apps: AppRepository;
let meter: RequestMeter;
let rows: UsageRecord[];
let announced: string[];
beforeEach(() => {
  opened = openTempDatabase();
  apps = createAppRepository(opened.db, opened.clock);
  rows = [];
  announced = [];
  const rules = createAppRules({ store: apps, log: silentLog, onNewApp: (app) => announced.push(app) });
  rules.load();
  meter = createLedgerMeter({
    prices: createPriceTable(undefined, { now: opened.clock.now }), budget: createBudgetLedger(opened.db, { clock: opened.clock }),
    limiter: createRateLimiter({ clock: opened.clock }), usage: { record: (row) => void rows.push(row) }, clock: opened.clock, log: silentLog,
    apps: { rules, budget: createAppBudgetLedger(opened.db, { clock: opened.clock }), activeAlias: 'switchboard/active' },
  });
});
afterEach(() => opened.dispose());

describe('admission and the caller lookup, with and without app rules', () => {
  it('does not wait when no app has a rule: the row is named, and the app seen, once the lookup answers', async () => {
    const caller = controlledLookup();
    const admitted = meter.admit(input(caller.lookup, 'r1'));
    expect(admitted).not.toBeInstanceOf(Promise);
    expect(caller.settles()).toBe(0);
    (admitted as Exclude<typeof admitted, Promise<unknown>>).finish(finished('r1'));
    expect(rows).toEqual([]);
    caller.answer(SYNC_NOTES);
    await ticks();
    expect(rows.map((row) => row.app)).toEqual(['sync_notes.py']);
    // Seen under the process's name, never under the User-Agent's ('Python-urllib').
    expect(announced).toEqual(['sync_notes.py']);
  });

  it('waits for a running lookup once an app has a rule, and rules the process, not its User-Agent', async () => {
    apps.update('sync_notes.py', { models: ['elsewhere'] });
    const caller = controlledLookup();
    const admitted = meter.admit(input(caller.lookup, 'r2'));
    expect(admitted).toBeInstanceOf(Promise);
    caller.answer(SYNC_NOTES);
    await expect(admitted).rejects.toMatchObject({ code: 'model_not_allowed', message: expect.stringContaining("App 'sync_notes.py' may not use model") });
    await ticks();
    expect(rows.map((row) => [row.app, row.status])).toEqual([['sync_notes.py', 'rejected']]);
  });

  it('past the bound, rules and records the request under its User-Agent name, and a late answer does not rename the row', async () => {
    apps.update('sync_notes.py', { models: ['elsewhere'] });
    const caller = controlledLookup({ gaveUp: true });
    const admission = await meter.admit(input(caller.lookup, 'r3'));
    caller.answer(SYNC_NOTES);
    admission.finish(finished('r3'));
    await ticks();
    expect(rows.map((row) => row.app)).toEqual(['Python-urllib']);
  });

  it('sends the active alias to the default model of the process once its lookup answers', async () => {
    apps.update('sync_notes.py', { default_model: 'm' });
    const caller = controlledLookup();
    const chosen = meter.modelFor!({ principal: { kind: 'open' }, requestedModel: 'switchboard/active', userAgent: AGENT, headers: { 'user-agent': AGENT }, caller: caller.lookup });
    expect(chosen).toBeInstanceOf(Promise);
    caller.answer(SYNC_NOTES);
    expect(await chosen).toBe('m');
    // A model named directly is never redirected, and never waits.
    expect(meter.modelFor!({ principal: { kind: 'open' }, requestedModel: 'm', userAgent: AGENT, headers: { 'user-agent': AGENT }, caller: controlledLookup().lookup })).toBe('m');
  });
});
