// Budget ledger: holds each request's worst-case cost against its key's budget at admission, and
// against its team's, member-in-team's or user's (owner-budget-ledger.ts), all in one write unit
// in the order key -> member -> team -> user (one conditional UPDATE ... RETURNING per level, so
// concurrent requests, on one process or on several replicas sharing PostgreSQL, can never all
// squeeze under the limit), then moves the real cost to spend exactly once per request id. One definition for both engines: synchronous on SQLite,
// Promise-returning on PostgreSQL. Never checks-then-increments in two steps (LiteLLM #34732) and
// never charges a request twice.
import { resetBudgetIfDue } from '../keys/budget-reset.js';
import {
  chargeOwnerLevels, createOwnerCharges, holdOwnerLevels, levelsOf, levelsOfReservation, NO_LEVELS, OwnerBudgetRefused,
  RECOUNT_OWNER_LEVELS, type BudgetLevel, type HeldLevels, type KeyOwners,
} from './owner-budget-ledger.js';
import { budgetExceeded, refusalOfRow, type BudgetRow } from './budget-refusal.js';
import { retryAfterSettling } from './retry-after-settling.js';
import type { Clock } from '../storage/clock.js';
import { multiRowStatement, placeholders, powerOfTwoChunks } from '../storage/multi-row-statement.js';
import { chargeStatement, holdStatement, recountStatement } from '../storage/budget-statements.js';
import { sql } from '../storage/sql-statement.js';
import { bindUnit, type CallMode, type ModeOf, type Returns, type StorageConnection } from '../storage/storage-connection.js';
import { all, get, readUnit, run, writeUnit, type StorageQuery } from '../storage/storage-unit.js';

export type ReserveResult =
  /** Admitted. `skipped` when the model is priced at zero and the ledger was not touched. */
  | { ok: true; reservedMicros: number; skipped: boolean }
  | BudgetExceeded
  | { ok: false; reason: 'unknown_key'; keyId: string; message: string };

export interface BudgetExceeded {
  ok: false;
  reason: 'budget_exceeded';
  /** The key the request came with (whichever level refused). */
  keyId: string;
  keyAlias: string | null;
  /** Which budget refused: the key's own, its member-in-team budget, its team's, or its user's. */
  level: BudgetLevel;
  /** The refusing budget's owner as a person reads it: "key 'app'", "team 'research'", "team member 'ana@x' in team 'research'", "user 'ana@x'". */
  name: string;
  /** The numbers below are the refusing level's. */
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
  /** "Budget exceeded for key 'app': budget $1.00, used $0.90 ... resets at <ISO>." (or team ..., team member ..., user ...) */
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

export interface BudgetLedgerStore<M extends CallMode> {
  /**
   * Holds `worstCaseMicros` (input tokens + max_tokens at the model's prices) for this request,
   * or refuses. Pass `{ pricedAtZero: true }` for models priced at zero (local models): they
   * skip the budget entirely and are admitted even when the key's budget is spent, like LiteLLM.
   * Throws if the request id already holds a reservation.
   */
  reserve(keyId: string, requestId: string, worstCaseMicros: number, options?: { pricedAtZero?: boolean }): Returns<M, ReserveResult>;
  /**
   * Raises this request's reservation to `worstCaseMicros` before an attempt on a pricier
   * deployment (a fallback): holds the difference with the same conditional update as reserve(),
   * or refuses, keeping what the request already holds. Creates the reservation when the request
   * has none (its first deployment was priced at zero). Never lowers a reservation: the
   * deployment that ends up serving is not known until the request finishes.
   */
  topUp(keyId: string, requestId: string, worstCaseMicros: number): Returns<M, ReserveResult>;
  /**
   * Replaces the reservation by the real cost, exactly once; a second call is a no-op. Not
   * needed with the usage ledger, whose flush settles each request when it writes its row (and
   * knows not to charge again a request settled here).
   */
  settle(requestId: string, actualMicros: number): Returns<M, SettleResult>;
  /** Drops the reservation without charging (the request never reached the upstream). */
  release(requestId: string): Returns<M, boolean>;
  /**
   * The lease sweep: frees, uncharged, every reservation whose lease has run out (its replica
   * died mid-request and can neither settle nor charge it). Returns how many it freed. A request
   * that does finish after its lease is still charged in full by the usage ledger.
   */
  releaseExpired(): Returns<M, number>;
  /**
   * Call once at start, before serving, after chargeInterruptedRequests charged what a previous
   * process left held: drops settled tombstones (their usage rows died with that process) and
   * sets each key's reserved_micros to what its reservations still hold. Never releases a held
   * reservation uncharged (S39). Returns how many are still held (0 once they were charged).
   */
  recountAfterRestart(): Returns<M, number>;
  status(keyId: string): Returns<M, BudgetStatus | null>;
}

/** On SQLite (the desktop): every call answers synchronously. */
export type BudgetLedger = BudgetLedgerStore<'sync'>;
export type AsyncBudgetLedger = BudgetLedgerStore<'async'>;

/**
 * How long a reservation is held before the sweep may bill it: longer than any request may run
 * (a stream included), so only a dead replica's holds ever expire.
 */
export const DEFAULT_RESERVATION_LEASE_MS = 30 * 60_000;

export interface BudgetLedgerOptions {
  clock: Clock;
  /**
   * Called once before refusing a key that has money reserved, then the reservation is retried.
   * Wire it to the usage ledger's flush(): finished requests settle when their usage row is
   * written, so without it a request could be refused for money that is already free.
   */
  beforeRefusing?: () => unknown;
  /** How long a reservation holds before the lease sweep may bill it (chargeExpiredReservations); DEFAULT_RESERVATION_LEASE_MS. */
  leaseMs?: number;
}

interface KeyBudgetRow extends BudgetRow {
  key_alias: string | null;
}

/** A usage row just inserted, as settlement needs it. */
export interface RecordedCharge {
  request_id: string;
  key_id: string | null;
  cost_micros: number;
}

// THE admission check (budget-statements.ts): one conditional statement per budgeted entity.
// Parameters: est, id, now, est.
const HOLD = holdStatement('virtual_keys', 'team_id, user_id, key_alias');
// Parameters: request, key, amount, created, lease, team, user, member.
const RECORD_RESERVATION = sql(
  `INSERT INTO budget_reservations (request_id, key_id, amount_micros, created_at, lease_until, team_id, user_id, member) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
   ON CONFLICT (request_id) DO NOTHING`,
);
const SELECT_HELD = sql('SELECT key_id, amount_micros, team_id, user_id, member FROM budget_reservations WHERE request_id = ? AND settled = 0');
// A settled request (its tombstone) is never raised again: the WHERE leaves it untouched.
const RAISE_RESERVATION = sql(
  `INSERT INTO budget_reservations (request_id, key_id, amount_micros, created_at, lease_until, team_id, user_id, member) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
   ON CONFLICT (request_id) DO UPDATE SET amount_micros = excluded.amount_micros, lease_until = excluded.lease_until
   WHERE budget_reservations.settled = 0`,
);
const SELECT_BUDGET = sql('SELECT key_alias, max_budget_micros, spend_micros, reserved_micros, budget_reset_at FROM virtual_keys WHERE id = ?');
const CLAIM_HELD = sql('DELETE FROM budget_reservations WHERE request_id = ? AND settled = 0 RETURNING key_id, amount_micros, team_id, user_id, member');
// The tombstone makes a second settle a no-op and tells recorded() not to charge again.
const MARK_SETTLED = sql('UPDATE budget_reservations SET settled = 1, amount_micros = 0 WHERE request_id = ? AND settled = 0');
/** Parameters: held, held, actual, id. */
const CHARGE = chargeStatement('virtual_keys');
/** CHARGE, saying who owns the key now: its requests without a reservation charge those owners. */
const CHARGE_RETURNING_OWNERS = chargeStatement('virtual_keys', { returning: 'team_id, user_id' });
// Claims the reservations (held or tombstones) of a batch of recorded requests, at most 256 ids.
const CLAIM_RECORDED = multiRowStatement((n) => `DELETE FROM budget_reservations WHERE request_id IN (${placeholders(n)}) RETURNING request_id, key_id, amount_micros, settled, team_id, user_id, member`);
const SELECT_EXPIRED = sql(
  'SELECT request_id FROM budget_reservations WHERE settled = 0 AND lease_until IS NOT NULL AND lease_until <= ? ORDER BY key_id, request_id',
);
const DROP_TOMBSTONES = sql('DELETE FROM budget_reservations WHERE settled = 1');
const RECOUNT = recountStatement('virtual_keys', 'budget_reservations', 'r.key_id = e.id');
const COUNT_RESERVATIONS = sql('SELECT count(*) AS n FROM budget_reservations');

interface HeldReservationRow {
  key_id: string;
  amount_micros: number;
  team_id: string | null;
  user_id: string | null;
  member: number;
}

/** Moves `held` to spend as `actual` on the key, then on each level above it that the reservation held. */
function* chargeKey(keyId: string, held: number, actual: number, levels: HeldLevels = NO_LEVELS): Generator<StorageQuery, void, unknown> {
  yield* run(CHARGE, [held, held, actual, keyId]);
  yield* chargeOwnerLevels(levels, held, actual);
}

/** Charges `actual` and frees the reservation, once, leaving a tombstone. Inside a write unit. */
function* settleReservation(requestId: string, actualMicros: number): Generator<StorageQuery, SettleResult, unknown> {
  const actual = toMicros(actualMicros, 'actualMicros');
  const reservation = yield* get<HeldReservationRow>(SELECT_HELD, [requestId]);
  if (reservation === undefined) return { settled: false };
  if ((yield* run(MARK_SETTLED, [requestId])).changes !== 1) return { settled: false };
  yield* chargeKey(reservation.key_id, reservation.amount_micros, actual, levelsOfReservation(reservation));
  return { settled: true, keyId: reservation.key_id, chargedMicros: actual, releasedMicros: reservation.amount_micros };
}

/**
 * The requests' usage rows were just inserted (exactly once per request id), in this write unit:
 * frees each one's reservation and charges its cost to its key and to every level above the key
 * that the reservation held (team member, team, user), unless settle() already did (a tombstone).
 * Requests that never reserved (keys without a budget, models priced at zero) are charged too, to
 * the key and to the levels its owners give it now, so at every level spend equals the cost of its
 * usage rows. One UPDATE per key in key order, then per member, team and user, each sorted: the
 * admission's lock order, so replicas settling at once never deadlock. Returns the ids of the keys
 * charged, sorted.
 */
export function* settleRecordedUsage(rows: readonly RecordedCharge[]): Generator<StorageQuery, string[], unknown> {
  const byKey = new Map<string, { held: number; actual: number; unreserved: number }>();
  const owners = createOwnerCharges();
  const add = (keyId: string, held: number, actual: number, unreserved: number) => {
    const entry = byKey.get(keyId) ?? { held: 0, actual: 0, unreserved: 0 };
    entry.held += held;
    entry.actual += actual;
    entry.unreserved += unreserved;
    byKey.set(keyId, entry);
  };
  const keyed = rows.filter((row) => row.key_id !== null);
  const claimed = new Map<string, HeldReservationRow & { settled: number }>();
  for (const chunk of powerOfTwoChunks(keyed)) {
    const found = yield* all<HeldReservationRow & { request_id: string; settled: number }>(CLAIM_RECORDED.forRows(chunk.length), chunk.map((row) => row.request_id));
    for (const reservation of found) claimed.set(reservation.request_id, reservation);
  }
  for (const row of keyed) {
    const actual = toMicros(row.cost_micros, 'costMicros');
    const reservation = claimed.get(row.request_id);
    if (reservation === undefined) add(row.key_id as string, 0, actual, actual);
    else if (reservation.settled === 0) {
      add(reservation.key_id, reservation.amount_micros, actual, 0);
      owners.add(levelsOfReservation(reservation), reservation.amount_micros, actual);
    }
  }
  const keyIds = [...byKey.keys()].sort();
  for (const keyId of keyIds) {
    const { held, actual, unreserved } = byKey.get(keyId)!;
    // Only keys with unreserved cost ask who owns them; RETURNING adds no statement.
    if (unreserved === 0) {
      yield* run(CHARGE, [held, held, actual, keyId]);
      continue;
    }
    const owner = yield* get<KeyOwners>(CHARGE_RETURNING_OWNERS, [held, held, actual, keyId]);
    if (owner !== undefined) owners.add(levelsOf(owner), 0, unreserved);
  }
  yield* owners.charge();
  return keyIds;
}

/** Drops an unsettled reservation without charging; true when there was one. Inside a write unit. */
function* releaseReservation(requestId: string): Generator<StorageQuery, boolean, unknown> {
  const reservation = yield* get<HeldReservationRow>(CLAIM_HELD, [requestId]);
  if (reservation === undefined) return false;
  yield* chargeKey(reservation.key_id, reservation.amount_micros, 0, levelsOfReservation(reservation));
  return true;
}

/**
 * Holds `extra` more for the key, or says why not: its owners when held (from the same UPDATE,
 * no extra statement), else the refusal. `requested` and `ownHeld` are for the refusal's message:
 * the request's whole worst case, and what it holds already (not "others").
 */
function* holdKeyOrRefuse(keyId: string, extra: number, now: number, requested: number, ownHeld: number): Generator<StorageQuery, HeldKey | Exclude<ReserveResult, { ok: true }>, unknown> {
  const owners = yield* get<HeldKey>(HOLD, [extra, keyId, now, extra]);
  if (owners !== undefined) return owners;
  const row = yield* get<KeyBudgetRow>(SELECT_BUDGET, [keyId]);
  if (row === undefined) return { ok: false, reason: 'unknown_key', keyId, message: `No key with id ${keyId}.` };
  // Lazy reset at admission: the period ended, so spend starts again from 0.
  if (row.budget_reset_at !== null && row.budget_reset_at <= now && (yield* resetBudgetIfDue(keyId, now))) {
    const again = yield* get<HeldKey>(HOLD, [extra, keyId, now, extra]);
    if (again !== undefined) return again;
  }
  return keyBudgetExceeded(keyId, requested, (yield* get<KeyBudgetRow>(SELECT_BUDGET, [keyId])) ?? row, now, ownHeld);
}

/** The unit's answer when a level above the key refused: thrown, so the key's hold rolls back with it. */
class LevelRefusal extends Error {
  constructor(readonly result: BudgetExceeded) {
    super(result.message);
    this.name = 'LevelRefusal';
  }
}

/** Holds the key's levels above it, or throws LevelRefusal (rolling back the key's hold). */
function* holdLevelsOrThrow(keyId: string, keyAlias: string | null, levels: HeldLevels, extra: number, now: number, requested: number, ownHeld: number): Generator<StorageQuery, HeldLevels, unknown> {
  try {
    return yield* holdOwnerLevels(levels, extra, now, ownHeld);
  } catch (error) {
    if (!(error instanceof OwnerBudgetRefused)) throw error;
    throw new LevelRefusal(budgetExceeded(error.refusal, { keyId, keyAlias, requestedMicros: requested, now }));
  }
}

/** What the key's hold returns: its owners, and its alias for a refusal above it. */
interface HeldKey extends KeyOwners {
  key_alias: string | null;
}

const reserveUnit = writeUnit(function* (keyId: string, requestId: string, est: number, now: number, leaseUntil: number) {
  const owners = yield* holdKeyOrRefuse(keyId, est, now, est, 0);
  if ('ok' in owners) return owners;
  const wanted = levelsOf(owners);
  // An ownerless key (the desktop's) stops here: no statement beyond its own hold.
  const levels = wanted === NO_LEVELS ? NO_LEVELS : yield* holdLevelsOrThrow(keyId, owners.key_alias, wanted, est, now, est, 0);
  if ((yield* run(RECORD_RESERVATION, [requestId, keyId, est, now, leaseUntil, levels.teamId, levels.userId, levels.member ? 1 : 0])).changes !== 1) {
    // Throwing rolls back the holds above.
    throw new Error(`Request ${requestId} already holds a budget reservation; request ids must be unique.`);
  }
  return { ok: true, reservedMicros: est, skipped: false } satisfies ReserveResult as ReserveResult;
});

const topUpUnit = writeUnit(function* (keyId: string, requestId: string, est: number, now: number, leaseUntil: number) {
  const existing = yield* get<HeldReservationRow>(SELECT_HELD, [requestId]);
  const held = existing?.amount_micros ?? 0;
  if (est <= held) return { ok: true, reservedMicros: held, skipped: false } satisfies ReserveResult as ReserveResult;
  const owners = yield* holdKeyOrRefuse(keyId, est - held, now, est, held);
  if ('ok' in owners) return owners;
  // A request raises the levels it already holds (its key may have changed owner since).
  const wanted = existing === undefined ? levelsOf(owners) : levelsOfReservation(existing);
  const levels = wanted.teamId === null && wanted.userId === null ? NO_LEVELS : yield* holdLevelsOrThrow(keyId, owners.key_alias, wanted, est - held, now, est, held);
  if ((yield* run(RAISE_RESERVATION, [requestId, keyId, est, now, leaseUntil, levels.teamId, levels.userId, levels.member ? 1 : 0])).changes !== 1) {
    throw new Error(`Request ${requestId} was already settled; its reservation cannot be raised.`);
  }
  return { ok: true, reservedMicros: est, skipped: false } satisfies ReserveResult as ReserveResult;
});

const settleUnit = writeUnit(settleReservation);
const releaseUnit = writeUnit(releaseReservation);

const releaseExpiredUnit = writeUnit(function* (now: number) {
  const byKey = new Map<string, number>();
  const owners = createOwnerCharges();
  let released = 0;
  for (const { request_id } of yield* all<{ request_id: string }>(SELECT_EXPIRED, [now])) {
    const reservation = yield* get<HeldReservationRow>(CLAIM_HELD, [request_id]);
    if (reservation === undefined) continue;
    released += 1;
    byKey.set(reservation.key_id, (byKey.get(reservation.key_id) ?? 0) + reservation.amount_micros);
    owners.add(levelsOfReservation(reservation), reservation.amount_micros, 0);
  }
  // All keys in key order, then members, teams, users: admission's lock order, so a sweep and
  // admissions never deadlock (releasing one by one would lock key, team, key, team...).
  for (const keyId of [...byKey.keys()].sort()) {
    const held = byKey.get(keyId)!;
    yield* run(CHARGE, [held, held, 0, keyId]);
  }
  yield* owners.charge();
  return released;
});

const recountUnit = writeUnit(function* () {
  yield* run(DROP_TOMBSTONES);
  yield* run(RECOUNT);
  for (const recount of RECOUNT_OWNER_LEVELS) yield* run(recount);
  return (yield* get<{ n: number }>(COUNT_RESERVATIONS))!.n;
});

const statusUnit = readUnit(function* (keyId: string) {
  const row = yield* get<KeyBudgetRow>(SELECT_BUDGET, [keyId]);
  if (row === undefined) return null;
  return { spendMicros: row.spend_micros, reservedMicros: row.reserved_micros, maxBudgetMicros: row.max_budget_micros, resetAt: row.budget_reset_at } satisfies BudgetStatus as BudgetStatus;
});

export function createBudgetLedger<C extends StorageConnection>(connection: C, options: BudgetLedgerOptions): BudgetLedgerStore<ModeOf<C>> {
  const { clock } = options;
  const leaseMs = options.leaseMs ?? DEFAULT_RESERVATION_LEASE_MS;
  const reserveTx = answeringLevelRefusals(bindUnit(connection, reserveUnit) as (...args: Parameters<typeof reserveUnit.body>) => ReserveResult | Promise<ReserveResult>);
  const topUpTx = answeringLevelRefusals(bindUnit(connection, topUpUnit) as (...args: Parameters<typeof topUpUnit.body>) => ReserveResult | Promise<ReserveResult>);

  // Before refusing a key with money held, settles finished requests (beforeRefusing) and asks once more.
  const retry = { clock, leaseMs, beforeRefusing: options.beforeRefusing };

  const release = bindUnit(connection, releaseUnit);
  const releaseExpired = bindUnit(connection, releaseExpiredUnit);
  const ledger: BudgetLedgerStore<CallMode> = {
    reserve(keyId, requestId, worstCaseMicros, reserveOptions = {}) {
      if (reserveOptions.pricedAtZero === true) return { ok: true, reservedMicros: 0, skipped: true };
      const est = toMicros(worstCaseMicros, 'worstCaseMicros');
      return retryAfterSettling(retry, reserveTx, keyId, requestId, est);
    },
    topUp(keyId, requestId, worstCaseMicros) {
      const est = toMicros(worstCaseMicros, 'worstCaseMicros');
      return retryAfterSettling(retry, topUpTx, keyId, requestId, est);
    },
    settle: bindUnit(connection, settleUnit),
    release: (requestId) => release(requestId),
    releaseExpired: () => releaseExpired(clock.now()),
    recountAfterRestart: bindUnit(connection, recountUnit),
    status: bindUnit(connection, statusUnit),
  };
  return ledger as BudgetLedgerStore<ModeOf<C>>;
}

/**
 * A level above the key refused: the unit threw (rolling every hold back) and the caller gets the
 * refusal as an answer like the key's. Synchronous on SQLite: a try/catch, no Promise.
 */
function answeringLevelRefusals<Args extends unknown[]>(tx: (...args: Args) => ReserveResult | Promise<ReserveResult>): (...args: Args) => ReserveResult | Promise<ReserveResult> {
  const answer = (error: unknown): ReserveResult => {
    if (error instanceof LevelRefusal) return error.result;
    throw error;
  };
  return (...args) => {
    try {
      const result = tx(...args);
      return result instanceof Promise ? result.catch(answer) : result;
    } catch (error) {
      return answer(error);
    }
  };
}

/** `ownHeld`: what the refused request itself already holds, which is not "held by requests in progress". */
function keyBudgetExceeded(keyId: string, requested: number, row: KeyBudgetRow, now: number, ownHeld: number): BudgetExceeded {
  const name = row.key_alias === null ? keyId : `'${row.key_alias}'`;
  return budgetExceeded(refusalOfRow('key', `key ${name}`, row, ownHeld), { keyId, keyAlias: row.key_alias, requestedMicros: requested, now });
}

function toMicros(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be a whole number of micro-USD, 0 or more (got ${value}).`);
  return value;
}
