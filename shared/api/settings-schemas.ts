// Contract of GET/POST /settings: what the dashboard may change live (retention, body logging,
// allowed browser origins) and what it can only show (port, LAN access: restart-required, set
// at start). Origins are exact `scheme://host[:port]`: never `*`, never `null`, never a path.
import * as z from 'zod/mini';

export const MAX_RETENTION_DAYS = 3650;
export const MAX_ALLOWED_ORIGINS = 32;

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
});
export type SettingsUpdate = z.infer<typeof settingsUpdateSchema>;
