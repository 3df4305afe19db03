// Team mode's budget alerts with its database replaced by fakes: only a claimed threshold is
// logged and posted; a level already known is not claimed again (no round trip per flush); checks
// arriving during a round make one more round, not one each; a database failure is a warning,
// never a throw, and the next check announces what was missed; alerts can be turned off.
import { describe, expect, it } from 'vitest';
import type { AlertBudget } from '../../../main/metering/alert-budgets.js';
import { createTeamBudgetAlerts } from '../../../main/metering/team-budget-alerts.js';
import type { BudgetAlertMark } from '../../../main/storage/budget-alert-marks.js';
import { captureLog } from '../storage/storage-test-kit.js';

const USD = 1_000_000;

function setup(options: { claimed?: (mark: BudgetAlertMark) => boolean; enabled?: boolean } = {}) {
  const budgets: AlertBudget[] = [{ keyId: 'key_1', app: 'notes-app', spendMicros: 0, maxBudgetMicros: 10 * USD, periodEnd: 0 }];
  const claims: BudgetAlertMark[] = [];
  const posts: string[] = [];
  let reads = 0;
  let failReads = 0;
  const log = captureLog();
  const alerts = createTeamBudgetAlerts({
    readBudgets: async () => {
      reads++;
      if (failReads > 0) {
        failReads--;
        throw new Error('connection terminated');
      }
      return budgets.map((b) => ({ ...b }));
    },
    claim: async (mark) => {
      claims.push(mark);
      return options.claimed?.(mark) ?? true;
    },
    webhookUrl: async () => 'http://127.0.0.1:9/hook',
    post: async (_url, text) => {
      posts.push(text);
      return { ok: true };
    },
    log,
    enabled: () => options.enabled ?? true,
  });
  return { alerts, budgets, claims, posts, log, reads: () => reads, failNextRead: () => (failReads = 1) };
}

describe('createTeamBudgetAlerts', () => {
  it('logs and posts only the thresholds its claim raised, and claims a known level once', async () => {
    const { alerts, budgets, claims, posts, log } = setup();
    budgets[0]!.spendMicros = 8 * USD;
    alerts.check();
    await alerts.settled();
    alerts.check();
    await alerts.settled();
    expect(claims).toEqual([{ budgetId: 'key_1', periodEnd: 0, maxBudgetMicros: 10 * USD, level: 80 }]);
    expect(posts).toEqual(['Switchboard: notes-app has used 80% of its $10.00 budget ($8.00 spent).']);
    expect(log.lines.filter((l) => l.level === 'warn').map((l) => l.msg)).toEqual(posts);

    budgets[0]!.spendMicros = 10 * USD;
    alerts.check();
    await alerts.settled();
    expect(claims.map((c) => c.level)).toEqual([80, 100]);
    expect(posts).toHaveLength(2);
  });

  it('stays quiet when another replica claimed the threshold first', async () => {
    const { alerts, budgets, claims, posts, log } = setup({ claimed: () => false });
    budgets[0]!.spendMicros = 9 * USD;
    alerts.check();
    await alerts.settled();
    expect(claims).toHaveLength(1);
    expect(posts).toEqual([]);
    expect(log.lines).toEqual([]);
  });

  it('runs one more round for the checks that arrive during a round, not one each', async () => {
    const { alerts, reads } = setup();
    for (let i = 0; i < 5; i++) alerts.check();
    await alerts.settled();
    expect(reads()).toBe(2);
  });

  it('turns a database failure into a warning and announces at the next check', async () => {
    const { alerts, budgets, posts, log, failNextRead } = setup();
    budgets[0]!.spendMicros = 8 * USD;
    failNextRead();
    expect(() => alerts.check()).not.toThrow();
    await alerts.settled();
    expect(posts).toEqual([]);
    expect(log.lines.map((l) => l.msg)).toEqual(['budget alerts: could not check the budgets; the next flush retries']);
    alerts.check();
    await alerts.settled();
    expect(posts).toHaveLength(1);
  });

  it('checks nothing while budget alerts are turned off', async () => {
    const { alerts, budgets, reads } = setup({ enabled: false });
    budgets[0]!.spendMicros = 10 * USD;
    alerts.check();
    await alerts.settled();
    expect(reads()).toBe(0);
  });
});
