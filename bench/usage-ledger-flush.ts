// Micro-benchmark of the usage ledger's write path on SQLite: record 10,000 rows (20 keys, half
// of them holding a budget reservation, 5 apps, 2 models, spread over 2 days) and time flush().
// Run: npx jiti bench/usage-ledger-flush.ts [rounds] [maxBatch]. Prints the median and each round.
// Never asserts a time: it measures, a person compares.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createKeyRepository } from '../main/keys/key-repository.js';
import { createBudgetLedger } from '../main/metering/budget-ledger.js';
import { createUsageLedger } from '../main/metering/usage-ledger.js';
import type { UsageRecord } from '../main/metering/usage-record.js';
import { openDatabase } from '../main/storage/open-database.js';
import type { Log } from '../main/storage/log.js';

const ROWS = 10_000;
const rounds = Number(process.argv[2] ?? 7);
const maxBatch = Number(process.argv[3] ?? 500);
const log: Log = { debug() {}, info() {}, warn() {}, error() {} };
const start = Date.UTC(2026, 2, 15);

function record(i: number, keyId: string): UsageRecord {
  return {
    requestId: `req-${i}`, ts: start + i * 17_000, keyId, keyAlias: null, app: `app-${i % 5}`, userAgent: 'curl/8.5.0',
    requestedModel: i % 2 === 0 ? 'gpt-4o' : 'claude', modelGroup: i % 2 === 0 ? 'gpt-4o' : 'claude', deploymentId: 'd', provider: 'openai',
    promptTokens: 100 + (i % 900), completionTokens: 50, cachedTokens: 0, cacheCreationTokens: 0, reasoningTokens: 0, costMicros: 1_000 + (i % 97),
    latencyMs: 200 + (i % 3_000), ttftMs: 100, status: i % 23 === 0 ? 'upstream_error' : 'success', httpStatus: 200, errorCode: null,
    usageEstimated: false, endpoint: '/v1/chat/completions', retries: 0, fallbacks: 0,
  };
}

const times: number[] = [];
for (let round = 0; round < rounds; round++) {
  const dir = mkdtempSync(join(tmpdir(), 'sb-ledger-bench-'));
  const clock = { now: () => start };
  const { db } = openDatabase({ file: join(dir, 'switchboard.db'), log, clock });
  const keys = createKeyRepository(db, clock);
  const budget = createBudgetLedger(db, { clock });
  const keyIds = Array.from({ length: 20 }, (_, k) => keys.create({ key_alias: `k${k}`, max_budget: k % 2 === 0 ? 1_000_000 : undefined }).record.id);
  const ledger = createUsageLedger(db, { clock, log, maxBatch, flushIntervalMs: 3_600_000 });
  for (let i = 0; i < ROWS; i++) {
    const keyId = keyIds[i % keyIds.length]!;
    if (i % 2 === 0) budget.reserve(keyId, `req-${i}`, 5_000);
    ledger.record(record(i, keyId));
  }
  const t0 = performance.now();
  const written = ledger.flush();
  times.push(performance.now() - t0);
  if (written !== ROWS) throw new Error(`wrote ${written} rows, expected ${ROWS}`);
  ledger.close();
  db.close();
  rmSync(dir, { recursive: true, force: true });
}
const sorted = [...times].sort((a, b) => a - b);
console.log(`flush of ${ROWS} rows (maxBatch ${maxBatch}) on SQLite: median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(1)} ms; rounds ${times.map((t) => t.toFixed(1)).join(', ')}`);
