// Admission cost of app rules (issue 19) for a request without a key, on the desktop engine:
// createLedgerMeter's admit() + finish() for the master key, with no app rules wired (as before),
// with rules wired and the app known without a rule (the common case: one Set hit, one Map miss),
// and with a rule that has an rpm limit (the in-process limiter counts it). Interleaved rounds,
// medians. Run: npx jiti bench/app-admission-cost.ts [rounds]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../main/storage/open-database.js';
import { createBudgetLedger } from '../main/metering/budget-ledger.js';
import { createAppBudgetLedger } from '../main/metering/app-budget-ledger.js';
import { createRateLimiter } from '../main/metering/rate-limiter.js';
import { createPriceTable } from '../main/metering/price-table.js';
import { createLedgerMeter } from '../main/metering/create-ledger-meter.js';
import { createAppRepository } from '../main/apps/app-repository.js';
import { createAppRules } from '../main/apps/app-rules.js';
import type { Deployment } from '../main/core/deployment.js';
import type { Admission, AdmissionInput, RequestMeter } from '../main/metering/request-meter.js';

const rounds = Number(process.argv[2] ?? 7);
const PER_ROUND = 50_000;
const dir = mkdtempSync(join(tmpdir(), 'app-bench-'));
const log = { debug() {}, info() {}, warn() {}, error() {} } as never;
const clock = { now: () => Date.now() };
const db = openDatabase({ file: join(dir, 'db.sqlite'), log, clock }).db;
const usage = { record() {} };
const prices = createPriceTable(undefined, { now: () => Date.now() });
const budget = createBudgetLedger(db, { clock });
const apps = createAppRepository(db, clock);
apps.markSeen('sync_notes');
apps.markSeen('limited');
apps.update('limited', { rpm_limit: 1_000_000_000 });
const rules = createAppRules({ store: apps, log });
rules.load();
const appBudget = createAppBudgetLedger(db, { clock });
const deployment: Deployment = {
  id: 'local#0', modelName: 'local', provider: 'ollama', protocol: 'openai', upstreamModel: 'llama', apiBase: 'http://127.0.0.1:11434/v1',
  origin: 'http://127.0.0.1:11434', credential: { kind: 'none' }, timeouts: { connectMs: 1, firstByteMs: 1, idleMs: 1 }, pricing: { inputCostPerToken: 0, outputCostPerToken: 0 }, source: { kind: 'default' }, modelInfo: {},
};
const meterWith = (withApps: boolean): RequestMeter => createLedgerMeter({
  prices, budget, limiter: createRateLimiter({ clock }), usage, clock, log,
  ...(withApps ? { apps: { rules, budget: appBudget, activeAlias: 'switchboard/active' } } : {}),
});
const variants: [string, RequestMeter, string][] = [
  ['no app rules wired (before)', meterWith(false), 'sync_notes/1.0'],
  ['known app, no rule', meterWith(true), 'sync_notes/1.0'],
  ['known app with an rpm rule', meterWith(true), 'limited/1.0'],
];
const body = { model: 'local', messages: [{ role: 'user', content: 'hi' }] };
let n = 0;
function run(meter: RequestMeter, agent: string): number {
  const started = process.hrtime.bigint();
  for (let i = 0; i < PER_ROUND; i++) {
    const input: AdmissionInput = {
      requestId: `r${n++}`, principal: { kind: 'master' }, endpoint: 'chat', requestedModel: 'local', deployment, body,
      userAgent: agent, headers: { 'user-agent': agent }, route: '/v1/chat/completions',
    };
    const admission = meter.admit(input) as Admission;
    admission.finish({ requestId: input.requestId, startedAt: 0, latencyMs: 1, ttftMs: null, status: 'success', httpStatus: 200, errorCode: null, usage: undefined, outputChars: 0, retries: 0, fallbacks: 0, deployment });
  }
  return Number(process.hrtime.bigint() - started) / PER_ROUND;
}
const results = new Map<string, number[]>(variants.map(([name]) => [name, []]));
for (const [, meter, agent] of variants) run(meter, agent);
for (let r = 0; r < rounds; r++) for (const [name, meter, agent] of variants) results.get(name)!.push(run(meter, agent));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
for (const [name, xs] of results) console.log(`${name.padEnd(30)} median ${(median(xs) / 1000).toFixed(3)} µs per admit+finish (rounds: ${xs.map((x) => (x / 1000).toFixed(2)).join(', ')})`);
db.close();
rmSync(dir, { recursive: true, force: true });
