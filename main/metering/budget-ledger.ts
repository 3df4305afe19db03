// Budget ledger: holds each request's worst-case cost against its key's budget at admission
// (one conditional UPDATE, so concurrent requests can never all squeeze under the limit), then
// moves the real cost to spend exactly once per request id. Never checks-then-increments in two
// steps (LiteLLM #34732) and never charges a request twice.
import type Database from 'better-sqlite3';
import { createBudgetResetter } from '../keys/budget-reset.js';
import type { Clock } from '../storage/clock.js';
import { immediateTransaction } from '../storage/immediate-transaction.js';
import { formatUsd } from '../../shared/format-usd.js';

export type ReserveResult =
  /** Admitted. `skipped` when the model is priced at zero and the ledger was not touched. */
  | { ok: true; reservedMicros: number; skipped: boolean }
  | BudgetExceeded
  | { ok: false; reason: 'unknown_key'; keyId: string; message: string };

export interface BudgetExceeded {
  ok: false;
  reason: 'budget_exceeded';
  keyId: string;
  keyAlias: string | null;
  maxBudgetMicros: number;
  spendMicros: number;
  /** Held by other requests still in flight. */
  reservedMicros: number;
  /** This request's worst case. */
  requestedMicros: number;
  /** When spend next resets to 0 (epoch ms), or null if the budget never resets. */
  resetAt: number | null;
  /** Seconds until the reset, for Retry-After; null if it never resets. */
  retryAfterSeconds: number | null;
  /** "Budget exceeded for key 'app': budget $1.00, used $0.90 ... resets at <ISO>." */
  message: string;
}

export type SettleResult =
  | { settled: true; keyId: string; chargedMicros: number; releasedMicros: number }
  /** No reservation for this id: already settled or released, or never reserved (priced at zero). */
  | { settled: false };

export interface BudgetStatus {
  spendMicros: number;
  reservedMicros: number;
  maxBudgetMicros: number | null;
  resetAt: number | null;
}

export interface BudgetLedger {
  /**
   * Holds `worstCaseMicros` (input tokens + max_tokens at the model's prices) for this request,
   * or refuses. Pass `{ pricedAtZero: true }` for models priced at zero (local models): they
   * skip the budget entirely and are admitted even when the key's budget is spent, like LiteLLM.
   * Throws if the request id already holds a reservation.
   */
  reserve(keyId: string, requestId: string, worstCaseMicros: number, options?: { pricedAtZero?: boolean }): ReserveResult;
  /**
   * Raises this request's reservation to `worstCaseMicros` before an attempt on a pricier
   * deployment (a fallback): holds the difference with the same conditional update as reserve(),
   * or refuses, keeping what the request already holds. Creates the reservation when the request
   * has none (its first deployment was priced at zero). Never lowers a reservation: the
   * deployment that ends up serving is not known until the request finishes.
   */
  topUp(keyId: string, requestId: string, worstCaseMicros: number): ReserveResult;
  /**
   * Replaces the reservation by the real cost, exactly once; a second call is a no-op. Not
   * needed with the usage ledger, whose flush settles each request when it writes its row (and
   * knows not to charge again a request settled here).
   */
  settle(requestId: string, actualMicros: number): SettleResult;
  /** Drops the reservation without charging (the request never reached the upstream). */
  release(requestId: string): boolean;
  /**
   * Call once at start, before serving, after chargeInterruptedRequests charged what a previous
   * process left held: drops settled tombstones (their usage rows died with that process) and
   * sets each key's reserved_micros to what its reservations still hold. Never releases a held
   * reservation uncharged (S39). Returns how many are still held (0 once they were charged).
   */
  recountAfterRestart(): number;
  status(keyId: string): BudgetStatus | null;
}

export interface BudgetLedgerOptions {
  clock: Clock;
  /**
   * Called once before refusing a key that has money reserved, then the reservation is retried.
   * Wire it to the usage ledger's flush(): finished requests settle when their usage row is
   * written, so without it a request could be refused for money that is already free.
   */
  beforeRefusing?: () => void;
}

interface KeyBudgetRow {
  key_alias: string | null;
  max_budget_micros: number | null;
  spend_micros: number;
  reserved_micros: number;
  budget_reset_at: number | null;
}

/** Settlement steps without their own transaction, for callers that already hold one. */
export interface ReservationSettler {
  /** Charges `actualMicros` and frees the reservation, once; leaves a tombstone (see recorded). */
  settle(requestId: string, actualMicros: number): SettleResult;
  /**
   * The request's usage row was just inserted (exactly once per request id): frees its
   * reservation and charges its cost to the key, unless settle() already did. Requests that
   * never reserved (keys without a budget, models priced at zero) are charged here, so every
   * key's spend equals the cost of its usage rows.
   */
  recorded(requestId: string, keyId: string, costMicros: number): void;
}

export function createReservationSettler(db: Database.Database): ReservationSettler {
  const selectHeld = db.prepare<[string], { key_id: string; amount_micros: number }>(
    'SELECT key_id, amount_micros FROM budget_reservations WHERE request_id = ? AND settled = 0',
  );
  // The tombstone makes a second settle a no-op and tells recorded() not to charge again.
  const markSettled = db.prepare<[string]>('UPDATE budget_reservations SET settled = 1, amount_micros = 0 WHERE request_id = ?');
  const claim = db.prepare<[string], { key_id: string; amount_micros: number; settled: number }>(
    'DELETE FROM budget_reservations WHERE request_id = ? RETURNING key_id, amount_micros, settled',
  );
  const charge = db.prepare<{ id: string; held: number; actual: number }>(
    'UPDATE virtual_keys SET reserved_micros = max(0, reserved_micros - :held), spend_micros = spend_micros + :actual WHERE id = :id',
  );
  return {
    settle(requestId, actualMicros) {
      const actual = toMicros(actualMicros, 'actualMicros');
      const reservation = selectHeld.get(requestId);
      if (reservation === undefined) return { settled: false };
      markSettled.run(requestId);
      charge.run({ id: reservation.key_id, held: reservation.amount_micros, actual });
      return { settled: true, keyId: reservation.key_id, chargedMicros: actual, releasedMicros: reservation.amount_micros };
    },
    recorded(requestId, keyId, costMicros) {
      const actual = toMicros(costMicros, 'costMicros');
      const reservation = claim.get(requestId);
      if (reservation === undefined) charge.run({ id: keyId, held: 0, actual });
      else if (reservation.settled === 0) charge.run({ id: reservation.key_id, held: reservation.amount_micros, actual });
    },
  };
}

export function createBudgetLedger(db: Database.Database, options: BudgetLedgerOptions): BudgetLedger {
  const { clock } = options;
  const resetter = createBudgetResetter(db);
  const settler = createReservationSettler(db);

  // THE admission check: one statement, so SQLite serialises it against every other reservation.
  const hold = db.prepare<{ id: string; est: number; now: number }>(
    `UPDATE virtual_keys SET reserved_micros = reserved_micros + :est
     WHERE id = :id
       AND (budget_reset_at IS NULL OR budget_reset_at > :now)
       AND (max_budget_micros IS NULL OR spend_micros + reserved_micros + :est <= max_budget_micros)`,
  );
  const recordReservation = db.prepare<{ requestId: string; keyId: string; est: number; now: number }>(
    'INSERT INTO budget_reservations (request_id, key_id, amount_micros, created_at) VALUES (:requestId, :keyId, :est, :now) ON CONFLICT (request_id) DO NOTHING',
  );
  const selectHeld = db.prepare<[string], { amount_micros: number }>(
    'SELECT amount_micros FROM budget_reservations WHERE request_id = ? AND settled = 0',
  );
  // A settled request (its tombstone) is never raised again: the WHERE leaves it untouched.
  const raiseReservation = db.prepare<{ requestId: string; keyId: string; est: number; now: number }>(
    `INSERT INTO budget_reservations (request_id, key_id, amount_micros, created_at) VALUES (:requestId, :keyId, :est, :now)
     ON CONFLICT (request_id) DO UPDATE SET amount_micros = excluded.amount_micros WHERE settled = 0`,
  );
  const selectBudget = db.prepare<[string], KeyBudgetRow>(
    'SELECT key_alias, max_budget_micros, spend_micros, reserved_micros, budget_reset_at FROM virtual_keys WHERE id = ?',
  );
  const claim = db.prepare<[string], { key_id: string; amount_micros: number }>(
    'DELETE FROM budget_reservations WHERE request_id = ? AND settled = 0 RETURNING key_id, amount_micros',
  );
  const unhold = db.prepare<{ id: string; held: number }>('UPDATE virtual_keys SET reserved_micros = max(0, reserved_micros - :held) WHERE id = :id');

  /**
   * Holds `extra` more for the key, or says why not. `requested` and `ownHeld` are for the
   * refusal's message: the request's whole worst case, and what it holds already (not "others").
   * Call inside a transaction.
   */
  const holdOrRefuse = (keyId: string, extra: number, now: number, requested: number, ownHeld: number): ReserveResult | undefined => {
    if (hold.run({ id: keyId, est: extra, now }).changes === 1) return undefined;
    const row = selectBudget.get(keyId);
    if (row === undefined) return { ok: false, reason: 'unknown_key', keyId, message: `No key with id ${keyId}.` };
    // Lazy reset at admission: the period ended, so spend starts again from 0.
    if (row.budget_reset_at !== null && row.budget_reset_at <= now && resetter.resetIfDue(keyId, now)) {
      if (hold.run({ id: keyId, est: extra, now }).changes === 1) return undefined;
    }
    return budgetExceeded(keyId, requested, selectBudget.get(keyId) ?? row, now, ownHeld);
  };

  const reserveTx = immediateTransaction(db, (keyId: string, requestId: string, est: number): ReserveResult => {
    const now = clock.now();
    const refused = holdOrRefuse(keyId, est, now, est, 0);
    if (refused !== undefined) return refused;
    if (recordReservation.run({ requestId, keyId, est, now }).changes !== 1) {
      // Throwing rolls back the hold above.
      throw new Error(`Request ${requestId} already holds a budget reservation; request ids must be unique.`);
    }
    return { ok: true, reservedMicros: est, skipped: false };
  });
  const topUpTx = immediateTransaction(db, (keyId: string, requestId: string, est: number): ReserveResult => {
    const held = selectHeld.get(requestId)?.amount_micros ?? 0;
    if (est <= held) return { ok: true, reservedMicros: held, skipped: false };
    const now = clock.now();
    const refused = holdOrRefuse(keyId, est - held, now, est, held);
    if (refused !== undefined) return refused;
    if (raiseReservation.run({ requestId, keyId, est, now }).changes !== 1) {
      throw new Error(`Request ${requestId} was already settled; its reservation cannot be raised.`);
    }
    return { ok: true, reservedMicros: est, skipped: false };
  });
  /** Before refusing a key with money held, settles finished requests (beforeRefusing) and asks once more. */
  const withSettledRetry = (
    attempt: (keyId: string, requestId: string, est: number) => ReserveResult, keyId: string, requestId: string, est: number,
  ): ReserveResult => {
    const first = attempt(keyId, requestId, est);
    if (first.ok || first.reason !== 'budget_exceeded' || first.reservedMicros === 0 || options.beforeRefusing === undefined) return first;
    options.beforeRefusing();
    return attempt(keyId, requestId, est);
  };
  const settleTx = immediateTransaction(db, (requestId: string, actual: number) => settler.settle(requestId, actual));
  const releaseTx = immediateTransaction(db, (requestId: string) => {
    const reservation = claim.get(requestId);
    if (reservation === undefined) return false;
    unhold.run({ id: reservation.key_id, held: reservation.amount_micros });
    return true;
  });
  const recountAfterRestartTx = immediateTransaction(db, () => {
    db.prepare('DELETE FROM budget_reservations WHERE settled = 1').run();
    db.prepare(
      `UPDATE virtual_keys SET reserved_micros = held.amount
       FROM (SELECT k.id, coalesce(sum(r.amount_micros), 0) AS amount FROM virtual_keys k
             LEFT JOIN budget_reservations r ON r.key_id = k.id GROUP BY k.id) AS held
       WHERE held.id = virtual_keys.id AND virtual_keys.reserved_micros <> held.amount`,
    ).run();
    return (db.prepare('SELECT count(*) AS n FROM budget_reservations').get() as { n: number }).n;
  });

  return {
    reserve(keyId, requestId, worstCaseMicros, reserveOptions = {}) {
      if (reserveOptions.pricedAtZero === true) return { ok: true, reservedMicros: 0, skipped: true };
      const est = toMicros(worstCaseMicros, 'worstCaseMicros');
      return withSettledRetry(reserveTx, keyId, requestId, est);
    },
    topUp(keyId, requestId, worstCaseMicros) {
      const est = toMicros(worstCaseMicros, 'worstCaseMicros');
      return withSettledRetry(topUpTx, keyId, requestId, est);
    },
    settle(requestId, actualMicros) {
      return settleTx(requestId, actualMicros);
    },
    release(requestId) {
      return releaseTx(requestId);
    },
    recountAfterRestart() {
      return recountAfterRestartTx();
    },
    status(keyId) {
      const row = selectBudget.get(keyId);
      if (row === undefined) return null;
      return { spendMicros: row.spend_micros, reservedMicros: row.reserved_micros, maxBudgetMicros: row.max_budget_micros, resetAt: row.budget_reset_at };
    },
  };
}

/** `ownHeld`: what the refused request itself already holds, which is not "held by requests in progress". */
function budgetExceeded(keyId: string, requested: number, row: KeyBudgetRow, now: number, ownHeld: number): BudgetExceeded {
  const max = row.max_budget_micros ?? 0;
  const name = row.key_alias === null ? keyId : `'${row.key_alias}'`;
  const others = Math.max(0, row.reserved_micros - ownHeld);
  const held = others > 0 ? ` (plus ${formatUsd(others)} held by requests in progress)` : '';
  const reset = row.budget_reset_at === null ? 'The budget does not reset on a schedule.' : `The budget resets at ${new Date(row.budget_reset_at).toISOString()}.`;
  return {
    ok: false,
    reason: 'budget_exceeded',
    keyId,
    keyAlias: row.key_alias,
    maxBudgetMicros: max,
    spendMicros: row.spend_micros,
    reservedMicros: others,
    requestedMicros: requested,
    resetAt: row.budget_reset_at,
    retryAfterSeconds: row.budget_reset_at === null ? null : Math.max(1, Math.ceil((row.budget_reset_at - now) / 1000)),
    message: `Budget exceeded for key ${name}: budget ${formatUsd(max)}, used ${formatUsd(row.spend_micros)}${held}; this request may cost up to ${formatUsd(requested)}. ${reset}`,
  };
}

function toMicros(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be a whole number of micro-USD, 0 or more (got ${value}).`);
  return value;
}
