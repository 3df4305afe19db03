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
  ollama_api: z.optional(z.strictObject({
    allow_without_key: z.optional(z.boolean()),
    models: z.optional(z.array(z.string().check(z.minLength(1), z.maxLength(256))).check(z.maxLength(MAX_KEYLESS_MODELS))),
  })),
});
export type SettingsUpdate = z.infer<typeof settingsUpdateSchema>;
