import { formatUsd } from '../../../shared/format-usd.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../../main/storage/open-database.js';
import { createKeyRepository } from '../../../main/keys/key-repository.js';
import { createTeamRepository } from '../../../main/keys/team-repository.js';
import { createBudgetLedger, type BudgetLedger } from '../../../main/metering/budget-ledger.js';
import { createRateLimiter, type RateLimiter } from '../../../main/metering/rate-limiter.js';
import { createUsageLedger, type UsageLedger } from '../../../main/metering/usage-ledger.js';
import { createPriceTable } from '../../../main/metering/price-table.js';
import { createLedgerMeter } from '../../../main/metering/create-ledger-meter.js';
import { GatewayError } from '../../../main/core/gateway-error.js';
import { StorageError } from '../../../main/storage/storage-error.js';
import { estimatePromptTokens } from '../../../main/core/estimate-tokens.js';
import type { AdmissionInput, FinishedRequest } from '../../../main/metering/request-meter.js';
import type { Principal } from '../../../main/core/principal.js';
import type { Deployment } from '../../../main/core/deployment.js';
import type Database from 'better-sqlite3';
import { silentLog } from '../../support/silent-log.js';
import { synchronousMeter, type SynchronousMeter } from '../../support/synchronous.js';

let dir: string;
let db: Database.Database;
let usage: UsageLedger;
let budget: BudgetLedger;
let limiter: RateLimiter;
let meter: SynchronousMeter;
let now = Date.UTC(2026, 10, 25, 12);
const clock = { now: () => now };

function deployment(pricing: Deployment['pricing'] = { inputCostPerToken: 0.000001, outputCostPerToken: 0.000002 }, id = 'cloud#0'): Deployment {
  return {
    id, modelName: id.split('#')[0]!, provider: 'openai', protocol: 'openai', upstreamModel: 'mystery-model', apiBase: 'https://api.example.com/v1',
    origin: 'https://api.example.com', credential: { kind: 'none' }, timeouts: { connectMs: 1, firstByteMs: 1, idleMs: 1 }, pricing, source: { kind: 'default' }, modelInfo: {},
  };
}

function admission(principal: Principal, d = deployment(), requestId = `r-${Math.random()}`): AdmissionInput {
  return {
    requestId, principal, endpoint: 'chat', requestedModel: d.modelName, deployment: d, userAgent: 'OpenAI/Python 1.99.0',
    headers: { 'user-agent': 'OpenAI/Python 1.99.0' }, route: '/v1/chat/completions',
    body: { model: d.modelName, max_tokens: 100, messages: [{ role: 'user', content: 'hello' }] },
  };
}

function finished(d: Deployment, overrides: Partial<FinishedRequest>): FinishedRequest {
  return {
    requestId: 'x', startedAt: now, latencyMs: 12, ttftMs: null, status: 'success', httpStatus: 200, errorCode: null,
    usage: undefined, outputChars: 0, retries: 0, fallbacks: 0, deployment: d, ...overrides,
  };
}

function meterWith(ledger: BudgetLedger): SynchronousMeter {
  return synchronousMeter(createLedgerMeter({ prices: createPriceTable(undefined, { now: clock.now }), budget: ledger, limiter, usage, clock, log: silentLog }));
}

/** A virtual key with these limits, created in the database. */
function keyWith(fields: { max_budget?: number; max_parallel_requests?: number; rpm_limit?: number }): Principal {
  const { record } = createKeyRepository(db, clock).create({ key_alias: `app-${Math.random()}`, ...fields });
  return {
    kind: 'virtual', keyId: record.id, alias: record.keyAlias, models: [], rpmLimit: fields.rpm_limit ?? null, tpmLimit: null,
    maxParallelRequests: fields.max_parallel_requests ?? null, hasBudget: fields.max_budget !== undefined,
  };
}

const held = (principal: Principal) => budget.status((principal as Extract<Principal, { kind: 'virtual' }>).keyId)!;

function refusalOf(action: () => unknown): GatewayError {
  try {
    action();
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

const rows = () => {
  usage.flush();
  return db.prepare('SELECT request_id, app, status, http_status, error_code, prompt_tokens, completion_tokens, cost_micros, usage_estimated FROM usage_log ORDER BY ts, request_id').all() as Record<string, unknown>[];
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'meter-'));
  db = openDatabase({ file: join(dir, 'db.sqlite'), log: silentLog, clock }).db;
  usage = createUsageLedger(db, { clock, log: silentLog, flushIntervalMs: 60_000 });
  budget = createBudgetLedger(db, { clock, beforeRefusing: () => usage.flush() });
  limiter = createRateLimiter({ clock });
  meter = meterWith(budget);

});
afterEach(() => {
  usage.close();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('createLedgerMeter', () => {
  it('records one row with the cost of the upstream usage, attributed to the app guessed from the User-Agent', () => {
    const d = deployment();
    const admitted = meter.admit(admission({ kind: 'master' }, d, 'req-1'));
    admitted.finish(finished(d, { requestId: 'req-1', usage: { promptTokens: 1000, completionTokens: 500, cachedTokens: 0, cacheCreationTokens: 0, reasoningTokens: 0 } }));
    admitted.finish(finished(d, { requestId: 'req-1' }));
    expect(rows()).toEqual([expect.objectContaining({ request_id: 'req-1', status: 'success', prompt_tokens: 1000, completion_tokens: 500, cost_micros: 2000, usage_estimated: 0 })]);
    expect(rows()[0]!.app).not.toBe('unknown');
  });

  it('attributes a keyless Ollama client to the app its User-Agent names, with no key on the row', () => {
    const d = deployment();
    const input = { ...admission({ kind: 'keyless', models: ['cloud'] }, d, 'req-keyless'), userAgent: 'Zed/0.190.0 (macos; aarch64)', headers: { 'user-agent': 'Zed/0.190.0 (macos; aarch64)' } };
    meter.admit(input).finish(finished(d, { requestId: 'req-keyless' }));
    usage.flush();
    expect(db.prepare("SELECT app, key_id FROM usage_log WHERE request_id = 'req-keyless'").get()).toEqual({ app: 'zed', key_id: null });
  });

  it('estimates and marks usage when the upstream reported none', () => {
    const d = deployment();
    meter.admit(admission({ kind: 'master' }, d, 'req-2')).finish(finished(d, { requestId: 'req-2', outputChars: 40 }));
    expect(rows()[0]).toMatchObject({ completion_tokens: 10, usage_estimated: 1 });
    expect(rows()[0]!.prompt_tokens as number).toBeGreaterThan(0);
  });

  it('keeps the real input of a cut stream and estimates only the output it relayed', () => {
    const d = deployment();
    meter.admit(admission({ kind: 'master' }, d, 'req-3')).finish(finished(d, {
      requestId: 'req-3', status: 'upstream_error', errorCode: 'upstream_bad_response', outputChars: 80,
      usage: { promptTokens: 321, completionTokens: 1, cachedTokens: 0, cacheCreationTokens: 0, reasoningTokens: 0 },
    }));
    expect(rows()[0]).toMatchObject({ status: 'upstream_error', prompt_tokens: 321, completion_tokens: 20, usage_estimated: 1 });
  });

  it('records a refusal by a rate limit as a rejected row and answers 429 with Retry-After', () => {
    const keys = createKeyRepository(db, clock);
    const { record } = keys.create({ key_alias: 'app-a', rpm_limit: 1 });
    const principal: Principal = { kind: 'virtual', keyId: record.id, alias: 'app-a', models: [], rpmLimit: 1, tpmLimit: null, maxParallelRequests: null, hasBudget: false };
    const d = deployment();
    meter.admit(admission(principal, d, 'ok-1')).finish(finished(d, { requestId: 'ok-1' }));
    let refusal: unknown;
    try {
      meter.admit(admission(principal, d, 'limited-1'));
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(GatewayError);
    expect((refusal as GatewayError).code).toBe('rate_limited');
    expect((refusal as GatewayError).retryAfter).toBeGreaterThan(0);
    expect(rows().map((r) => [r.request_id, r.app, r.status, r.http_status])).toEqual([['limited-1', 'app-a', 'rejected', 429], ['ok-1', 'app-a', 'success', 200]]);
  });

  it('refuses a budgeted key on a model with no known price instead of letting it spend unmetered', () => {
    const keys = createKeyRepository(db, clock);
    const { record } = keys.create({ key_alias: 'app-b', max_budget: 1 });
    const principal: Principal = { kind: 'virtual', keyId: record.id, alias: 'app-b', models: [], rpmLimit: null, tpmLimit: null, maxParallelRequests: null, hasBudget: true };
    expect(() => meter.admit(admission(principal, deployment({}), 'unpriced-1'))).toThrow(/no known price/);
    expect(rows()[0]).toMatchObject({ request_id: 'unpriced-1', status: 'rejected', http_status: 400 });
  });

  it("holds a team key without a budget of its own against its team's budget, naming the team when it refuses, and admits it at $0 on a model with no known price", () => {
    const team = createTeamRepository(db, clock).create({ team_alias: 'research', max_budget: 0.0003 });
    const { record } = createKeyRepository(db, clock).create({ key_alias: 'svc', team_id: team.id });
    const principal: Principal = { kind: 'virtual', keyId: record.id, alias: 'svc', models: [], rpmLimit: null, tpmLimit: null, maxParallelRequests: null, hasBudget: false, ownerBudgets: true };
    // Worst case $0.000206 (prompt at $1/M, 100 output tokens at $2/M): one fits in $0.0003, two do not.
    const first = meter.admit(admission(principal, deployment(), 'team-1'));
    expect(held(principal).reservedMicros).toBeGreaterThan(0);
    expect(refusalOf(() => meter.admit(admission(principal, deployment(), 'team-2'))).message).toMatch(/^Budget exceeded for team 'research': .*; team 'research' has .* left of its \$0\.0003 budget \(\$0\.00021 more is held by requests in progress\)/);
    first.finish(finished(deployment(), { requestId: 'team-1' }));
    // The team's budget may not exist, and the key has none: an unknown price is not refused for it.
    expect(() => meter.admit(admission(principal, deployment({}), 'team-unpriced')).finish(finished(deployment({}), { requestId: 'team-unpriced' }))).not.toThrow();
  });

  describe('per-attempt cover (S38)', () => {
    const BODY = { model: 'cloud', max_tokens: 100, messages: [{ role: 'user', content: 'hello' }] };
    const PROMPT = estimatePromptTokens(BODY);
    const cheap = deployment({ inputCostPerToken: 0.000001, outputCostPerToken: 0.000002 }, 'cheap#0');
    const dear = deployment({ inputCostPerToken: 0.0003, outputCostPerToken: 0.0003 }, 'dear#0');
    const free = deployment({ inputCostPerToken: 0, outputCostPerToken: 0 }, 'free#0');
    const worstCheap = PROMPT * 1 + 100 * 2;
    const worstDear = (PROMPT + 100) * 300;

    it('tops the reservation up to a pricier deployment before it is called, never lowers it, and settles what the one that served cost', () => {
      const principal = keyWith({ max_budget: 1 });
      const admitted = meter.admit({ ...admission(principal, cheap, 'topup-1'), body: BODY });
      expect(held(principal).reservedMicros).toBe(worstCheap);
      admitted.cover(cheap);
      expect(held(principal).reservedMicros).toBe(worstCheap);
      admitted.cover(dear);
      expect(held(principal).reservedMicros).toBe(worstDear);
      admitted.cover(cheap);
      expect(held(principal).reservedMicros).toBe(worstDear);
      admitted.finish(finished(dear, { requestId: 'topup-1', usage: { promptTokens: 10, completionTokens: 20, cachedTokens: 0, cacheCreationTokens: 0, reasoningTokens: 0 } }));
      usage.flush();
      expect(held(principal)).toMatchObject({ spendMicros: 30 * 300, reservedMicros: 0 });
    });

    it('reserves for a paid deployment after a zero-priced first choice, which reserved nothing', () => {
      const principal = keyWith({ max_budget: 1 });
      const admitted = meter.admit({ ...admission(principal, free, 'free-then-dear'), body: BODY });
      expect(held(principal).reservedMicros).toBe(0);
      admitted.cover(dear);
      expect(held(principal).reservedMicros).toBe(worstDear);
      admitted.finish(finished(free, { requestId: 'free-then-dear', status: 'upstream_error', httpStatus: 502, errorCode: 'upstream_error' }));
      usage.flush();
      expect(held(principal)).toMatchObject({ spendMicros: 0, reservedMicros: 0 });
    });

    it('refuses a deployment the budget cannot cover with the budget error, keeping what is already held until finish', () => {
      const principal = keyWith({ max_budget: 0.01 });
      const admitted = meter.admit({ ...admission(principal, cheap, 'poor-1'), body: BODY });
      const refusal = refusalOf(() => admitted.cover(dear));
      expect(refusal.code).toBe('budget_exceeded');
      expect(refusal.message).toMatch(/of its \$0\.01 budget/);
      expect(held(principal).reservedMicros).toBe(worstCheap);
      admitted.finish(finished(cheap, { requestId: 'poor-1', status: 'rejected', httpStatus: 429, errorCode: 'budget_exceeded' }));
      usage.flush();
      expect(held(principal)).toMatchObject({ spendMicros: 0, reservedMicros: 0 });
      // One row for the request, whatever its attempts.
      expect(rows().filter((r) => r.request_id === 'poor-1')).toHaveLength(1);
    });

    it('refuses a budgeted key a fallback with no known price', () => {
      const principal = keyWith({ max_budget: 1 });
      const admitted = meter.admit({ ...admission(principal, cheap, 'unpriced-fallback'), body: BODY });
      expect(refusalOf(() => admitted.cover(deployment({}, 'mystery#0'))).message).toMatch(/no known price/);
      admitted.finish(finished(cheap, { requestId: 'unpriced-fallback' }));
    });

    it('never touches the budget for keys without one, nor counts an attempt against rate limits', () => {
      const principal = keyWith({ rpm_limit: 1 });
      const admitted = meter.admit({ ...admission(principal, cheap, 'no-budget'), body: BODY });
      admitted.cover(dear);
      admitted.cover(deployment({}, 'mystery#0'));
      admitted.finish(finished(dear, { requestId: 'no-budget' }));
      expect(held(principal)).toMatchObject({ reservedMicros: 0 });
      // rpm 1: the one request counted once, not once per attempt.
      expect(refusalOf(() => meter.admit(admission(principal, cheap, 'no-budget-2'))).code).toBe('rate_limited');
    });
  });

  describe('every choice in the reservation (S37)', () => {
    it('reserves n choices of max_tokens each, and refuses n: 128, max_tokens: 9 on a $0.001 budget', () => {
      const principal = keyWith({ max_budget: 0.001 });
      const body = { model: 'cloud', n: 128, max_tokens: 9, messages: [{ role: 'user', content: 'hello' }] };
      const refusal = refusalOf(() => meter.admit({ ...admission(principal, deployment(), 'n-128'), body }));
      expect(refusal.code).toBe('budget_exceeded');
      expect(refusal.message).toContain('128 choices');
      expect(refusal.message).toContain(`may cost up to ${formatUsd(estimatePromptTokens(body) + 128 * 9 * 2)} at 9 output tokens x 128 choices;`);
      expect(held(principal)).toMatchObject({ spendMicros: 0, reservedMicros: 0 });

      const admitted = meter.admit({ ...admission(principal, deployment(), 'n-4'), body: { ...body, n: 4 } });
      expect(held(principal).reservedMicros).toBe(estimatePromptTokens(body) + 4 * 9 * 2);
      admitted.finish(finished(deployment(), { requestId: 'n-4' }));
    });

    it('refuses audio output to a budgeted key on a priced model, since its price is not known', () => {
      const principal = keyWith({ max_budget: 1 });
      const body = { model: 'cloud', modalities: ['text', 'audio'], audio: { voice: 'alloy', format: 'wav' }, messages: [{ role: 'user', content: 'hello' }] };
      const refusal = refusalOf(() => meter.admit({ ...admission(principal, deployment(), 'audio-1'), body }));
      expect(refusal).toMatchObject({ code: 'invalid_request', status: 400, param: 'modalities' });
      expect(refusal.message).toMatch(/audio output/);
      // A key without a budget is not refused.
      meter.admit({ ...admission(keyWith({}), deployment(), 'audio-2'), body }).finish(finished(deployment(), { requestId: 'audio-2' }));
    });
  });

  describe('exception safety (issue 11 item 3)', () => {
    it('gives the parallel slot and the rpm count back and records the refusal when the reservation throws (storage busy)', () => {
      const principal = keyWith({ max_budget: 1, max_parallel_requests: 1, rpm_limit: 1 });
      let busy = true;
      const flaky: BudgetLedger = {
        ...budget,
        reserve: (...args) => {
          if (busy) throw new StorageError('storage_busy', 'The database is busy');
          return budget.reserve(...args);
        },
      };
      const busyMeter = meterWith(flaky);
      expect(() => busyMeter.admit(admission(principal, deployment(), 'busy-1'))).toThrow(StorageError);
      busy = false;
      // Admitted again: the parallel slot (max 1) and the rpm slot (1 a minute) were both given back.
      const admitted = busyMeter.admit(admission(principal, deployment(), 'busy-2'));
      admitted.finish(finished(deployment(), { requestId: 'busy-2' }));
      expect(rows().filter((r) => String(r.request_id).startsWith('busy-')).map((r) => [r.request_id, r.status, r.http_status, r.error_code])).toEqual([
        ['busy-1', 'error', 503, 'storage_busy'],
        ['busy-2', 'success', 200, null],
      ]);
    });
  });
});

/** The same ledger and limiter answering with Promises, as PostgreSQL and the shared limiter do. */
function promising<T extends object>(target: T): T {
  return new Proxy(target, {
    get(object, name, receiver) {
      const value = Reflect.get(object, name, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        try {
          return Promise.resolve((value as (...a: unknown[]) => unknown).apply(object, args));
        } catch (error) {
          return Promise.reject(error);
        }
      };
    },
  });
}

describe('createLedgerMeter over a ledger and a limiter that answer with Promises (team mode)', () => {
  const asyncMeter = () => createLedgerMeter({
    prices: createPriceTable(undefined, { now: clock.now }), budget: promising(budget) as never, limiter: promising(limiter), usage, clock, log: silentLog,
  });

  it('admits with a Promise, and cover() of a pricier deployment tops the hold up with one', async () => {
    const principal = keyWith({ max_budget: 1 });
    const admitting = asyncMeter().admit(admission(principal, deployment(), 'async-1'));
    expect(admitting).toBeInstanceOf(Promise);
    const admitted = await admitting;
    const first = held(principal).reservedMicros;
    expect(first).toBeGreaterThan(0);
    const covering = admitted.cover(deployment({ inputCostPerToken: 0.00001, outputCostPerToken: 0.00002 }, 'dear#0'));
    expect(covering).toBeInstanceOf(Promise);
    await covering;
    expect(held(principal).reservedMicros).toBeGreaterThan(first);
    admitted.finish(finished(deployment(), { requestId: 'async-1' }));
    expect(rows().find((r) => r.request_id === 'async-1')?.status).toBe('success');
  });

  it('rejects over budget with the same refusal, gives the parallel slot back and leaves the refusal\'s row', async () => {
    const principal = keyWith({ max_budget: 0.0001, max_parallel_requests: 1 });
    await expect(asyncMeter().admit(admission(principal, deployment(), 'async-poor'))).rejects.toMatchObject({ code: 'budget_exceeded' });
    // The slot went back: a max_parallel_requests: 1 key is not locked out by the refusal.
    const free = keyWith({ max_parallel_requests: 1 });
    const meterForFree = asyncMeter();
    const admitted = await meterForFree.admit(admission(free, deployment(), 'async-free'));
    admitted.finish(finished(deployment(), { requestId: 'async-free' }));
    expect(rows().find((r) => r.request_id === 'async-poor')).toMatchObject({ status: 'rejected', error_code: 'budget_exceeded' });
    expect(limiter.headers({ id: (principal as { keyId: string }).keyId, rpmLimit: null, tpmLimit: null, maxParallelRequests: 1 })).toBeDefined();
    await (await meterForFree.admit(admission(principal, deployment({ inputCostPerToken: 0, outputCostPerToken: 0 }), 'async-again'))).finish(finished(deployment(), { requestId: 'async-again' }));
  });

  it('refuses a cover() the budget cannot hold by rejecting, keeping the request admitted', async () => {
    const principal = keyWith({ max_budget: 0.001 });
    const admitted = await asyncMeter().admit({ ...admission(principal, deployment(), 'async-topup'), body: { model: 'x', max_tokens: 100, messages: [] } });
    await expect(admitted.cover(deployment({ inputCostPerToken: 0.001, outputCostPerToken: 0.002 }, 'gold#0'))).rejects.toMatchObject({ code: 'budget_exceeded' });
    admitted.finish(finished(deployment(), { requestId: 'async-topup' }));
    expect(rows().filter((r) => r.request_id === 'async-topup')).toHaveLength(1);
  });
});
