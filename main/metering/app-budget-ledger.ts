// App budget ledger (issue 19 item 3): the same atomic reservation as a key's budget
// (main/metering/budget-ledger.ts), for a request with no key whose app has a budget. At admission
// one conditional `UPDATE apps SET reserved = reserved + ? WHERE app = ? AND spend + reserved + ?
// <= max_budget RETURNING` holds the worst case (SQLite: under BEGIN IMMEDIATE, synchronous;
// PostgreSQL: the row lock makes concurrent replicas re-check), then the hold is recorded by
// request id. The usage batch (writeUsageRows) settles it with the request's row, exactly once:
// the claim is a DELETE ... RETURNING. Every keyless row's cost is charged to its app's row (like a
// key's spend: with or without a hold), and last_seen advances with it. Never charges a request
// that came with a key (a key, when presented, wins), never checks-then-increments in two steps.
import { resetBudgetIfDue } from '../keys/budget-reset.js';
import type { BudgetExceeded, RecordedCharge, ReserveResult } from './budget-ledger.js';
import { budgetExceeded, refusalOfRow, type BudgetRow } from './budget-refusal.js';
import { retryAfterSettling } from './retry-after-settling.js';
import type { Clock } from '../storage/clock.js';
import { multiRowStatement, placeholders, powerOfTwoChunks } from '../storage/multi-row-statement.js';
import { chargeStatement, holdStatement, recountStatement } from '../storage/budget-statements.js';
import { sql } from '../storage/sql-statement.js';
import { bindUnit, type CallMode, type ModeOf, type Returns, type StorageConnection } from '../storage/storage-connection.js';
import { all, get, readUnit, run, writeUnit, type StorageQuery } from '../storage/storage-unit.js';
import { DEFAULT_RESERVATION_LEASE_MS } from './budget-ledger.js';

export interface AppBudgetLedgerStore<M extends CallMode> {
  /**
   * Holds `worstCaseMicros` against the app's budget for this request, or refuses (a
   * BudgetExceeded of level 'app'). `{ pricedAtZero: true }` skips the budget, as for keys.
   */
  reserve(app: string, requestId: string, worstCaseMicros: number, options?: { pricedAtZero?: boolean }): Returns<M, ReserveResult>;
  /** Raises the hold before an attempt on a pricier deployment (a fallback); never lowers it. */
  topUp(app: string, requestId: string, worstCaseMicros: number): Returns<M, ReserveResult>;
  /**
   * At start, after the interrupted requests were billed: each app's reserved_micros becomes what
   * its reservations still hold (0 once they were billed).
   */
  recountAfterRestart(): Returns<M, void>;
}

/** On SQLite (the desktop): every call answers synchronously. */
export type AppBudgetLedger = AppBudgetLedgerStore<'sync'>;

export interface AppBudgetLedgerOptions {
  clock: Clock;
  /** As the key ledger's: called once before refusing an app with money held (the usage flush), then asked again. */
  beforeRefusing?: () => unknown;
  leaseMs?: number;
}

/** A held app reservation, as crash billing and the lease sweep bill it. */
export interface HeldAppReservation {
  request_id: string;
  app: string;
  amount_micros: number;
  created_at: number;
}

// Parameters: est, app, now, est. The admission check, the same as a key's (budget-statements.ts).
const HOLD = holdStatement('apps', 'app');
const SELECT_BUDGET = sql('SELECT max_budget_micros, spend_micros, reserved_micros, budget_reset_at FROM apps WHERE app = ?');
const RECORD = sql(
  'INSERT INTO app_budget_reservations (request_id, app, amount_micros, created_at, lease_until) VALUES (?, ?, ?, ?, ?) ON CONFLICT (request_id) DO NOTHING',
);
const SELECT_HELD = sql('SELECT app, amount_micros FROM app_budget_reservations WHERE request_id = ?');
const RAISE = sql('UPDATE app_budget_reservations SET amount_micros = ?, lease_until = ? WHERE request_id = ?');
// Claims the holds of a batch of recorded requests (at most 256 ids): deleting is the exactly-once claim.
const CLAIM_RECORDED = multiRowStatement((n) => `DELETE FROM app_budget_reservations WHERE request_id IN (${placeholders(n)}) RETURNING request_id, app, amount_micros`);
/** Parameters: held, held, actual, seen, seen, app. A null seen leaves last_seen. */
const CHARGE = chargeStatement('apps', { alsoSet: 'last_seen = CASE WHEN last_seen IS NULL OR last_seen < ? THEN coalesce(?, last_seen) ELSE last_seen END' });
const RECOUNT = recountStatement('apps', 'app_budget_reservations', 'r.app = e.app');
const SELECT_ALL_HELD = sql('SELECT request_id, app, amount_micros, created_at FROM app_budget_reservations ORDER BY created_at, request_id');
const SELECT_EXPIRED_HELD = sql(
  'SELECT request_id, app, amount_micros, created_at FROM app_budget_reservations WHERE lease_until IS NOT NULL AND lease_until <= ? ORDER BY lease_until, request_id LIMIT 10000',
);

/** A usage row just inserted, with its app: what settlement needs. */
export interface RecordedAppCharge extends RecordedCharge {
  app: string;
  ts: number;
}

/**
 * In the usage batch's transaction, for the rows really inserted: frees each keyless request's app
 * hold and charges its cost to its app (held or not, like a key's spend), and moves last_seen.
 * One UPDATE per app, sorted, after the keys and their owners (the batch's lock order). Rows with
 * a key are left alone: their key paid.
 */
export function* settleAppUsage(rows: readonly RecordedAppCharge[]): Generator<StorageQuery, void, unknown> {
  const keyless = rows.filter((row) => row.key_id === null);
  if (keyless.length === 0) return;
  const held = new Map<string, { app: string; amount_micros: number }>();
  for (const chunk of powerOfTwoChunks(keyless)) {
    for (const claimed of yield* all<{ request_id: string; app: string; amount_micros: number }>(CLAIM_RECORDED.forRows(chunk.length), chunk.map((row) => row.request_id))) {
      held.set(claimed.request_id, claimed);
    }
  }
  // seen null: the entry only frees a hold (its last_seen is left as it is).
  const byApp = new Map<string, { held: number; actual: number; seen: number | null }>();
  const add = (app: string, amount: number, actual: number, seen: number | null) => {
    const entry = byApp.get(app) ?? { held: 0, actual: 0, seen: null };
    entry.held += amount;
    entry.actual += actual;
    if (seen !== null) entry.seen = Math.max(entry.seen ?? seen, seen);
    byApp.set(app, entry);
  };
  for (const row of keyless) {
    const hold = held.get(row.request_id);
    // The hold's app pays (the row's app is the same name unless attribution changed mid-request).
    if (hold !== undefined && hold.app !== row.app) add(hold.app, hold.amount_micros, 0, null);
    add(row.app, hold !== undefined && hold.app === row.app ? hold.amount_micros : 0, row.cost_micros, row.ts);
  }
  for (const app of [...byApp.keys()].sort()) {
    const { held: amount, actual, seen } = byApp.get(app)!;
    yield* run(CHARGE, [amount, amount, actual, seen, seen, app]);
  }
}

/** `ownHeld`: what the refused request itself already holds (a top-up), not "held by requests in progress". */
function appBudgetExceeded(app: string, requested: number, row: BudgetRow, now: number, ownHeld: number): BudgetExceeded {
  // No key: the refusal names the app, with an empty key id.
  return budgetExceeded(refusalOfRow('app', `app '${app}'`, row, ownHeld), { keyId: '', keyAlias: null, requestedMicros: requested, now });
}

/** Holds `extra` more for the app, or the refusal; an app with no row holds nothing (it has no budget). */
function* holdOrRefuse(app: string, extra: number, now: number, requested: number, ownHeld: number): Generator<StorageQuery, BudgetExceeded | undefined, unknown> {
  if ((yield* get(HOLD, [extra, app, now, extra])) !== undefined) return undefined;
  const row = yield* get<BudgetRow>(SELECT_BUDGET, [app]);
  if (row === undefined) return undefined;
  // Lazy reset at admission: the period ended, so spend starts again from 0.
  if (row.budget_reset_at !== null && row.budget_reset_at <= now && (yield* resetBudgetIfDue(app, now, 'apps'))) {
    if ((yield* get(HOLD, [extra, app, now, extra])) !== undefined) return undefined;
  }
  return appBudgetExceeded(app, requested, (yield* get<BudgetRow>(SELECT_BUDGET, [app])) ?? row, now, ownHeld);
}

const reserveUnit = writeUnit(function* (app: string, requestId: string, est: number, now: number, leaseUntil: number) {
  const refused = yield* holdOrRefuse(app, est, now, est, 0);
  if (refused !== undefined) return refused as ReserveResult;
  if ((yield* run(RECORD, [requestId, app, est, now, leaseUntil])).changes !== 1) {
    // Throwing rolls the hold back.
    throw new Error(`Request ${requestId} already holds an app budget reservation; request ids must be unique.`);
  }
  return { ok: true, reservedMicros: est, skipped: false } satisfies ReserveResult as ReserveResult;
});

const topUpUnit = writeUnit(function* (app: string, requestId: string, est: number, now: number, leaseUntil: number) {
  const existing = yield* get<{ app: string; amount_micros: number }>(SELECT_HELD, [requestId]);
  const held = existing?.amount_micros ?? 0;
  if (est <= held) return { ok: true, reservedMicros: held, skipped: false } satisfies ReserveResult as ReserveResult;
  const refused = yield* holdOrRefuse(app, est - held, now, est, held);
  if (refused !== undefined) return refused as ReserveResult;
  if (existing === undefined) yield* run(RECORD, [requestId, app, est, now, leaseUntil]);
  else yield* run(RAISE, [est, leaseUntil, requestId]);
  return { ok: true, reservedMicros: est, skipped: false } satisfies ReserveResult as ReserveResult;
});

const recountUnit = writeUnit(function* () {
  yield* run(RECOUNT);
});

const allHeldUnit = readUnit(function* () {
  return yield* all<HeldAppReservation>(SELECT_ALL_HELD);
});
const expiredHeldUnit = readUnit(function* (now: number) {
  return yield* all<HeldAppReservation>(SELECT_EXPIRED_HELD, [now]);
});

/** Every app hold still in the database (crash billing at start, SQLite). */
export function heldAppReservations<C extends StorageConnection>(connection: C): Returns<ModeOf<C>, HeldAppReservation[]> {
  return bindUnit(connection, allHeldUnit)();
}

/** The app holds whose lease ran out before `now` (team mode's lease sweep), at most 10,000. */
export function expiredAppReservations<C extends StorageConnection>(connection: C, now: number): Returns<ModeOf<C>, HeldAppReservation[]> {
  return bindUnit(connection, expiredHeldUnit)(now);
}

export function createAppBudgetLedger<C extends StorageConnection>(connection: C, options: AppBudgetLedgerOptions): AppBudgetLedgerStore<ModeOf<C>> {
  const { clock } = options;
  const leaseMs = options.leaseMs ?? DEFAULT_RESERVATION_LEASE_MS;
  const reserveTx = bindUnit(connection, reserveUnit) as (...args: Parameters<typeof reserveUnit.body>) => ReserveResult | Promise<ReserveResult>;
  const topUpTx = bindUnit(connection, topUpUnit) as (...args: Parameters<typeof topUpUnit.body>) => ReserveResult | Promise<ReserveResult>;

  // Before refusing an app with money held, settles finished requests and asks once more (as the key ledger does).
  const retry = { clock, leaseMs, beforeRefusing: options.beforeRefusing };

  const ledger: AppBudgetLedgerStore<CallMode> = {
    reserve(app, requestId, worstCaseMicros, reserveOptions = {}) {
      if (reserveOptions.pricedAtZero === true) return { ok: true, reservedMicros: 0, skipped: true };
      return retryAfterSettling(retry, reserveTx, app, requestId, toMicros(worstCaseMicros));
    },
    topUp(app, requestId, worstCaseMicros) {
      return retryAfterSettling(retry, topUpTx, app, requestId, toMicros(worstCaseMicros));
    },
    recountAfterRestart: bindUnit(connection, recountUnit),
  };
  return ledger as AppBudgetLedgerStore<ModeOf<C>>;
}

function toMicros(value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`worstCaseMicros must be a whole number of micro-USD, 0 or more (got ${value}).`);
  return value;
}
