// Summary benchmark: seeds a temp database with 1,000,000 usage rows over 30 days, builds the
// daily rollups, and times the dashboard's usage summary (target: under 50 ms). Reports the
// slowest median over several ranges and groupings. Deletes its temp files; needs no network.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type Database from 'better-sqlite3';
import { rebuildUsageRollups } from '../main/metering/usage-rollups.js';
import { prepareUsageInsert, type UsageRow } from '../main/metering/usage-ledger.js';
import { createUsageQueries, type UsageGroupBy } from '../main/metering/usage-queries.js';
import type { UsageStatus } from '../main/metering/usage-record.js';
import { openDatabase } from '../main/storage/open-database.js';
import { seededRandom } from './seeded-random.js';

const DAY = 86_400_000;
const GROUPINGS: readonly UsageGroupBy[] = ['app', 'model', 'provider', 'day', 'key'];

export interface SummaryBenchResult {
  rows: number;
  /** The slowest median (ms) over every range and grouping below. */
  ms: number;
  /** Median ms per `<range>/<groupBy>`, e.g. `last 7 days/model`. */
  cases: Record<string, number>;
  /** Seconds spent seeding and rolling up (not part of the target). */
  seedSeconds: number;
}

/**
 * Inserts `rows` plausible usage rows with ts uniformly in [start, start + days·DAY), in one
 * transaction through the ledger's own INSERT. Rollups are not written: call
 * rebuildUsageRollups afterwards.
 */
export function seedUsageRows(db: Database.Database, rows: number, start: number, days: number, seed = 1): void {
  const random = seededRandom(seed);
  const insert = prepareUsageInsert(db);
  // As in real use: each app has its own key (one uses the master key), each model one provider.
  const apps: [string, string | null][] = [['cursor', 'key_cursor'], ['claude-cli', 'key_claude'], ['continue', 'key_continue'], ['zed', 'key_zed'], ['openai-python', 'key_scripts'], ['curl', null]];
  const models: [string, string][] = [['gpt-4o', 'openai'], ['gpt-4o-mini', 'openai'], ['claude-sonnet', 'anthropic'], ['qwen-max', 'dashscope'], ['llama3', 'ollama'], ['deepseek-chat', 'deepseek']];
  const statuses: UsageStatus[] = ['success', 'success', 'success', 'success', 'success', 'success', 'success', 'upstream_error', 'client_aborted', 'rejected'];
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  // Rows arrive in time order in real use, so raw rows of one day sit on neighbouring pages.
  const times = Float64Array.from({ length: rows }, () => start + Math.floor(random() * days * DAY)).sort();
  db.transaction(() => {
    for (let i = 0; i < rows; i++) {
      const status = pick(statuses);
      const [app, keyId] = pick(apps);
      const [model, provider] = pick(models);
      const row: UsageRow = {
        // Zero-padded so ids arrive in index order, as time-ordered ids would: seeding stays fast.
        request_id: `seed-${seed}-${String(i).padStart(9, '0')}`,
        ts: times[i] as number,
        key_id: keyId,
        key_alias: keyId === null ? null : app,
        app,
        user_agent: 'bench/1.0',
        requested_model: model,
        model_group: model,
        deployment_id: `${model}-0`,
        provider,
        prompt_tokens: Math.floor(random() * 4_000),
        completion_tokens: Math.floor(random() * 1_000),
        cached_tokens: Math.floor(random() * 200),
        cache_creation_tokens: 0,
        reasoning_tokens: Math.floor(random() * 100),
        cost_micros: Math.floor(random() * 30_000),
        latency_ms: Math.floor(random() * random() * 30_000),
        ttft_ms: 100,
        status,
        http_status: status === 'success' ? 200 : 502,
        error_code: status === 'success' ? null : 'upstream_error',
        usage_estimated: 0,
        endpoint: '/v1/chat/completions',
        retries: 0,
        fallbacks: 0,
      };
      insert.run(row);
    }
  })();
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

export async function benchSummary(options: { rows?: number; runs?: number } = {}): Promise<SummaryBenchResult> {
  const rows = options.rows ?? 1_000_000;
  const runs = options.runs ?? 7;
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-summary-bench-'));
  const silent = { debug() {}, info() {}, warn() {}, error() {} };
  const { db } = openDatabase({ file: join(dir, 'bench.db'), log: silent, quickCheck: false });
  try {
    // "Now" is mid-afternoon, so every range below starts and ends inside a day.
    const now = Date.UTC(2026, 5, 30, 15, 20);
    const seedStart = performance.now();
    seedUsageRows(db, rows, now - 30 * DAY, 30);
    rebuildUsageRollups(db);
    const seedSeconds = (performance.now() - seedStart) / 1000;

    const queries = createUsageQueries(db);
    const ranges: Record<string, [number, number]> = {
      'last 24 hours': [now - DAY, now],
      'last 7 days': [now - 7 * DAY, now],
      'last 30 days': [now - 30 * DAY, now],
      // Both edges inside days that have rows outside the range: the raw-row path at both ends.
      'two partial edges': [now - 20 * DAY - 7 * 3_600_000, now - 2 * DAY - 3 * 3_600_000],
    };
    const cases: Record<string, number> = {};
    for (const [name, [start, end]] of Object.entries(ranges)) {
      for (const groupBy of GROUPINGS) {
        queries.usageSummary({ start, end, groupBy }); // warm the statement cache and pages
        const times: number[] = [];
        for (let i = 0; i < runs; i++) {
          const t0 = performance.now();
          queries.usageSummary({ start, end, groupBy });
          times.push(performance.now() - t0);
        }
        cases[`${name}/${groupBy}`] = Number(median(times).toFixed(2));
      }
    }
    return { rows, ms: Math.max(...Object.values(cases)), cases, seedSeconds: Number(seedSeconds.toFixed(1)) };
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
