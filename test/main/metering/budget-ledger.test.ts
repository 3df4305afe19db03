import { afterEach, describe, expect, it, vi } from 'vitest';
import { createKeyRepository, type KeyFields, type KeyRepository } from '../../../main/keys/key-repository.js';
import { createBudgetLedger, type BudgetExceeded, type BudgetLedger } from '../../../main/metering/budget-ledger.js';
import { openTempDatabase, type TempDatabase } from '../storage/storage-test-kit.js';

const USD = 1_000_000;
const DAY = 86_400_000;

let opened: TempDatabase | null = null;
afterEach(() => {
  opened?.dispose();
  opened = null;
});

function setup(fields: KeyFields = { max_budget: 1 }, beforeRefusing?: () => void): { ledger: BudgetLedger; repo: KeyRepository; keyId: string; db: TempDatabase } {
  opened = openTempDatabase();
  const repo = createKeyRepository(opened.db, opened.clock);
  const keyId = repo.create({ key_alias: 'app', ...fields }).record.id;
  const ledger = createBudgetLedger(opened.db, beforeRefusing === undefined ? { clock: opened.clock } : { clock: opened.clock, beforeRefusing });
  return { ledger, repo, keyId, db: opened };
}

function money(db: TempDatabase, keyId: string): { spend: number; reserved: number; reservations: number } {
  const key = db.db.prepare('SELECT spend_micros AS spend, reserved_micros AS reserved FROM virtual_keys WHERE id = ?').get(keyId) as { spend: number; reserved: number };
  const { n } = db.db.prepare('SELECT count(*) AS n FROM budget_reservations WHERE key_id = ? AND settled = 0').get(keyId) as { n: number };
  return { ...key, reservations: n };
}

describe('createBudgetLedger', () => {
  it('admits exactly 3 of 20 concurrent $0.30 requests against a $1.00 budget, and spend stays within it (S27)', async () => {
    const { ledger, keyId, db } = setup({ max_budget: 1 });
    // As the server interleaves them: every request is admitted (or not) before any finishes.
    const admissions = await Promise.all(
      Array.from({ length: 20 }, (_, i) => Promise.resolve().then(() => ({ id: `req-${i}`, result: ledger.reserve(keyId, `req-${i}`, 0.3 * USD) }))),
    );
    const admitted = admissions.filter((a) => a.result.ok);
    expect(admitted).toHaveLength(3);
    expect(money(db, keyId)).toEqual({ spend: 0, reserved: 0.9 * USD, reservations: 3 });
    for (const refused of admissions.filter((a) => !a.result.ok)) {
      expect(refused.result).toMatchObject({ ok: false, reason: 'budget_exceeded', maxBudgetMicros: USD, reservedMicros: 0.9 * USD });
    }
    await Promise.all(admitted.map((a, i) => Promise.resolve().then(() => ledger.settle(a.id, [0.3, 0.12, 0.25][i]! * USD))));
    const after = money(db, keyId);
    expect(after).toEqual({ spend: 0.67 * USD, reserved: 0, reservations: 0 });
    expect(after.spend).toBeLessThanOrEqual(USD);
  });

  it('settles exactly once: a second settle of the same request is a no-op', () => {
    const { ledger, keyId, db } = setup({ max_budget: 10 });
    expect(ledger.reserve(keyId, 'r1', 500_000)).toEqual({ ok: true, reservedMicros: 500_000, skipped: false });
    expect(ledger.settle('r1', 123_456)).toEqual({ settled: true, keyId, chargedMicros: 123_456, releasedMicros: 500_000 });
    expect(ledger.settle('r1', 123_456)).toEqual({ settled: false });
    expect(ledger.settle('r1', 999_999)).toEqual({ settled: false });
    expect(money(db, keyId)).toEqual({ spend: 123_456, reserved: 0, reservations: 0 });
  });

  it('releases a reservation without charging, once', () => {
    const { ledger, keyId, db } = setup({ max_budget: 1 });
    ledger.reserve(keyId, 'r1', 0.6 * USD);
    expect(ledger.reserve(keyId, 'r2', 0.6 * USD).ok).toBe(false);
    expect(ledger.release('r1')).toBe(true);
    expect(ledger.release('r1')).toBe(false);
    expect(ledger.settle('r1', 1)).toEqual({ settled: false });
    expect(money(db, keyId)).toEqual({ spend: 0, reserved: 0, reservations: 0 });
    expect(ledger.reserve(keyId, 'r2', 0.6 * USD).ok).toBe(true);
  });

  it('admits a request that exactly reaches the budget and refuses one micro-dollar more', () => {
    const { ledger, keyId } = setup({ max_budget: 1 });
    expect(ledger.reserve(keyId, 'a', 0.4 * USD).ok).toBe(true);
    expect(ledger.reserve(keyId, 'b', 0.6 * USD + 1).ok).toBe(false);
    expect(ledger.reserve(keyId, 'c', 0.6 * USD).ok).toBe(true);
  });

  it('says what the budget is, what was used and when it resets', () => {
    const { ledger, keyId, db } = setup({ max_budget: 1, budget_duration: '30d' });
    ledger.reserve(keyId, 'r1', 0.9 * USD);
    ledger.settle('r1', 0.9 * USD);
    ledger.reserve(keyId, 'r2', 0.05 * USD);
    const refused = ledger.reserve(keyId, 'r3', 0.3 * USD) as BudgetExceeded;
    const resetAt = db.clock.now() + 30 * DAY;
    expect(refused).toMatchObject({ ok: false, reason: 'budget_exceeded', spendMicros: 0.9 * USD, reservedMicros: 0.05 * USD, requestedMicros: 0.3 * USD, resetAt, retryAfterSeconds: 30 * 86_400 });
    expect(refused.message).toBe(
      `Budget exceeded for key 'app': budget $1.00, used $0.90 (plus $0.05 held by requests in progress); this request may cost up to $0.30. The budget resets at ${new Date(resetAt).toISOString()}.`,
    );
    // The refusal left nothing behind.
    expect(money(db, keyId)).toEqual({ spend: 0.9 * USD, reserved: 0.05 * USD, reservations: 1 });
  });

  it('words the amounts as the tray and the dashboard do: cents from a cent up, two significant digits below', () => {
    const { ledger, keyId } = setup({ max_budget: 12.5 });
    ledger.reserve(keyId, 'r1', 12_345_678);
    ledger.settle('r1', 12_345_678);
    const refused = ledger.reserve(keyId, 'r2', 154_323) as BudgetExceeded;
    expect(refused.message).toContain('budget $12.50, used $12.35; this request may cost up to $0.15.');
  });

  it('says so when a budget never resets', () => {
    const { ledger, keyId } = setup({ max_budget: 0 });
    const refused = ledger.reserve(keyId, 'r', 1) as BudgetExceeded;
    expect(refused.resetAt).toBeNull();
    expect(refused.retryAfterSeconds).toBeNull();
    expect(refused.message).toContain('budget $0.00, used $0.00');
    expect(refused.message).toContain('does not reset');
  });

  it('resets a spent budget lazily at admission once its period is over', () => {
    const { ledger, keyId, db, repo } = setup({ max_budget: 1, budget_duration: '1d' });
    const created = db.clock.now();
    ledger.reserve(keyId, 'r1', USD);
    ledger.settle('r1', USD);
    expect(ledger.reserve(keyId, 'r2', 1).ok).toBe(false);
    db.clock.advance(DAY);
    expect(ledger.reserve(keyId, 'r3', 0.5 * USD).ok).toBe(true);
    expect(repo.info(keyId)).toMatchObject({ spendMicros: 0, reservedMicros: 0.5 * USD, budgetResetAt: created + 2 * DAY });
  });

  it('keeps requests in flight across a reset: their reservation still settles into the new period', () => {
    const { ledger, keyId, db } = setup({ max_budget: 1, budget_duration: '1d' });
    ledger.reserve(keyId, 'old', 0.2 * USD);
    db.clock.advance(DAY);
    ledger.reserve(keyId, 'new', 0.1 * USD);
    ledger.settle('old', 0.15 * USD);
    expect(money(db, keyId)).toEqual({ spend: 0.15 * USD, reserved: 0.1 * USD, reservations: 1 });
  });

  it('skips the ledger for a model priced at zero, even when the budget is spent', () => {
    const { ledger, keyId, db } = setup({ max_budget: 0 });
    expect(ledger.reserve(keyId, 'local', 0, { pricedAtZero: true })).toEqual({ ok: true, reservedMicros: 0, skipped: true });
    expect(money(db, keyId)).toEqual({ spend: 0, reserved: 0, reservations: 0 });
    expect(ledger.settle('local', 0)).toEqual({ settled: false });
  });

  it('admits every request on a key without a budget and still tracks its spend', () => {
    const { ledger, keyId, db } = setup({});
    for (let i = 0; i < 5; i++) expect(ledger.reserve(keyId, `r${i}`, 100 * USD).ok).toBe(true);
    for (let i = 0; i < 5; i++) ledger.settle(`r${i}`, USD);
    expect(money(db, keyId)).toEqual({ spend: 5 * USD, reserved: 0, reservations: 0 });
  });

  it('charges the real cost even when it exceeds the reservation (the documented overshoot)', () => {
    const { ledger, keyId, db } = setup({ max_budget: 1 });
    ledger.reserve(keyId, 'r', 0.1 * USD);
    ledger.settle('r', 0.25 * USD);
    expect(money(db, keyId)).toEqual({ spend: 0.25 * USD, reserved: 0, reservations: 0 });
  });

  it('answers unknown_key for a key that does not exist', () => {
    const { ledger } = setup();
    expect(ledger.reserve('key_missing', 'r', 1)).toMatchObject({ ok: false, reason: 'unknown_key', keyId: 'key_missing' });
  });

  it('refuses a duplicate request id without holding its money twice', () => {
    const { ledger, keyId, db } = setup({ max_budget: 1 });
    ledger.reserve(keyId, 'dup', 0.2 * USD);
    expect(() => ledger.reserve(keyId, 'dup', 0.2 * USD)).toThrow(/already holds a budget reservation/);
    expect(money(db, keyId)).toEqual({ spend: 0, reserved: 0.2 * USD, reservations: 1 });
  });

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('rejects a worst case of %s micro-dollars', (bad) => {
    const { ledger, keyId } = setup();
    expect(() => ledger.reserve(keyId, 'r', bad)).toThrow(RangeError);
  });

  it('flushes pending settlements before refusing a key with money held, then retries once', () => {
    let ledger: BudgetLedger | null = null;
    const beforeRefusing = vi.fn(() => {
      // What the usage ledger's flush does: the finished request settles at its real cost.
      ledger?.settle('done', 0.05 * USD);
    });
    const setupResult = setup({ max_budget: 1 }, beforeRefusing);
    ledger = setupResult.ledger;
    const { keyId } = setupResult;
    ledger.reserve(keyId, 'done', 0.8 * USD);
    expect(ledger.reserve(keyId, 'next', 0.5 * USD).ok).toBe(true);
    expect(beforeRefusing).toHaveBeenCalledTimes(1);
    // Nothing held and still over budget: refused without calling the hook again.
    ledger.settle('next', 0.95 * USD);
    expect(ledger.reserve(keyId, 'third', 0.5 * USD).ok).toBe(false);
    expect(beforeRefusing).toHaveBeenCalledTimes(1);
  });

  it('after a restart, drops settled tombstones and recounts what is held, never releasing a held reservation uncharged (S39)', () => {
    const { ledger, keyId, db } = setup({ max_budget: 1 });
    ledger.reserve(keyId, 'a', 0.4 * USD);
    ledger.reserve(keyId, 'b', 0.4 * USD);
    ledger.reserve(keyId, 'c', 0.1 * USD);
    ledger.settle('c', 0.05 * USD);
    // A counter that drifted from the rows (what a crash mid-way through an older version could leave).
    db.db.prepare('UPDATE virtual_keys SET reserved_micros = 123 WHERE id = ?').run(keyId);
    const restarted = createBudgetLedger(db.db, { clock: db.clock });
    expect(restarted.recountAfterRestart()).toBe(2);
    expect(money(db, keyId)).toEqual({ spend: 0.05 * USD, reserved: 0.8 * USD, reservations: 2 });
    expect(db.db.prepare('SELECT count(*) AS n FROM budget_reservations WHERE settled = 1').get()).toEqual({ n: 0 });
    expect(restarted.settle('a', 0.3 * USD)).toMatchObject({ settled: true, chargedMicros: 0.3 * USD });
  });

  it('drops reservations with their key when the key is deleted', () => {
    const { ledger, keyId, repo, db } = setup({ max_budget: 1 });
    ledger.reserve(keyId, 'a', 0.4 * USD);
    repo.delete({ keys: [keyId] });
    expect(db.db.prepare('SELECT count(*) AS n FROM budget_reservations').get()).toEqual({ n: 0 });
    expect(ledger.settle('a', 1)).toEqual({ settled: false });
  });

  describe('topUp (a later attempt on a pricier deployment, S38)', () => {
    it('raises the reservation to the new worst case with the same conditional update, never lowers it, and settles it whole', () => {
      const { ledger, keyId, db } = setup({ max_budget: 1 });
      ledger.reserve(keyId, 'r1', 0.1 * USD);
      expect(ledger.topUp(keyId, 'r1', 0.3 * USD)).toEqual({ ok: true, reservedMicros: 0.3 * USD, skipped: false });
      expect(money(db, keyId)).toEqual({ spend: 0, reserved: 0.3 * USD, reservations: 1 });
      expect(ledger.topUp(keyId, 'r1', 0.2 * USD)).toEqual({ ok: true, reservedMicros: 0.3 * USD, skipped: false });
      expect(money(db, keyId)).toEqual({ spend: 0, reserved: 0.3 * USD, reservations: 1 });
      expect(ledger.settle('r1', 0.05 * USD)).toEqual({ settled: true, keyId, chargedMicros: 0.05 * USD, releasedMicros: 0.3 * USD });
      expect(money(db, keyId)).toEqual({ spend: 0.05 * USD, reserved: 0, reservations: 0 });
    });

    it('creates the reservation of a request whose first choice was priced at zero', () => {
      const { ledger, keyId, db } = setup({ max_budget: 1 });
      expect(ledger.reserve(keyId, 'r1', 0, { pricedAtZero: true })).toMatchObject({ ok: true, skipped: true });
      expect(ledger.topUp(keyId, 'r1', 0.4 * USD)).toEqual({ ok: true, reservedMicros: 0.4 * USD, skipped: false });
      expect(money(db, keyId)).toEqual({ spend: 0, reserved: 0.4 * USD, reservations: 1 });
      expect(ledger.release('r1')).toBe(true);
      expect(money(db, keyId)).toEqual({ spend: 0, reserved: 0, reservations: 0 });
    });

    it('refuses a top-up the budget cannot cover, naming what others hold, and keeps what the request held', () => {
      const { ledger, keyId, db } = setup({ max_budget: 1 });
      ledger.reserve(keyId, 'r1', 0.6 * USD);
      ledger.reserve(keyId, 'r2', 0.3 * USD);
      const refused = ledger.topUp(keyId, 'r1', 0.8 * USD) as BudgetExceeded;
      expect(refused).toMatchObject({ ok: false, reason: 'budget_exceeded', reservedMicros: 0.3 * USD, requestedMicros: 0.8 * USD });
      expect(refused.message).toBe("Budget exceeded for key 'app': budget $1.00, used $0.00 (plus $0.30 held by requests in progress); this request may cost up to $0.80. The budget does not reset on a schedule.");
      expect(money(db, keyId)).toEqual({ spend: 0, reserved: 0.9 * USD, reservations: 2 });
      expect(ledger.topUp(keyId, 'r1', 0.7 * USD).ok).toBe(true);
      expect(money(db, keyId)).toEqual({ spend: 0, reserved: USD, reservations: 2 });
    });
  });

  it('reports a key budget status for the response headers', () => {
    const { ledger, keyId } = setup({ max_budget: 2 });
    ledger.reserve(keyId, 'a', 0.4 * USD);
    expect(ledger.status(keyId)).toEqual({ spendMicros: 0, reservedMicros: 0.4 * USD, maxBudgetMicros: 2 * USD, resetAt: null });
    expect(ledger.status('key_missing')).toBeNull();
  });
});
