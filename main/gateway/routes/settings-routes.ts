// GET/POST /settings, admin only: the live settings (retention days, body logging, allowed
// browser origins, keyless Ollama clients and their models, only_allowed_apps) and, read-only, what was fixed at start (host, port, LAN access, whether an
// admin key is set). A change applies to the next request without a restart; port and LAN
// access are refused here because they need one.
import type { FastifyInstance } from 'fastify';
import { GatewayError } from '../../core/gateway-error.js';
import { isLoopbackHost } from '../../core/host-name.js';
import { parseBody } from './parse-body.js';
import type { GatewaySettings } from '../../config/gateway-settings.js';
import { settingsUpdateSchema, type GatewaySettingsView } from '../../../shared/api/settings-schemas.js';
import type { BudgetAlertWebhook } from '../../config/budget-alert-webhook.js';

export interface ServerFacts {
  host: string;
  port: number;
  adminKeySet: boolean;
  /** The Ollama listener's port when it is listening. */
  ollamaListenerPort?: number | undefined;
}

export interface SettingsRouteDeps {
  settings: GatewaySettings;
  /** Read per request: the port is only known once listening. */
  server: () => ServerFacts;
  /** Keyless Ollama access as it applies now (dashboard over config.yaml). */
  ollamaKeyless?: () => { allowWithoutKey: boolean; models: readonly string[] };
  /** Where budget alerts are posted (the URL itself never leaves it). */
  budgetAlerts?: BudgetAlertWebhook;
  /** general_settings.only_allowed_apps as it applies now (dashboard over config.yaml). */
  onlyAllowedApps?: () => boolean;
}

export function registerSettingsRoutes(app: FastifyInstance, deps: SettingsRouteDeps): void {
  const view = (): GatewaySettingsView => {
    const values = deps.settings.values();
    const server = deps.server();
    return {
      retention_days: values.retentionDays,
      body_logging: values.bodyLogging,
      allowed_origins: [...values.allowedOrigins],
      ...(deps.ollamaKeyless ? {
        ollama_api: { allow_without_key: deps.ollamaKeyless().allowWithoutKey, models: [...deps.ollamaKeyless().models], listener_port: server.ollamaListenerPort ?? null },
      } : {}),
      ...(deps.budgetAlerts ? { budget_alerts: deps.budgetAlerts.view() } : {}),
      ...(deps.onlyAllowedApps ? { only_allowed_apps: deps.onlyAllowedApps() } : {}),
      server: { host: server.host, port: server.port, lan_access: !isLoopbackHost(server.host), admin_key_set: server.adminKeySet },
    };
  };

  app.get('/settings', async () => view());

  app.post('/settings', async (request) => {
    const body = request.body as Record<string, unknown> | undefined;
    if (body && typeof body === 'object' && ('port' in body || 'lan_access' in body || 'host' in body)) {
      throw new GatewayError('invalid_request', 'Port and LAN access are set when Switchboard starts (--port, --host); change them there and restart', { param: 'port' in body ? 'port' : 'lan_access' });
    }
    const { budget_alerts: budgetAlerts, ...patch } = parseBody(settingsUpdateSchema, body);
    if (budgetAlerts !== undefined) {
      if (!deps.budgetAlerts) throw new GatewayError('invalid_request', 'Budget alerts are not available on this gateway', { param: 'budget_alerts' });
      await deps.budgetAlerts.save(budgetAlerts.webhook_url);
    }
    await deps.settings.update(patch);
    return view();
  });
}
