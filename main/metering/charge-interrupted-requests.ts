// Crash billing at start (S39): a budget reservation is a durable row written in the admission
// transaction, so one still held when the gateway starts belongs to a request of a process that
// died (kill -9, crash) before writing its usage row, answered or not. Each is charged at its
// reserved worst case with one usage row of status 'interrupted'. Never releases a reservation
// uncharged: the real cost is unknown and at most the hold, and the hold already fitted the budget.
import type Database from 'better-sqlite3';
import type { BudgetLedger } from './budget-ledger.js';
import type { UsageLedger } from './usage-ledger.js';
import type { UsageRecord } from './usage-record.js';
import { heldAppReservations, type AppBudgetLedger, type HeldAppReservation } from './app-budget-ledger.js';

export interface InterruptedRequestsDeps {
  db: Database.Database;
  /** Writes the rows; its flush settles each reservation in the same transaction as its row. */
  usage: UsageLedger;
  budget: BudgetLedger;
  /** Apps' holds of requests without a key (issue 19): billed the same way when given. */
  appBudget?: AppBudgetLedger;
}

export interface ChargedInterruptions {
  requests: number;
  chargedMicros: number;
}

export interface HeldReservation {
  request_id: string;
  key_id: string;
  key_alias: string | null;
  amount_micros: number;
  created_at: number;
}

/** Call once at start, before serving: nothing else may reserve or settle meanwhile. */
export function chargeInterruptedRequests(deps: InterruptedRequestsDeps): ChargedInterruptions {
  const held = deps.db.prepare<[], HeldReservation>(
    `SELECT r.request_id, r.key_id, k.key_alias, r.amount_micros, r.created_at
     FROM budget_reservations r JOIN virtual_keys k ON k.id = r.key_id
     WHERE r.settled = 0 ORDER BY r.created_at, r.request_id`,
  ).all();
  let chargedMicros = 0;
  for (const reservation of held) {
    chargedMicros += reservation.amount_micros;
    deps.usage.record(interruptedUsageRecord(reservation));
  }
  const appHeld = deps.appBudget === undefined ? [] : heldAppReservations(deps.db);
  for (const reservation of appHeld) {
    chargedMicros += reservation.amount_micros;
    deps.usage.record(interruptedAppUsageRecord(reservation));
  }
  // Each batch inserts its rows, adds them to the rollups and moves each hold to spend in one
  // transaction: a crash during recovery leaves the rest held for the next start.
  deps.usage.flush();
  deps.budget.recountAfterRestart();
  deps.appBudget?.recountAfterRestart();
  return { requests: held.length + appHeld.length, chargedMicros };
}

/** The same row for an app's hold (a request with no key): attributed to its app, like the meter does. */
export function interruptedAppUsageRecord(reservation: HeldAppReservation): UsageRecord {
  return { ...interruptedUsageRecord({ ...reservation, key_id: '', key_alias: null }), keyId: null, keyAlias: null, app: reservation.app };
}

/**
 * The usage row that bills a reservation whose request died with its process: the reserved worst
 * case, status 'interrupted'. Shared with team mode's sweep of expired leases (chargeExpiredReservations).
 */
export function interruptedUsageRecord(reservation: HeldReservation): UsageRecord {
  return {
    requestId: reservation.request_id,
    ts: reservation.created_at,
    keyId: reservation.key_id,
    keyAlias: reservation.key_alias,
    // Attributed like the meter attributes a virtual key's requests.
    app: reservation.key_alias ?? reservation.key_id,
    userAgent: null,
    // The reservation records the money only; which model was asked died with the process.
    requestedModel: '',
    modelGroup: '',
    deploymentId: null,
    provider: null,
    promptTokens: 0, completionTokens: 0, cachedTokens: 0, cacheCreationTokens: 0, reasoningTokens: 0,
    costMicros: reservation.amount_micros,
    latencyMs: 0,
    ttftMs: null,
    status: 'interrupted',
    // Unknown: the client may have had a complete 200 or nothing at all.
    httpStatus: 0,
    errorCode: null,
    usageEstimated: false,
    endpoint: '',
    retries: 0,
    fallbacks: 0,
  };
}
