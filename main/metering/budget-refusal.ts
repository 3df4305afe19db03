// The one shape of a budget refusal, whichever level refused (a key, a team member, a team, a user
// or an app): the numbers of the refusing level, its message as the client reads it, and the
// Retry-After a reset gives. The key ledger, the owner levels above it and the app ledger all build
// their BudgetExceeded here, so the message and the retry arithmetic cannot drift between them.
import type { BudgetExceeded } from './budget-ledger.js';
import type { BudgetLevel } from './owner-budget-ledger.js';
import { formatUsd } from '../../shared/format-usd.js';

/** The refusing level's numbers, before they are said to the client. */
export interface BudgetRefusal {
  level: BudgetLevel;
  /** "key 'app'", "team 'research'", "team member 'ana@x' in team 'research'", "user 'ana@x'", "app 'Cursor'". */
  name: string;
  maxBudgetMicros: number;
  spendMicros: number;
  /** Held by other requests at that level (not this request's own hold). */
  reservedMicros: number;
  resetAt: number | null;
}

/** The request a refusal answers: its key (empty id and null alias without one), its worst case, the admission time. */
export interface RefusedRequest {
  keyId: string;
  keyAlias: string | null;
  requestedMicros: number;
  now: number;
}

/** The refusal as the ledgers answer it. */
export function budgetExceeded(refusal: BudgetRefusal, request: RefusedRequest): BudgetExceeded {
  return {
    ok: false,
    reason: 'budget_exceeded',
    keyId: request.keyId,
    keyAlias: request.keyAlias,
    level: refusal.level,
    name: refusal.name,
    maxBudgetMicros: refusal.maxBudgetMicros,
    spendMicros: refusal.spendMicros,
    reservedMicros: refusal.reservedMicros,
    requestedMicros: request.requestedMicros,
    resetAt: refusal.resetAt,
    retryAfterSeconds: refusal.resetAt === null ? null : Math.max(1, Math.ceil((refusal.resetAt - request.now) / 1000)),
    message: describeBudgetRefusal(refusal, request.requestedMicros),
  };
}

/** A level's refusal text, as the client reads it. */
export function describeBudgetRefusal(refusal: BudgetRefusal, requested: number): string {
  const held = refusal.reservedMicros > 0 ? ` (plus ${formatUsd(refusal.reservedMicros)} held by requests in progress)` : '';
  const reset = refusal.resetAt === null ? 'The budget does not reset on a schedule.' : `The budget resets at ${new Date(refusal.resetAt).toISOString()}.`;
  return `Budget exceeded for ${refusal.name}: budget ${formatUsd(refusal.maxBudgetMicros)}, used ${formatUsd(refusal.spendMicros)}${held}; this request may cost up to ${formatUsd(requested)}. ${reset}`;
}

/** A budgeted row's columns, as every level's SELECT names them. */
export interface BudgetRow {
  max_budget_micros: number | null;
  spend_micros: number;
  reserved_micros: number;
  budget_reset_at: number | null;
}

/** The refusal a level's row gives; `ownHeld` (what this request already holds, a top-up) is not "held by others". */
export function refusalOfRow<L extends BudgetLevel>(level: L, name: string, row: BudgetRow, ownHeld: number): BudgetRefusal & { level: L } {
  return {
    level,
    name,
    maxBudgetMicros: row.max_budget_micros ?? 0,
    spendMicros: row.spend_micros,
    reservedMicros: Math.max(0, row.reserved_micros - ownHeld),
    resetAt: row.budget_reset_at,
  };
}
