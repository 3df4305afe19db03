// Delivers one budget alert's text to the budget-alert webhook, fire and forget: reads the URL at
// each alert (the dashboard may change it), posts once (the poster retries once), and logs a
// warning naming only the budget and level when the URL cannot be read or the webhook does not take
// it. Shared by the desktop's alerts and team mode's. Never logs or returns the webhook URL (Slack's
// embeds a token), never throws, never delays the caller.
import type { Log } from '../storage/log.js';
import type { BudgetAlert } from './budget-thresholds.js';
import type { PostWebhook } from './post-webhook.js';

export interface BudgetAlertSenderDeps {
  /** Where to post, read at each alert; undefined = log only. */
  webhookUrl(): Promise<string | undefined>;
  post: PostWebhook;
  log: Log;
}

export interface BudgetAlertSender {
  send(alert: BudgetAlert, text: string): void;
  /** Resolves when every post started so far has finished (tests, shutdown). */
  settled(): Promise<void>;
}

export function createBudgetAlertSender(deps: BudgetAlertSenderDeps): BudgetAlertSender {
  const pending = new Set<Promise<void>>();
  return {
    send(alert, text) {
      const delivery = (async () => {
        let url: string | undefined;
        try {
          url = await deps.webhookUrl();
        } catch (error) {
          deps.log.warn({ keyId: alert.keyId, level: alert.level, err: error instanceof Error ? error.message : String(error) }, 'budget alert: the webhook URL could not be read; only logged');
          return;
        }
        if (url === undefined) return;
        const result = await deps.post(url, text);
        if (!result.ok) deps.log.warn({ keyId: alert.keyId, level: alert.level, reason: result.reason }, `budget alert: the webhook did not take it (${result.reason})`);
      })();
      pending.add(delivery);
      void delivery.finally(() => pending.delete(delivery));
    },
    async settled() {
      while (pending.size > 0) await Promise.all([...pending]);
    },
  };
}
