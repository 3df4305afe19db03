// Budget alerts without the desktop app: when a key's, a team's or a user's spend crosses 80% or
// 100% of its budget (or a team's of its soft budget),
// one log line and, when a webhook is configured, one Slack-compatible post; each threshold once
// per budget period (budget-thresholds.ts decides). Levels already reached when the gateway
// starts count as announced, so a restart does not repeat them. check() is synchronous and cheap
// (one read of the budgeted keys); sending is fire-and-forget and can never fail or slow a request.
// Never logs or returns the webhook URL, never shows a key.
import { formatUsd } from '../../shared/format-usd.js';
import type { Log } from '../storage/log.js';
import { checkBudgets, budgetLevel, type BudgetAlert, type BudgetLevel, type KeyBudget } from './budget-thresholds.js';
import type { PostWebhook } from './post-webhook.js';
import { createBudgetAlertSender } from './send-budget-alert.js';

export interface BudgetAlertsDeps {
  /** Every key with a budget, with its spend now. */
  readBudgets(): readonly KeyBudget[];
  /** Where to post, read at each alert (the dashboard may change it); undefined = log only. */
  webhookUrl(): Promise<string | undefined>;
  post: PostWebhook;
  log: Log;
  /** false turns budget alerts off (general_settings.alert_types without "budget_alerts"). */
  enabled?: () => boolean;
}

export interface BudgetAlerts {
  /** Looks at every budget now; alerts for each threshold newly crossed. Never throws. */
  check(): void;
  /** Resolves when every post started so far has finished (tests, shutdown). */
  settled(): Promise<void>;
}

export function budgetAlertMessage(alert: BudgetAlert): string {
  if (alert.soft) {
    const used = alert.level === 100 ? 'has reached' : 'has used 80% of';
    return `Switchboard: ${alert.app} ${used} its ${formatUsd(alert.maxBudgetMicros)} soft budget (${formatUsd(alert.spendMicros)} spent). Requests are still served: a soft budget only warns.`;
  }
  const what = alert.level === 100 ? 'has used all of its' : `has used ${alert.level}% of its`;
  const next = alert.level === 100 ? ' Requests to priced models are refused until the budget resets or is raised.' : '';
  return `Switchboard: ${alert.app} ${what} ${formatUsd(alert.maxBudgetMicros)} budget (${formatUsd(alert.spendMicros)} spent).${next}`;
}

export function createBudgetAlerts(deps: BudgetAlertsDeps): BudgetAlerts {
  let announced = new Map<string, BudgetLevel>();
  const sender = createBudgetAlertSender(deps);
  try {
    for (const key of deps.readBudgets()) {
      const level = budgetLevel(key.spendMicros, key.maxBudgetMicros);
      if (level !== null) announced.set(key.keyId, level);
    }
  } catch (error) {
    deps.log.warn({ err: error }, 'budget alerts: could not read the budgets at start');
  }

  return {
    check() {
      if (deps.enabled?.() === false) return;
      try {
        const result = checkBudgets(deps.readBudgets(), announced);
        announced = result.announced;
        for (const alert of result.alerts) {
          const text = budgetAlertMessage(alert);
          deps.log.warn({ keyId: alert.keyId, app: alert.app, level: alert.level, spendMicros: alert.spendMicros, maxBudgetMicros: alert.maxBudgetMicros }, text);
          sender.send(alert, text);
        }
      } catch (error) {
        deps.log.warn({ err: error }, 'budget alerts: could not read the budgets');
      }
    },
    settled: () => sender.settled(),
  };
}
