// Every level's refusal is built by one function: the same message and Retry-After for each.
import { describe, expect, it } from 'vitest';
import { budgetExceeded, refusalOfRow } from '../../../main/metering/budget-refusal.js';

const row = { max_budget_micros: 1_000_000, spend_micros: 900_000, reserved_micros: 300_000, budget_reset_at: Date.UTC(2026, 0, 2) };
const now = Date.UTC(2026, 0, 1, 23, 59, 58, 500);

describe('budgetExceeded', () => {
  it('counts only what other requests hold, and says when the budget resets', () => {
    const refused = budgetExceeded(refusalOfRow('app', "app 'Cursor'", row, 100_000), { keyId: '', keyAlias: null, requestedMicros: 250_000, now });
    expect(refused).toMatchObject({ ok: false, reason: 'budget_exceeded', level: 'app', name: "app 'Cursor'", keyId: '', reservedMicros: 200_000, requestedMicros: 250_000, retryAfterSeconds: 2 });
    expect(refused.message).toBe("Budget exceeded for app 'Cursor': budget $1.00, used $0.90 (plus $0.20 held by requests in progress); this request may cost up to $0.25. The budget resets at 2026-01-02T00:00:00.000Z.");
  });

  it('has no Retry-After and no held clause when the budget never resets and nothing else is held', () => {
    const refused = budgetExceeded(refusalOfRow('key', "key 'ci'", { ...row, budget_reset_at: null, max_budget_micros: null, reserved_micros: 50 }, 80), { keyId: 'k1', keyAlias: 'ci', requestedMicros: 1, now });
    expect(refused).toMatchObject({ keyId: 'k1', keyAlias: 'ci', maxBudgetMicros: 0, reservedMicros: 0, resetAt: null, retryAfterSeconds: null });
    expect(refused.message).toMatch(/^Budget exceeded for key 'ci': budget \$0\.00, used \$0\.90; .* The budget does not reset on a schedule\.$/);
  });
});
