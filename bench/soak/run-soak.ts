// `npm run soak`: the reliability run behind the README's figures. Starts the slow upstream and
// the real CLI, churns thousands of slow streams with random client disconnects through one
// virtual key, audits the ledger, then SIGKILLs the gateway mid-traffic several times and audits
// after every restart. Prints the report (also .bench/soak.md) and exits 1 when a check fails.
// Never leaves a child running, even when interrupted.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ChildProcess } from 'node:child_process';
import { createChildRegistry, type ChildRegistry } from '../child-registry.js';
import { machineInfo } from '../machine-info.js';
import { readProcessMemory } from '../read-process-memory.js';
import { sourceRevision } from '../source-revision.js';
import { auditLedger, type LedgerAudit } from './audit-ledger.js';
import { runCrashCycles } from './crash-cycles.js';
import { renderSoakReport } from './render-soak-report.js';
import { createSoakGateway, createSoakKey } from './soak-gateway.js';
import { seededRandom } from '../seeded-random.js';
import { parseSoakOptions, SOAK_USAGE, type SoakOptions } from './soak-options.js';
import { countSockets, runParallelCheck, runStreamChurn } from './stream-churn.js';

const soakDir = dirname(fileURLToPath(import.meta.url));
const benchDir = dirname(soakDir);
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const READY = /listening on (http:\/\/127\.0\.0\.1:\d+)/;
/** Frames x delay: each stream lasts about half a second, so `concurrency` of them overlap. */
const FRAMES = 20;
const FRAME_DELAY_MS = 25;
/** Keep-alive sockets to the upstream and the management client may linger a little. */
const SOCKET_ALLOWANCE = 8;
const SETTLE_MS = 15_000;
const WHOLE_RUN_DEADLINE_MS = 20 * 60_000;

const progress = (text: string) => process.stderr.write(`soak: ${text}\n`);

async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseSoakOptions(argv);
  if ('error' in parsed) {
    process.stderr.write(`soak: ${parsed.error}\n\n${SOAK_USAGE}`);
    return 2;
  }
  if (parsed.help) {
    process.stdout.write(SOAK_USAGE);
    return 0;
  }
  const registry = createChildRegistry();
  const workDir = mkdtempSync(join(tmpdir(), 'switchboard-soak-'));
  process.once('exit', () => {
    registry.killAllNow();
    rmSync(workDir, { recursive: true, force: true });
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
  const watchdog = setTimeout(() => {
    progress(`gave up after ${WHOLE_RUN_DEADLINE_MS / 60_000} minutes`);
    process.exit(1);
  }, WHOLE_RUN_DEADLINE_MS);
  try {
    return await soak(parsed, registry, workDir);
  } finally {
    clearTimeout(watchdog);
    await registry.stopAll();
  }
}

async function soak(options: SoakOptions, registry: ChildRegistry, workDir: string): Promise<number> {
  const machine = await machineInfo();
  const random = seededRandom(options.seed);
  const mock = await registry.spawnServer('slow upstream', {
    args: [join(soakDir, 'slow-stream-upstream.js')], cwd: repoRoot, ipc: true, readyPattern: READY, timeoutMs: 10_000,
    env: { ...process.env, SOAK_FRAMES: String(FRAMES), SOAK_FRAME_DELAY_MS: String(FRAME_DELAY_MS) },
  });
  const gateway = createSoakGateway({ registry, repoRoot, benchDir, workDir, mockOrigin: mock.origin });
  let running = await gateway.start();
  progress(`gateway at ${running.origin} (pid ${running.pid})`);

  const churnKey = await createSoakKey(running.origin, { key_alias: 'soak-churn', max_budget: 1_000, max_parallel_requests: options.concurrency });
  const idleRssBytes = readProcessMemory(running.pid)?.rssBytes;
  const socketsBefore = countSockets(running.pid);
  progress(`churn: ${options.streams} streams, ${options.concurrency} at once, ${Math.round(options.disconnect * 100)} % hang up`);
  const churn = await runStreamChurn({
    origin: running.origin, key: churnKey.key, streams: options.streams, concurrency: options.concurrency, disconnectShare: options.disconnect,
    disconnectWithinMs: FRAMES * FRAME_DELAY_MS, pid: running.pid, random,
  });
  progress(`churn done in ${(churn.elapsedMs / 1000).toFixed(1)} s: ${churn.completed} completed, ${churn.disconnected} disconnected`);
  const churnAudit = await settledAudit(gateway.databaseFile, churn.requestIds);
  const socketsAfter = await socketsSettled(running.pid, socketsBefore);
  const settledRssBytes = readProcessMemory(running.pid)?.rssBytes;
  const parallelCheck = await runParallelCheck(running.origin, churnKey.key, options.concurrency);

  const crashKey = await createSoakKey(running.origin, { key_alias: 'soak-crash', max_budget: 0.05 });
  progress(`crash: ${options.kills} SIGKILLs mid-traffic`);
  const crashes = await runCrashCycles({
    gateway, first: running, key: crashKey.key, kills: options.kills, concurrency: 16, answersBeforeKill: [150, 350], random,
  });
  running = crashes.running;
  const exit = await stopGracefully(running.process);

  const report = renderSoakReport({
    header: `${machine.date} · Node ${machine.node} · ${machine.cpuModel} · ${machine.cores} cores · revision ${sourceRevision(repoRoot)}. `
      + `The real CLI on 127.0.0.1 against a loopback upstream that streams ${FRAMES} tokens ${FRAME_DELAY_MS} ms apart; seed ${options.seed}.`,
    churn, churnAudit, idleRssBytes, settledRssBytes, parallelCheck, concurrency: options.concurrency, socketsBefore, socketsAfter,
    socketAllowance: SOCKET_ALLOWANCE, crashes: crashes.cycles, exit,
  });
  const outDir = join(repoRoot, '.bench');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'soak.md'), report.text);
  process.stdout.write(`\n${report.text}\nWritten to .bench/soak.md\n`);
  return report.passed ? 0 : 1;
}

/** Usage rows are written in batches: audit until every answered request has its row, or the wait ends. */
async function settledAudit(databaseFile: string, requestIds: Set<string>): Promise<LedgerAudit> {
  const until = Date.now() + SETTLE_MS;
  for (;;) {
    const audit = auditLedger(databaseFile, { expected: requestIds, exclusive: true });
    if ((audit.missing.length === 0 && audit.unexpected === 0) || Date.now() > until) return audit;
    await sleep(250);
  }
}

/** Upstream keep-alive sockets close on their own timeout: wait for the count to come back. */
async function socketsSettled(pid: number, before: number | undefined): Promise<number | undefined> {
  const until = Date.now() + SETTLE_MS;
  for (;;) {
    const now = countSockets(pid);
    if (now === undefined || before === undefined || now <= before + SOCKET_ALLOWANCE || Date.now() > until) return now;
    await sleep(250);
  }
}

function stopGracefully(child: ChildProcess): Promise<string> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(`already gone (code ${child.exitCode}, signal ${child.signalCode})`);
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(signal ? `killed by ${signal}` : `exit code ${code}`);
    });
    child.kill('SIGTERM');
  });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`soak: failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
    process.exit(1);
  },
);
