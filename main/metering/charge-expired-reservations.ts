// Team mode's crash billing: a replica killed mid-request (kill -9, node lost) leaves its budget
// reservations held, and no other replica can tell it from a slow request except by its lease.
// Once a reservation's lease has run out, the leader's sweep bills it like the desktop bills a
// reservation found at start (chargeInterruptedRequests): one usage row of status 'interrupted'
// at the reserved worst case, written with its settlement in one transaction. Never frees a hold
// unbilled: the request may have been answered, and its real cost is unknown but at most the hold.
//
// Exactly once across replicas: the usage row is keyed by request id (a second leader, or the
// request's own late row, inserts nothing and settles nothing). A request still running past its
// lease (more than DEFAULT_RESERVATION_LEASE_MS) is billed at its hold and its own row is then a
// duplicate: the price of a bounded hold time, documented in docs/team-mode.md.
import { readUnit, all } from '../storage/storage-unit.js';
import { bindUnit } from '../storage/storage-connection.js';
import type { PostgresConnection } from '../storage/open-postgres-pool.js';
import { sql } from '../storage/sql-statement.js';
import { interruptedAppUsageRecord, interruptedUsageRecord, type ChargedInterruptions, type HeldReservation } from './charge-interrupted-requests.js';
import { expiredAppReservations } from './app-budget-ledger.js';
import type { AsyncUsageLedger } from './usage-ledger.js';

/** Leases run out at `lease_until`; at most this many are billed per sweep (the next sweep takes the rest). */
const MAX_PER_SWEEP = 10_000;

const SELECT_EXPIRED_HELD = sql(
  `SELECT r.request_id, r.key_id, k.key_alias, r.amount_micros, r.created_at
   FROM budget_reservations r JOIN virtual_keys k ON k.id = r.key_id
   WHERE r.settled = 0 AND r.lease_until IS NOT NULL AND r.lease_until <= ?
   ORDER BY r.lease_until, r.request_id LIMIT ${MAX_PER_SWEEP}`,
);

const expiredUnit = readUnit(function* (now: number) {
  return yield* all<HeldReservation>(SELECT_EXPIRED_HELD, [now]);
});

export interface ExpiredReservationsDeps {
  connection: PostgresConnection;
  /** Writes the rows; its flush settles each reservation in the same transaction as its row. */
  usage: AsyncUsageLedger;
}

/** For the leader's sweep: bills every reservation whose lease ran out before `now`. */
export async function chargeExpiredReservations(deps: ExpiredReservationsDeps, now: number): Promise<ChargedInterruptions> {
  const held = await bindUnit(deps.connection, expiredUnit)(now);
  // Apps' holds (requests without a key, issue 19) expire and are billed the same way.
  const appHeld = await expiredAppReservations(deps.connection, now);
  let chargedMicros = 0;
  for (const reservation of held) {
    chargedMicros += reservation.amount_micros;
    deps.usage.record(interruptedUsageRecord(reservation));
  }
  for (const reservation of appHeld) {
    chargedMicros += reservation.amount_micros;
    deps.usage.record(interruptedAppUsageRecord(reservation));
  }
  if (held.length + appHeld.length > 0) await deps.usage.flush();
  return { requests: held.length + appHeld.length, chargedMicros };
}
