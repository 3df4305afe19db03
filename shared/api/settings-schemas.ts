// Contract of GET/POST /settings: what the dashboard may change live (retention, body logging,
// allowed browser origins) and what it can only show (port, LAN access: restart-required, set
// at start). Origins are exact `scheme://host[:port]`: never `*`, never `null`, never a path.
import * as z from 'zod/mini';

export const MAX_RETENTION_DAYS = 3650;
export const MAX_ALLOWED_ORIGINS = 32;
/** Model names keyless Ollama clients may use (general_settings.ollama_api.models). */
export const MAX_KEYLESS_MODELS = 1000;

/** True for an exact http(s) origin as a browser sends it in `Origin` (no path, no trailing slash). */
export function isBrowserOrigin(text: string): boolean {
  if (!/^https?:\/\/[^/\s?#@]+$/.test(text)) return false;
  try {
    return new URL(text).origin === text;
  } catch {
    return false;
  }
}

/** An http(s) URL without credentials, or `os.environ/NAME`: where budget alerts may be posted. */
export function isWebhookReference(text: string): boolean {
  if (/^os\.environ\/[A-Za-z_][A-Za-z0-9_]*$/.test(text)) return true;
  try {
    const url = new URL(text);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.username === '' && url.password === '';
  } catch {
    return false;
  }
}

export const browserOriginSchema = z.string().check(
  z.maxLength(256),
  z.refine(isBrowserOrigin, 'must be an exact origin such as http://localhost:3000 (scheme, host and port; no path, no *)'),
);

export const gatewaySettingsSchema = z.looseObject({
  retention_days: z.int(),
  body_logging: z.boolean(),
  allowed_origins: z.array(z.string()),
  /**
   * The Ollama-compatible API: keyless loopback clients and the models they may use (live; the
   * dashboard's choice overrides general_settings.ollama_api once saved), and the Ollama listener's
   * port (set at start; null when off or its port was taken).
   */
  ollama_api: z.optional(z.looseObject({
    allow_without_key: z.boolean(),
    models: z.array(z.string()),
    listener_port: z.nullable(z.number()),
  })),
  /**
   * Budget alerts (80% and 100% of a key's budget): a log line always, and a post to this webhook
   * when one is set. `webhook` is masked (or the os.environ/ reference it is read from), never the URL.
   */
  budget_alerts: z.optional(z.looseObject({
    webhook: z.nullable(z.string()),
    source: z.nullable(z.enum(['dashboard', 'config'])),
    budget_alerts: z.boolean(),
  })),
  /**
   * Open mode admits only apps whose rule says `allowed: true` (general_settings.only_allowed_apps;
   * the dashboard's choice overrides the config file's once saved). Off by default.
   */
  only_allowed_apps: z.optional(z.boolean()),
  /** Set when the gateway starts (flags, environment); shown, not changed, by the dashboard. */
  server: z.looseObject({
    host: z.string(),
    port: z.number(),
    lan_access: z.boolean(),
    admin_key_set: z.boolean(),
  }),
});
export type GatewaySettingsView = z.infer<typeof gatewaySettingsSchema>;

export const settingsUpdateSchema = z.strictObject({
  retention_days: z.optional(z.int().check(z.minimum(1), z.maximum(MAX_RETENTION_DAYS))),
  body_logging: z.optional(z.boolean()),
  allowed_origins: z.optional(z.array(browserOriginSchema).check(z.maxLength(MAX_ALLOWED_ORIGINS))),
  budget_alerts: z.optional(z.strictObject({
    /** An http(s) URL (kept in the OS keychain), `os.environ/NAME`, or null to stop posting. */
    webhook_url: z.nullable(z.string().check(
      z.maxLength(2048),
      z.refine(isWebhookReference, 'must be an http(s) URL such as https://hooks.slack.com/services/..., or os.environ/NAME'),
    )),
  })),
  only_allowed_apps: z.optional(z.boolean()),
  ollama_api: z.optional(z.strictObject({
    allow_without_key: z.optional(z.boolean()),
    models: z.optional(z.array(z.string().check(z.minLength(1), z.maxLength(256))).check(z.maxLength(MAX_KEYLESS_MODELS))),
  })),
});
export type SettingsUpdate = z.infer<typeof settingsUpdateSchema>;
