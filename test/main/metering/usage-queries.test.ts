import type Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createKeyRepository } from '../../../main/keys/key-repository.js';
import { hashKey } from '../../../main/keys/virtual-keys.js';
import { latencyBucketIndex, latencyBucketRange, UTC_DAY_SQL } from '../../../main/metering/usage-rollups.js';
import { pruneRawUsage } from '../../../main/metering/prune-raw-usage.js';
import { createUsageLedger } from '../../../main/metering/usage-ledger.js';
import { createUsageQueries, type UsageGroupBy, type UsageSummaryGroup } from '../../../main/metering/usage-queries.js';
import type { UsageRecord } from '../../../main/metering/usage-record.js';
import { D0, DAY, HOUR, useSeededUsageDatabase, useUsageDatabases } from '../../support/usage-database-fixture.js';
import { seededRandom, usageRecord } from './usage-test-kit.js';

const usageDatabases = useUsageDatabases();
const { withRows } = usageDatabases;

/** The summary computed the slow, obvious way from raw rows, to check the fast one against. */
function bruteForce(db: Database.Database, start: number, end: number, groupBy: UsageGroupBy) {
  const owner = (column: string) => `coalesce((SELECT ${column} FROM virtual_keys v WHERE v.id = usage_log.key_id), '')`;
  const expr = { app: 'app', model: 'model_group', provider: 'provider', day: UTC_DAY_SQL, key: "coalesce(key_id, '')", team: owner('team_id'), user: owner('user_id') }[groupBy];
  const groups = db
    .prepare(
      `SELECT ${expr} AS grp, count(*) AS requests, sum(status NOT IN ('success', 'rejected')) AS errors, sum(status = 'rejected') AS rejected, sum(cost_micros) AS spend_micros,
         sum(prompt_tokens) AS prompt_tokens, sum(completion_tokens) AS completion_tokens, sum(cached_tokens) AS cached_tokens, sum(reasoning_tokens) AS reasoning_tokens
       FROM usage_log WHERE ts >= ? AND ts < ? GROUP BY grp`,
    )
    .all(start, end) as { grp: string; requests: number; errors: number; rejected: number; spend_micros: number; prompt_tokens: number; completion_tokens: number; cached_tokens: number; reasoning_tokens: number }[];
  const latencies = (grp: string): number[] =>
    (db.prepare(`SELECT latency_ms FROM usage_log WHERE ts >= ? AND ts < ? AND status = 'success' AND ${expr} = ? ORDER BY latency_ms`).all(start, end, grp) as { latency_ms: number }[]).map((r) => r.latency_ms);
  return { groups, latencies };
}

/** The exact nearest-rank percentile lies in a bucket; the estimate must lie in that bucket too. */
function expectInSameBucket(estimate: number | null, sorted: number[], p: number): void {
  if (sorted.length === 0) {
    expect(estimate).toBeNull();
    return;
  }
  const exact = sorted[Math.max(1, Math.ceil(p * sorted.length)) - 1] as number;
  const [low, high] = latencyBucketRange(latencyBucketIndex(exact), sorted[sorted.length - 1] as number);
  expect(estimate).toBeGreaterThanOrEqual(low);
  expect(estimate).toBeLessThanOrEqual(high);
}

function expectMatchesBruteForce(db: Database.Database, groups: UsageSummaryGroup[], start: number, end: number, groupBy: UsageGroupBy, checkLatency = true): void {
  const truth = bruteForce(db, start, end, groupBy);
  expect(groups.map((g) => g.group).sort()).toEqual(truth.groups.map((g) => g.grp).sort());
  for (const expected of truth.groups) {
    const actual = groups.find((g) => g.group === expected.grp);
    expect(actual).toMatchObject({
      requests: expected.requests,
      errors: expected.errors,
      rejected: expected.rejected,
      spend_micros: expected.spend_micros,
      prompt_tokens: expected.prompt_tokens,
      completion_tokens: expected.completion_tokens,
      cached_tokens: expected.cached_tokens,
      reasoning_tokens: expected.reasoning_tokens,
      total_tokens: expected.prompt_tokens + expected.completion_tokens,
    });
    if (checkLatency) {
      const sorted = truth.latencies(expected.grp);
      expectInSameBucket(actual?.p50_latency_ms ?? null, sorted, 0.5);
      expectInSameBucket(actual?.p95_latency_ms ?? null, sorted, 0.95);
    }
  }
}

describe('createUsageQueries', () => {
  describe('spendLogs', () => {
    it('returns a failed request with why it failed: the message, the upstream status and the excerpt', () => {
      const opened = usageDatabases.open();
      const ledger = createUsageLedger(opened.db, { clock: opened.clock, log: opened.log });
      ledger.record(usageRecord({
        requestId: 'failed', ts: D0, status: 'upstream_error', httpStatus: 502, errorCode: 'upstream_error',
        errorMessage: 'The server for model "fast" answered HTTP 500 at http://127.0.0.1:8000/v1/chat/completions: overloaded',
        upstreamStatus: 500, upstreamExcerpt: '{"error":{"message":"overloaded"}}',
      }));
      ledger.record(usageRecord({ requestId: 'fine', ts: D0 + 1 }));
      ledger.close();
      const [fine, failed] = createUsageQueries(opened.db).spendLogs().data;
      expect(failed).toMatchObject({
        request_id: 'failed', status: 'upstream_error', http_status: 502,
        error_message: 'The server for model "fast" answered HTTP 500 at http://127.0.0.1:8000/v1/chat/completions: overloaded',
        upstream_status: 500, upstream_excerpt: '{"error":{"message":"overloaded"}}',
      });
      expect(fine).toMatchObject({ request_id: 'fine', error_message: null, upstream_status: null, upstream_excerpt: null });
    });

    it('returns LiteLLM-shaped rows, newest first, with the key id and never the key hash', () => {
      const opened = usageDatabases.open();
      const repo = createKeyRepository(opened.db, opened.clock);
      const { key, record } = repo.create({ key_alias: 'cursor' });
      const ledger = createUsageLedger(opened.db, { clock: opened.clock, log: opened.log });
      ledger.record(usageRecord({ requestId: 'old', ts: D0, keyId: record.id, keyAlias: 'cursor', app: 'cursor' }));
      ledger.record(
        usageRecord({ requestId: 'new', ts: D0 + 5_000, keyId: record.id, keyAlias: 'cursor', app: 'cursor', costMicros: 1_234_567, latencyMs: 2_000, ttftMs: 300, promptTokens: 10, completionTokens: 5, requestedModel: 'fast', modelGroup: 'gpt-4o-mini', deploymentId: 'dep-7', provider: 'openai' }),
      );
      ledger.close();
      const page = createUsageQueries(opened.db).spendLogs();
      expect(page).toMatchObject({ total: 2, page: 1, page_size: 50, total_pages: 1 });
      expect(page.data.map((r) => r.request_id)).toEqual(['new', 'old']);
      expect(page.data[0]).toEqual({
        request_id: 'new',
        call_type: '/v1/chat/completions',
        api_key: record.id,
        key_alias: 'cursor',
        app: 'cursor',
        user_agent: 'curl/8.5.0',
        model: 'gpt-4o-mini',
        model_group: 'gpt-4o-mini',
        requested_model: 'fast',
        model_id: 'dep-7',
        custom_llm_provider: 'openai',
        spend: 1.234567,
        spend_micros: 1_234_567,
        startTime: new Date(D0 + 5_000).toISOString(),
        endTime: new Date(D0 + 7_000).toISOString(),
        completionStartTime: new Date(D0 + 5_300).toISOString(),
        request_duration_ms: 2_000,
        prompt_tokens: 10,
        completion_tokens: 5,
        total_tokens: 15,
        cached_tokens: 0,
        cache_creation_tokens: 0,
        reasoning_tokens: 0,
        status: 'success',
        http_status: 200,
        error_code: null,
        usage_estimated: false,
        retries: 0,
        fallbacks: 0,
        request_body: null,
        response_body: null,
        error_message: null,
        upstream_status: null,
        upstream_excerpt: null,
      });
      const json = JSON.stringify(page);
      expect(json).not.toContain(hashKey(key));
      expect(json).not.toContain(key);
    });

    it('returns the bodies logged with a row, null for rows without, and retention prunes them with their row', () => {
      const db = withRows([
        usageRecord({ requestId: 'logged', ts: D0 + 1_000, requestBody: '{"messages":[]}', responseBody: 'hello' }),
        usageRecord({ requestId: 'plain', ts: D0 + 2_000 }),
      ]);
      const rows = createUsageQueries(db.db).spendLogs().data;
      expect(rows.map((r) => [r.request_id, r.request_body, r.response_body])).toEqual([
        ['plain', null, null],
        ['logged', '{"messages":[]}', 'hello'],
      ]);
      expect(db.db.prepare('SELECT count(*) AS n FROM usage_bodies').get()).toEqual({ n: 1 });
      db.clock.set(D0 + 10 * DAY);
      expect(pruneRawUsage(db.db, { clock: db.clock, retentionDays: 2 }).deleted).toBe(2);
      expect(db.db.prepare('SELECT count(*) AS n FROM usage_bodies').get()).toEqual({ n: 0 });
    });

    it('filters by key, model and time, and pages', () => {
      const records: UsageRecord[] = [];
      for (let i = 0; i < 30; i++) {
        records.push(usageRecord({ requestId: `r${String(i).padStart(2, '0')}`, ts: D0 + i * HOUR, keyId: i % 3 === 0 ? 'key_a' : null, modelGroup: i % 2 === 0 ? 'gpt-4o' : 'claude', requestedModel: i % 2 === 0 ? 'gpt-4o' : 'sonnet' }));
      }
      const db = withRows(records);
      const queries = createUsageQueries(db.db);
      expect(queries.spendLogs({ keyId: 'key_a' }).total).toBe(10);
      expect(queries.spendLogs({ model: 'claude' }).total).toBe(15);
      expect(queries.spendLogs({ model: 'sonnet' }).total).toBe(15);
      expect(queries.spendLogs({ start: D0 + 10 * HOUR, end: D0 + 20 * HOUR }).total).toBe(10);
      const filtered = queries.spendLogs({ keyId: 'key_a', model: 'gpt-4o', start: D0, end: D0 + 30 * HOUR });
      expect(filtered.data.map((r) => r.request_id)).toEqual(['r24', 'r18', 'r12', 'r06', 'r00']);
      const page2 = queries.spendLogs({ page: 2, pageSize: 7 });
      expect(page2).toMatchObject({ total: 30, page: 2, page_size: 7, total_pages: 5 });
      expect(page2.data.map((r) => r.request_id)).toEqual(['r22', 'r21', 'r20', 'r19', 'r18', 'r17', 'r16']);
      expect(queries.spendLogs({ pageSize: 1_000_000 }).page_size).toBe(1_000);
    });
  });

  describe('usageSummary', () => {
    const random = seededRandom(42);
    const apps = ['cursor', 'claude-cli', 'curl', 'openai-python'];
    const models = ['gpt-4o', 'claude-sonnet', 'qwen-max', 'llama3'];
    const records: UsageRecord[] = [];
    for (let i = 0; i < 3_000; i++) {
      const status = random() < 0.85 ? 'success' : (['upstream_error', 'client_aborted', 'upstream_stalled', 'rejected'] as const)[Math.floor(random() * 4)]!;
      records.push(
        usageRecord({
          requestId: `s${i}`,
          ts: D0 + Math.floor(random() * 6 * DAY),
          app: apps[Math.floor(random() * apps.length)]!,
          keyId: random() < 0.3 ? null : `key_${Math.floor(random() * 3)}`,
          modelGroup: models[Math.floor(random() * models.length)]!,
          provider: ['openai', 'anthropic', 'ollama', null][Math.floor(random() * 4)]!,
          status,
          latencyMs: Math.floor(random() * random() * 40_000),
          promptTokens: Math.floor(random() * 2_000),
          completionTokens: Math.floor(random() * 800),
          cachedTokens: Math.floor(random() * 100),
          reasoningTokens: Math.floor(random() * 50),
          costMicros: Math.floor(random() * 20_000),
        }),
      );
    }

    it.each<[string, number, number]>([
      ['whole days', D0 + DAY, D0 + 4 * DAY],
      ['partial days at both ends', D0 + 7 * HOUR + 123, D0 + 4 * DAY + 13 * HOUR],
      ['a range inside one day', D0 + 2 * DAY + HOUR, D0 + 2 * DAY + 9 * HOUR],
      ['a range across one midnight', D0 + DAY - 3 * HOUR, D0 + DAY + 3 * HOUR],
      ['everything', 0, D0 + 30 * DAY],
    ])('matches the raw rows exactly for %s, for every grouping', (_label, start, end) => {
      const db = withRows(records);
      const queries = createUsageQueries(db.db);
      for (const groupBy of ['app', 'model', 'provider', 'day', 'key'] as const) {
        const summary = queries.usageSummary({ start, end, groupBy });
        expectMatchesBruteForce(db.db, summary.groups, start, end, groupBy);
        const totals = bruteForce(db.db, start, end, 'provider').groups.reduce((n, g) => n + g.requests, 0);
        expect(summary.totals.requests).toBe(totals);
      }
    });

    it('sorts groups by spend, and days by date', () => {
      const db = withRows(records);
      const queries = createUsageQueries(db.db);
      const byModel = queries.usageSummary({ start: D0, end: D0 + 6 * DAY, groupBy: 'model' }).groups;
      expect(byModel.map((g) => g.spend_micros)).toEqual([...byModel.map((g) => g.spend_micros)].sort((a, b) => b - a));
      const byDay = queries.usageSummary({ start: D0, end: D0 + 6 * DAY, groupBy: 'day' }).groups.map((g) => g.group);
      expect(byDay).toEqual(['2026-03-01', '2026-03-02', '2026-03-03', '2026-03-04', '2026-03-05', '2026-03-06']);
    });

    it('labels key groups with the key alias, and a deleted key with none', () => {
      const opened = usageDatabases.open();
      const repo = createKeyRepository(opened.db, opened.clock);
      const keyId = repo.create({ key_alias: 'my-app' }).record.id;
      const plain = repo.create({}).record.id;
      const ledger = createUsageLedger(opened.db, { clock: opened.clock, log: opened.log });
      ledger.record(usageRecord({ ts: D0, keyId }));
      ledger.record(usageRecord({ ts: D0, keyId: null }));
      ledger.record(usageRecord({ ts: D0, keyId: 'key-deleted-since' }));
      ledger.record(usageRecord({ ts: D0, keyId: plain }));
      ledger.close();
      // The aliases are read in one statement for all keys (three here: a chunk of 2 and one of 1).
      const groups = createUsageQueries(opened.db).usageSummary({ start: D0, end: D0 + DAY, groupBy: 'key' }).groups;
      expect(groups.map((g) => [g.group, g.label]).sort()).toEqual([['', null], [keyId, 'my-app'], ['key-deleted-since', null], [plain, null]].sort());
    });

    it('answers from the rollups for days whose raw rows were pruned', () => {
      const db = withRows(records);
      const queries = createUsageQueries(db.db);
      const before = queries.usageSummary({ start: D0, end: D0 + 2 * DAY, groupBy: 'app' });
      db.clock.set(D0 + 4 * DAY + HOUR);
      expect(pruneRawUsage(db.db, { clock: db.clock, retentionDays: 2 }).deleted).toBeGreaterThan(0);
      expect(db.db.prepare('SELECT count(*) AS n FROM usage_log WHERE ts < ?').get(D0 + 2 * DAY)).toEqual({ n: 0 });
      expect(queries.usageSummary({ start: D0, end: D0 + 2 * DAY, groupBy: 'app' })).toEqual(before);
    });

    it('returns no groups for an empty range', () => {
      const db = withRows(records);
      const summary = createUsageQueries(db.db).usageSummary({ start: D0 + 100 * DAY, end: D0 + 101 * DAY, groupBy: 'app' });
      expect(summary.groups).toEqual([]);
      expect(summary.totals).toMatchObject({ requests: 0, spend_micros: 0, p50_latency_ms: null });
      expect(createUsageQueries(db.db).usageSummary({ start: D0, end: D0, groupBy: 'app' }).groups).toEqual([]);
    });

    it.each([
      [{ start: Number.NaN, end: 1, groupBy: 'app' }],
      [{ start: 0, end: 9e15, groupBy: 'app' }],
      [{ start: 0, end: 1, groupBy: 'organization' }],
    ])('rejects a bad query %j', (query) => {
      const db = withRows([]);
      expect(() => createUsageQueries(db.db).usageSummary(query as never)).toThrow(RangeError);
    });
  });

  describe('at 1,000,000 usage rows', () => {
    const big = useSeededUsageDatabase(1_000_000, 600_000);

    it.each<[UsageGroupBy, number, number]>([
      ['app', D0 + 3 * DAY + 5 * HOUR, D0 + 27 * DAY + 11 * HOUR],
      ['model', D0, D0 + 30 * DAY],
      ['provider', D0 + 10 * DAY, D0 + 17 * DAY + 1],
      ['day', D0 + 12 * HOUR, D0 + 9 * DAY],
      ['key', D0 + 29 * DAY + 1, D0 + 30 * DAY],
    ])('summarises by %s exactly as a brute-force query over the raw rows', (groupBy, start, end) => {
      const summary = createUsageQueries(big().db).usageSummary({ start, end, groupBy });
      expect(summary.totals.requests).toBeGreaterThan(1_000);
      // Latency is checked on the smaller data sets above; sorting millions of values here adds nothing.
      expectMatchesBruteForce(big().db, summary.groups, start, end, groupBy, false);
    }, 120_000);
  });
});
