// Budget alerts in team mode (several replicas on one PostgreSQL database): when a key's, a team's
// or a user's spend crosses 80% or 100% of its budget (or a team's of its soft budget), one log line
// and one webhook post, exactly once per threshold per budget period ACROSS ALL REPLICAS. Each
// replica checks after its own usage flush (the only way spend grows); before announcing, it claims
// the threshold in the database (budget_alert_marks, a compare-and-set: main/storage/budget-alert-marks.ts)
// and only the replica whose claim raised the mark logs and posts. Marks outlive restarts, so a
// restarted replica repeats nothing. Same thresholds and words as the desktop (budget-thresholds.ts,
// budget-alerts.ts). check() never throws and never delays a request: one round at a time, a check
// arriving meanwhile runs one more round after it. Never logs or returns the webhook URL.
import type { Log } from '../storage/log.js';
import type { BudgetAlertMark } from '../storage/budget-alert-marks.js';
import type { AlertBudget } from './alert-budgets.js';
import { budgetAlertMessage } from './budget-alerts.js';
import { budgetLevel, type BudgetLevel } from './budget-thresholds.js';
import type { PostWebhook } from './post-webhook.js';
import { createBudgetAlertSender } from './send-budget-alert.js';

export interface TeamBudgetAlertsDeps {
  /** Every watched budget with its spend now and its period's end (createAlertBudgetReader on the pool). */
  readBudgets(): Promise<readonly AlertBudget[]>;
  /** true when this replica raised the mark and so announces it (createBudgetAlertMarks(...).claim). */
  claim(mark: BudgetAlertMark): Promise<boolean>;
  /** Where to post, read at each alert; undefined = log only. */
  webhookUrl(): Promise<string | undefined>;
  post: PostWebhook;
  log: Log;
  /** false turns budget alerts off (general_settings.alert_types without "budget_alerts"). */
  enabled?: () => boolean;
}

export interface TeamBudgetAlerts {
  /** Looks at every budget (in the background); announces each threshold this replica claims first. Never throws. */
  check(): void;
  /** Resolves when the rounds and posts started so far have finished (tests, shutdown). */
  settled(): Promise<void>;
}

export function createTeamBudgetAlerts(deps: TeamBudgetAlertsDeps): TeamBudgetAlerts {
  const sender = createBudgetAlertSender(deps);
  // What this replica knows is already announced (by itself or another replica), by budget, period
  // and amount: spares a claim's round trip on every flush once a level is marked. Rebuilt each
  // round from the budgets seen, so it never outgrows them.
  let known = new Map<string, BudgetLevel>();
  let running: Promise<void> | undefined;
  let again = false;

  const round = async (): Promise<void> => {
    const next = new Map<string, BudgetLevel>();
    for (const budget of await deps.readBudgets()) {
      const level = budgetLevel(budget.spendMicros, budget.maxBudgetMicros);
      if (level === null) continue;
      const mark = `${budget.keyId}\u0000${budget.periodEnd}\u0000${budget.maxBudgetMicros}`;
      const before = known.get(mark);
      if (before !== undefined && level <= before) {
        next.set(mark, before);
        continue;
      }
      const claimed = await deps.claim({ budgetId: budget.keyId, periodEnd: budget.periodEnd, maxBudgetMicros: budget.maxBudgetMicros!, level });
      next.set(mark, level);
      if (!claimed) continue;
      const alert = { keyId: budget.keyId, app: budget.app, level, spendMicros: budget.spendMicros, maxBudgetMicros: budget.maxBudgetMicros!, ...(budget.soft ? { soft: true } : {}) };
      const text = budgetAlertMessage(alert);
      deps.log.warn({ keyId: alert.keyId, app: alert.app, level, spendMicros: alert.spendMicros, maxBudgetMicros: alert.maxBudgetMicros }, text);
      sender.send(alert, text);
    }
    known = next;
  };

  const loop = async (): Promise<void> => {
    do {
      again = false;
      try {
        await round();
      } catch (error) {
        // The database may be down for a moment: the next flush checks again, and an unclaimed
        // threshold is still unclaimed then.
        deps.log.warn({ err: error instanceof Error ? error.message : String(error) }, 'budget alerts: could not check the budgets; the next flush retries');
      }
    } while (again);
  };

  return {
    check() {
      if (deps.enabled?.() === false) return;
      if (running !== undefined) {
        again = true;
        return;
      }
      running = loop().finally(() => {
        running = undefined;
      });
    },
    async settled() {
      while (running !== undefined) await running;
      await sender.settled();
    },
  };
}
