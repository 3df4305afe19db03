// The crash phase: traffic through a budgeted key, the gateway SIGKILLed after a random number
// of answers, started again on the same database, and the ledger audited after each restart:
// intact, every answer the client fully received billed, rollups equal to the raw log, spend
// never above the budget. Sends to the gateway on 127.0.0.1 only.
import type { ChildProcess } from 'node:child_process';
import { Pool } from 'undici';
import type { ChildServer } from '../child-registry.js';
import { auditLedger, type LedgerAudit } from './audit-ledger.js';
import { soakBody, type SoakGateway } from './soak-gateway.js';

const REFUSALS_BEFORE_KILL = 200;

export interface CrashCycleOptions {
  gateway: SoakGateway;
  /** The running gateway the first cycle starts with. */
  first: ChildServer;
  key: string;
  kills: number;
  concurrency: number;
  /** Kill after a random number of full answers in [min, max]. */
  answersBeforeKill: [number, number];
  random: () => number;
}

export interface CrashCycle {
  /** Answers the client received in full before the kill. */
  answered: number;
  /** Budget refusals (429/400 budget_exceeded) before the kill. */
  refused: number;
  audit: LedgerAudit;
  /** Rows marked interrupted after the restart (charged at their reservation). */
  interrupted: number;
}

export interface CrashCyclesResult {
  cycles: CrashCycle[];
  /** The gateway running after the last restart. */
  running: ChildServer;
}

export async function runCrashCycles(options: CrashCycleOptions): Promise<CrashCyclesResult> {
  const cycles: CrashCycle[] = [];
  const answeredIds = new Set<string>();
  let running = options.first;
  for (let cycle = 0; cycle < options.kills; cycle++) {
    const [min, max] = options.answersBeforeKill;
    const killAfter = min + Math.floor(options.random() * (max - min + 1));
    const traffic = await trafficUntilKill(running, options.key, options.concurrency, killAfter, options.random);
    for (const id of traffic.answeredIds) answeredIds.add(id);
    running = await options.gateway.start();
    const audit = auditLedger(options.gateway.databaseFile, { expected: answeredIds });
    cycles.push({ answered: traffic.answeredIds.length, refused: traffic.refused, audit, interrupted: audit.statuses.interrupted ?? 0 });
  }
  return { cycles, running };
}

async function trafficUntilKill(server: ChildServer, key: string, concurrency: number, killAfter: number, random: () => number) {
  const pool = new Pool(server.origin, { connections: concurrency, pipelining: 1 });
  const answeredIds: string[] = [];
  let refused = 0;
  let killed = false;
  const exited = waitForExit(server.process);
  const worker = async () => {
    while (!killed) {
      try {
        const response = await pool.request({
          method: 'POST', path: '/v1/chat/completions', body: soakBody(random() < 0.5),
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        });
        const text = await response.body.text();
        const id = response.headers['x-request-id'];
        if (response.statusCode === 200 && typeof id === 'string' && isWholeAnswer(text)) answeredIds.push(id);
        else if (response.statusCode !== 200) refused++;
        // A spent budget refuses everything: kill then too, or the cycle would never end.
        if ((answeredIds.length >= killAfter || refused >= REFUSALS_BEFORE_KILL) && !killed) {
          killed = true;
          server.process.kill('SIGKILL');
        }
      } catch {
        // Connections die with the process: expected once it is killed.
        if (!killed) throw new Error('a request failed before the kill');
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
    await exited;
  } finally {
    await pool.destroy();
  }
  return { answeredIds, refused };
}

/** A non-stream JSON answer, or a stream that reached [DONE]. */
function isWholeAnswer(text: string): boolean {
  return text.endsWith('data: [DONE]\n\n') || (text.startsWith('{') && text.includes('"choices"'));
}

function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}
