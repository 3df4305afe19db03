// S31: a process killed (SIGKILL) in the middle of a write leaves a database that passes
// integrity_check, in which a request's spend and its usage row are both there or both absent.
// The child runs our real modules (transpiled), not a copy of their SQL.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeyRepository } from '../../../main/keys/key-repository.js';
import { createBudgetLedger } from '../../../main/metering/budget-ledger.js';
import { openDatabase } from '../../../main/storage/open-database.js';
import { captureLog, fakeClock, tempDir, type TempDir } from './storage-test-kit.js';
import { transpileForChild } from './transpile-for-child.js';

const CHILD = `
import { openDatabase } from './main/storage/open-database.js';
import { createBudgetLedger } from './main/metering/budget-ledger.js';
import { createUsageLedger } from './main/metering/usage-ledger.js';

const [file, keyId, mode] = process.argv.slice(2);
const log = { debug() {}, info() {}, warn() {}, error() {} };
const clock = { now: () => Date.UTC(2026, 2, 15, 12) };
const { db } = openDatabase({ file, log, clock });
const budget = createBudgetLedger(db, { clock });
const usage = createUsageLedger(db, { clock, log, maxBatch: 10 });
const row = (requestId, costMicros) => ({
  requestId, ts: clock.now(), keyId, keyAlias: 'app', app: 'app', userAgent: 'child', requestedModel: 'gpt-4o', modelGroup: 'gpt-4o',
  deploymentId: 'd', provider: 'openai', promptTokens: 10, completionTokens: 5, cachedTokens: 0, cacheCreationTokens: 0, reasoningTokens: 0,
  costMicros, latencyMs: 100, ttftMs: 10, status: 'success', httpStatus: 200, errorCode: null, usageEstimated: false,
  endpoint: '/v1/chat/completions', retries: 0, fallbacks: 0,
});
const die = () => process.kill(process.pid, 'SIGKILL');

if (mode === 'ledger-updated-then-killed') {
  // The ledger UPDATE has run inside the transaction; the usage INSERT never comes.
  db.transaction(() => {
    budget.settle('req-crash', 250000);
    die();
  }).immediate();
} else if (mode === 'both-written-then-killed') {
  // Usage row inserted and reservation settled by the ledger's flush, then killed before COMMIT.
  db.transaction(() => {
    usage.record(row('req-crash', 250000));
    usage.flush();
    die();
  }).immediate();
} else if (mode === 'committed-then-killed') {
  usage.record(row('req-crash', 250000));
  usage.flush();
  die();
} else if (mode === 'loop') {
  // Reserve, record, flush, forever; the parent kills us at an arbitrary moment.
  for (let i = 0; ; i++) {
    budget.reserve(keyId, 'loop-' + i, 1000);
    usage.record(row('loop-' + i, 1 + (i % 7)));
    if (i % 3 === 0) usage.flush();
    if (i === 200) process.stdout.write('running\\n');
  }
}
process.stdout.write('survived\\n');
`;

let dir: TempDir;
let childScript: string;
beforeAll(() => {
  dir = tempDir('switchboard-crash-');
  transpileForChild(['main/storage/open-database.ts', 'main/metering/budget-ledger.ts', 'main/metering/usage-ledger.ts'], dir.file('code'));
  childScript = dir.file('code/child.mjs');
  writeFileSync(childScript, CHILD);
}, 60_000);
afterAll(() => dir.remove());

function prepareDatabase(name: string): { file: string; keyId: string } {
  const file = dir.file(`${name}.db`);
  const clock = fakeClock();
  const { db } = openDatabase({ file, log: captureLog(), clock });
  const keyId = createKeyRepository(db, clock).create({ key_alias: 'app', max_budget: 1000 }).record.id;
  createBudgetLedger(db, { clock }).reserve(keyId, 'req-crash', 300_000);
  db.close();
  return { file, keyId };
}

function runChild(file: string, keyId: string, mode: string, killWhen?: string): Promise<{ signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [childScript, file, keyId, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (killWhen !== undefined && stdout.includes(killWhen)) child.kill('SIGKILL');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('exit', (_code, signal) => resolve({ signal, stdout, stderr }));
  });
}

function inspect(file: string, keyId: string) {
  const log = captureLog();
  const opened = openDatabase({ file, log });
  try {
    const db = opened.db;
    return {
      movedAside: opened.movedAsideTo,
      integrity: db.pragma('integrity_check', { simple: true }),
      key: db.prepare('SELECT spend_micros AS spend, reserved_micros AS reserved FROM virtual_keys WHERE id = ?').get(keyId) as { spend: number; reserved: number },
      usageCost: (db.prepare('SELECT coalesce(sum(cost_micros), 0) AS n FROM usage_log WHERE key_id = ?').get(keyId) as { n: number }).n,
      usageRows: (db.prepare('SELECT count(*) AS n FROM usage_log').get() as { n: number }).n,
      rollupRequests: (db.prepare('SELECT coalesce(sum(requests), 0) AS n FROM usage_daily').get() as { n: number }).n,
      held: (db.prepare('SELECT coalesce(sum(amount_micros), 0) AS n FROM budget_reservations WHERE key_id = ?').get(keyId) as { n: number }).n,
    };
  } finally {
    opened.db.close();
  }
}

describe('a process killed during a write (S31)', () => {
  it.each([
    ['ledger-updated-then-killed', { spend: 0, reserved: 300_000, usageRows: 0 }],
    ['both-written-then-killed', { spend: 0, reserved: 300_000, usageRows: 0 }],
    ['committed-then-killed', { spend: 250_000, reserved: 0, usageRows: 1 }],
  ])('%s: leaves an intact file where spend and usage agree', async (mode, expected) => {
    const { file, keyId } = prepareDatabase(mode);
    const result = await runChild(file, keyId, mode);
    expect(result.stderr).toBe('');
    expect(result.signal).toBe('SIGKILL');
    expect(result.stdout).not.toContain('survived');

    const after = inspect(file, keyId);
    expect(after.movedAside).toBeNull();
    expect(after.integrity).toBe('ok');
    expect({ spend: after.key.spend, reserved: after.key.reserved, usageRows: after.usageRows }).toEqual(expected);
    expect(after.key.spend).toBe(after.usageCost);
    expect(after.rollupRequests).toBe(after.usageRows);
  });

  it('killed at an arbitrary moment of a reserve/record/flush loop: spend equals the recorded usage', async () => {
    const { file, keyId } = prepareDatabase('loop');
    const result = await runChild(file, keyId, 'loop', 'running');
    expect(result.stderr).toBe('');
    expect(result.signal).toBe('SIGKILL');

    const after = inspect(file, keyId);
    expect(after.integrity).toBe('ok');
    expect(after.usageRows).toBeGreaterThan(100);
    expect(after.key.spend).toBe(after.usageCost);
    expect(after.rollupRequests).toBe(after.usageRows);
    expect(after.key.reserved).toBe(after.held);
  });
});
