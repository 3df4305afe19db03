// `general_settings.ollama_api`: where the Ollama-compatible API also listens (a second loopback
// port, e.g. 11434), whether loopback clients may call /api/* without a key and which models they
// may then use, the version /api/version reports, and the cap on a client's keep_alive. Shapes are
// checked by the config schema (with line numbers); this turns them into meaning. Never reads
// anything but general_settings.ollama_api.
import { z } from 'zod';

/** Reported by GET /api/version: Copilot needs >= 0.6.4, Codex --oss >= 0.13.4. */
export const DEFAULT_OLLAMA_VERSION = '0.13.5';
/** Zed sends keep_alive -1 (pin the model forever); half an hour is what a session needs. */
export const DEFAULT_MAX_KEEP_ALIVE_SECONDS = 1800;

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/;
const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };

/** `1800`, `"30m"`, `"90s"`, `"1h"`; `-1` or `"unlimited"` = no cap. Undefined when not a duration. */
export function parseKeepAliveCap(value: number | string): number | null | undefined {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return undefined;
    return value < 0 ? null : Math.floor(value);
  }
  const text = value.trim().toLowerCase();
  if (text === 'unlimited' || text === '-1' || text === '-1s' || text === '-1m') return null;
  const match = DURATION.exec(text);
  if (!match) return undefined;
  return Math.floor(Number(match[1]) * UNIT_SECONDS[match[2] ?? 's']!);
}

/** The shape in config.yaml; checked by configFileSchema so a typo fails at start with its line. */
export const ollamaApiSchema = z.strictObject({
  port: z.number().int('must be a whole number').min(1).max(65535).optional(),
  allow_without_key: z.boolean().optional(),
  models: z.array(z.string().min(1).max(256), 'must be a list of model names').max(1000).optional(),
  version: z.string().regex(/^\d+\.\d+\.\d+([-+.][0-9A-Za-z.-]+)?$/, 'must be a version such as "0.13.5"').optional(),
  max_keep_alive: z.union([z.number(), z.string()])
    .refine((value) => parseKeepAliveCap(value) !== undefined, 'must be seconds (1800), a duration ("30m", "1h") or -1 / "unlimited" for no cap')
    .optional(),
});

export interface OllamaApiSettings {
  /** The extra loopback listener's port (general_settings.ollama_api.port or --ollama-port); undefined = none. */
  port: number | undefined;
  /** Loopback clients without any key may call /api/* (only), limited to `models`. */
  allowWithoutKey: boolean;
  /** The model names (or `prefix/*` patterns) keyless clients may list and use; empty = none. */
  models: readonly string[];
  /** What GET /api/version reports. */
  version: string;
  /**
   * The longest keep_alive a client may ask a real Ollama for, in seconds; null = no cap
   * (`max_keep_alive: -1`). The /api/chat and /api/generate routes read it here.
   */
  maxKeepAliveSeconds(): number | null;
}

export function parseOllamaApiSettings(generalSettings: Readonly<Record<string, unknown>>): OllamaApiSettings {
  const parsed = ollamaApiSchema.safeParse(generalSettings.ollama_api ?? {});
  // The config schema has refused a bad block already; anything else here (a hand-built object in
  // a test) falls back to the defaults rather than half-applying.
  const raw = parsed.success ? parsed.data : {};
  // null (no cap) is a real answer here, so `??` would be wrong: only undefined means "not given".
  const given = raw.max_keep_alive === undefined ? undefined : parseKeepAliveCap(raw.max_keep_alive);
  const cap = given === undefined ? DEFAULT_MAX_KEEP_ALIVE_SECONDS : given;
  return {
    port: raw.port,
    allowWithoutKey: raw.allow_without_key === true,
    models: Object.freeze([...new Set(raw.models ?? [])]),
    version: raw.version ?? DEFAULT_OLLAMA_VERSION,
    maxKeepAliveSeconds: () => cap,
  };
}
