// The meter's admission of requests without a key under their app's rule, on a real SQLite file:
// synchronous (no Promise on the desktop's path), a fallback outside the app's models refused at
// cover(), a pricier fallback topping the app's hold up, an unpriced model refused for a budgeted
// app (fail closed, naming the app's budget), and modelFor sending only the active alias of an app
// with a default_model elsewhere.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAppRepository, type AppRepository } from '../../../main/apps/app-repository.js';
import { createAppRules } from '../../../main/apps/app-rules.js';
import { createAppBudgetLedger } from '../../../main/metering/app-budget-ledger.js';
import { createBudgetLedger } from '../../../main/metering/budget-ledger.js';
import { createLedgerMeter } from '../../../main/metering/create-ledger-meter.js';
import { createPriceTable } from '../../../main/metering/price-table.js';
import { createRateLimiter } from '../../../main/metering/rate-limiter.js';
import { GatewayError } from '../../../main/core/gateway-error.js';
import type { Deployment } from '../../../main/core/deployment.js';
import type { AdmissionInput } from '../../../main/metering/request-meter.js';
import { openTempDatabase, type TempDatabase } from '../storage/storage-test-kit.js';
import { silentLog } from '../../support/silent-log.js';
import { synchronousMeter, type SynchronousMeter } from '../../support/synchronous.js';

const USD = 1_000_000;
const AGENT = 'sync_notes/1.0';

function deployment(id: string, pricing: Deployment['pricing'] = { inputCostPerToken: 0, outputCostPerToken: 0.00001 }): Deployment {
  return {
    id: `${id}#0`, modelName: id, provider: 'openai', protocol: 'openai', upstreamModel: 'mystery-model', apiBase: 'https://api.example.com/v1',
    origin: 'https://api.example.com', credential: { kind: 'none' }, timeouts: { connectMs: 1, firstByteMs: 1, idleMs: 1 }, pricing, source: { kind: 'default' }, modelInfo: {},
  };
}

function input(d: Deployment, requestId = `r-${Math.random()}`): AdmissionInput {
  return {
    requestId, principal: { kind: 'master' }, endpoint: 'chat', requestedModel: d.modelName, deployment: d, userAgent: AGENT,
    headers: { 'user-agent': AGENT }, route: '/v1/chat/completions', body: { model: d.modelName, max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] },
  };
}

let opened: TempDatabase;
let apps: AppRepository;
let meter: SynchronousMeter;
beforeEach(() => {
  opened = openTempDatabase();
  apps = createAppRepository(opened.db, opened.clock);
  const rules = createAppRules({ store: apps, log: silentLog });
  rules.load();
  meter = synchronousMeter(createLedgerMeter({
    prices: createPriceTable(undefined, { now: opened.clock.now }), budget: createBudgetLedger(opened.db, { clock: opened.clock }),
    limiter: createRateLimiter({ clock: opened.clock }), usage: { record() {} }, clock: opened.clock, log: silentLog,
    apps: { rules, budget: createAppBudgetLedger(opened.db, { clock: opened.clock }), activeAlias: 'switchboard/active' },
  }));
});
afterEach(() => opened.dispose());

function refusalOf(action: () => unknown): GatewayError {
  try {
    action();
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('admission of a request without a key under its app\'s rule', () => {
  it('refuses a fallback outside the app\'s models at cover(), and covers one inside', () => {
    apps.update('sync_notes', { models: ['m', 'backup'] });
    const admission = meter.admit(input(deployment('m')));
    expect(refusalOf(() => admission.cover(deployment('elsewhere'))).code).toBe('model_not_allowed');
    expect(admission.cover(deployment('backup'))).toBeUndefined();
  });

  it('tops the app\'s hold up for a pricier fallback, and refuses one the budget cannot cover', () => {
    apps.update('sync_notes', { max_budget: 0.0025 });
    const admission = meter.admit(input(deployment('m')));
    expect(apps.info('sync_notes')!.reservedMicros).toBe(0.001 * USD);
    admission.cover(deployment('dearer', { inputCostPerToken: 0, outputCostPerToken: 0.00002 }));
    expect(apps.info('sync_notes')!.reservedMicros).toBe(0.002 * USD);
    const refused = refusalOf(() => admission.cover(deployment('dearest', { inputCostPerToken: 0, outputCostPerToken: 0.0001 })));
    expect(refused.code).toBe('budget_exceeded');
    expect(refused.message).toMatch(/^Budget exceeded for app 'sync_notes'/);
    expect(apps.info('sync_notes')!.reservedMicros).toBe(0.002 * USD);
  });

  it('refuses a model without a known price for a budgeted app, naming the app\'s budget; an app without one is served', () => {
    const unpriced = deployment('unknown', {});
    expect(() => meter.admit(input(unpriced))).not.toThrow();
    apps.update('sync_notes', { max_budget: 1 });
    const refused = refusalOf(() => meter.admit(input(unpriced)));
    expect(refused.code).toBe('invalid_request');
    expect(refused.message).toContain("no known price, so the budget of app 'sync_notes' cannot be enforced");
    expect(refused.message).toContain('"max_budget": null');
  });

  it('routes only the active alias of an app with a default_model elsewhere, and never a key\'s request', () => {
    apps.update('sync_notes', { default_model: 'local' });
    const choose = (requestedModel: string, agent = AGENT, principal: AdmissionInput['principal'] = { kind: 'master' }) =>
      meter.modelFor!({ principal, requestedModel, userAgent: agent, headers: { 'user-agent': agent } });
    expect(choose('switchboard/active')).toBe('local');
    expect(choose('m')).toBe('m');
    expect(choose('switchboard/active', 'other_tool/1.0')).toBe('switchboard/active');
    expect(choose('switchboard/active', AGENT, { kind: 'virtual', keyId: 'k', alias: 'sync_notes', models: [], rpmLimit: null, tpmLimit: null, maxParallelRequests: null, hasBudget: false })).toBe('switchboard/active');
  });
});
