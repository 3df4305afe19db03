// Where budget alerts are posted: the dashboard's choice (Settings), else the config's
// (general_settings.alerting: ["slack"] with SLACK_WEBHOOK_URL, or ["webhook"] with WEBHOOK_URL, as
// LiteLLM reads them; general_settings.alerting_args.webhook_url as os.environ/NAME or
// keychain/NAME). A URL typed in the dashboard goes to the OS keychain; the settings table keeps
// only the reference and a masked form to show. Team mode (a server, no keychain, several
// replicas) posts to the config's webhook only (configuredWebhookUrl). Slack's URLs embed a token:
// the URL is never logged, returned or stored in the database.
import type { CredentialRef } from '../core/deployment.js';
import type { CredentialResolver } from '../secrets/resolve-credential.js';
import type { SecretStore } from '../secrets/secret-store.js';
import type { SettingsStorage } from './gateway-settings.js';
import { GatewayError } from '../core/gateway-error.js';

export const WEBHOOK_KEYCHAIN_NAME = 'switchboard-budget-alert-webhook';
const SETTING = 'alerts.budget_webhook';

/** What the config file says about alerting. */
export interface AlertingConfig {
  /** false when general_settings.alert_types is given without "budget_alerts". */
  budgetAlerts: boolean;
  webhook: CredentialRef | undefined;
  /** Shown instead of the URL: the variable or keychain name it comes from. */
  webhookLabel: string | undefined;
}

export function readAlertingConfig(general: Record<string, unknown>): AlertingConfig {
  const alerting = Array.isArray(general.alerting) ? general.alerting.filter((a): a is string => typeof a === 'string') : [];
  const types = Array.isArray(general.alert_types) ? general.alert_types.filter((a): a is string => typeof a === 'string') : undefined;
  const budgetAlerts = types === undefined || types.includes('budget_alerts');
  const args = typeof general.alerting_args === 'object' && general.alerting_args !== null ? general.alerting_args as Record<string, unknown> : {};
  const explicit = typeof args.webhook_url === 'string' ? toReference(args.webhook_url) : undefined;
  if (explicit !== undefined) return { budgetAlerts, webhook: explicit, webhookLabel: labelOf(explicit) };
  const name = alerting.includes('slack') ? 'SLACK_WEBHOOK_URL' : alerting.includes('webhook') ? 'WEBHOOK_URL' : undefined;
  return name === undefined
    ? { budgetAlerts, webhook: undefined, webhookLabel: undefined }
    : { budgetAlerts, webhook: { kind: 'env', name }, webhookLabel: `os.environ/${name}` };
}

export interface BudgetAlertWebhookView extends Record<string, unknown> {
  /** The masked URL or the reference it is read from; null when alerts are only logged. */
  webhook: string | null;
  source: 'dashboard' | 'config' | null;
  budget_alerts: boolean;
}

export interface BudgetAlertWebhook {
  url(): Promise<string | undefined>;
  view(): BudgetAlertWebhookView;
  /** A URL (kept in the keychain), `os.environ/NAME`, or null to remove the dashboard's choice. */
  save(value: string | null): Promise<void>;
}

interface Stored {
  reference: string;
  shown: string;
}

export interface BudgetAlertWebhookDeps {
  storage: SettingsStorage;
  secrets: SecretStore | undefined;
  resolve: CredentialResolver;
  config: AlertingConfig;
}

export function createBudgetAlertWebhook(deps: BudgetAlertWebhookDeps): BudgetAlertWebhook {
  const stored = (): Stored | undefined => {
    const value = deps.storage.get(SETTING);
    if (typeof value !== 'object' || value === null) return undefined;
    const { reference, shown } = value as Record<string, unknown>;
    return typeof reference === 'string' && typeof shown === 'string' ? { reference, shown } : undefined;
  };
  const configured = configuredWebhookUrl(deps.config, deps.resolve);
  return {
    async url() {
      const own = stored();
      return own ? resolveUrl(toReference(own.reference), deps.resolve) : configured();
    },
    view() {
      const own = stored();
      if (own) return { webhook: own.shown, source: 'dashboard', budget_alerts: deps.config.budgetAlerts };
      return { webhook: deps.config.webhookLabel ?? null, source: deps.config.webhook ? 'config' : null, budget_alerts: deps.config.budgetAlerts };
    },
    async save(value) {
      if (value === null) {
        deps.storage.set(SETTING, null);
        if (deps.secrets) await deps.secrets.delete(WEBHOOK_KEYCHAIN_NAME).catch(() => false);
        return;
      }
      if (value.startsWith('os.environ/')) {
        deps.storage.set(SETTING, { reference: value, shown: value });
        return;
      }
      if (!deps.secrets) {
        throw new GatewayError('invalid_request',
          'No OS keychain is available to keep the webhook URL in; set an environment variable to it and give "os.environ/NAME" instead', { param: 'budget_alerts.webhook_url' });
      }
      await deps.secrets.set(WEBHOOK_KEYCHAIN_NAME, value);
      deps.storage.set(SETTING, { reference: `keychain/${WEBHOOK_KEYCHAIN_NAME}`, shown: maskWebhookUrl(value) });
    },
  };
}

/** The config file's webhook (general_settings.alerting, alerting_args.webhook_url), resolved at each call; undefined = log only. */
export function configuredWebhookUrl(config: AlertingConfig, resolve: CredentialResolver): () => Promise<string | undefined> {
  return async () => (config.webhook === undefined ? undefined : resolveUrl(config.webhook, resolve));
}

async function resolveUrl(ref: CredentialRef, resolve: CredentialResolver): Promise<string | undefined> {
  const url = await resolve(ref);
  return url === undefined || url === '' ? undefined : url;
}

/** `https://hooks.slack.com/…wxyz`: enough to recognise it, never the token. */
export function maskWebhookUrl(url: string): string {
  try {
    return `${new URL(url).origin}/…${url.slice(-4)}`;
  } catch {
    return '…';
  }
}

function toReference(value: string): CredentialRef {
  if (value.startsWith('os.environ/')) return { kind: 'env', name: value.slice('os.environ/'.length) };
  if (value.startsWith('keychain/')) return { kind: 'keychain', name: value.slice('keychain/'.length) };
  return { kind: 'literal', value };
}

function labelOf(ref: CredentialRef): string {
  if (ref.kind === 'env') return `os.environ/${ref.name}`;
  if (ref.kind === 'keychain') return `keychain/${ref.name}`;
  return ref.kind === 'literal' ? maskWebhookUrl(ref.value) : '';
}
