// An isolated CODEX_HOME for running the real Codex CLI against a Switchboard gateway: config.toml
// with a custom Responses provider (the block a user writes for Switchboard), and a model catalog entry
// that keeps `apply_patch` a freeform (custom) tool for a model Codex does not know. Settings that
// would reach past loopback (plugin sync, analytics, the update check) are off. Never writes a key:
// Codex reads it from the environment variable named by env_key.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The environment variable Codex reads the virtual key from (`env_key`). */
export const CODEX_KEY_ENV = 'SWITCHBOARD_KEY';

export interface CodexHomeOptions {
  /** Where to create it; becomes CODEX_HOME. */
  dir: string;
  /** The gateway's OpenAI base URL, e.g. http://127.0.0.1:PORT/v1. */
  baseUrl: string;
  model: string;
  /** Reconnects after a dropped stream (Codex's default is 5, each one resending the prompt). */
  streamMaxRetries: number;
}

/**
 * Writes config.toml and switchboard-models.json into `dir`. Verified against Codex 0.171 with
 * `--strict-config` (an unknown key fails the run instead of being ignored):
 * - `model_catalog_json`: a catalog replaces the built-in one; without it a model Codex does not
 *   know gets fallback metadata and no `apply_patch` tool at all (unslothai/unsloth#9121).
 *   `shell_type = "unified_exec"` is what Codex's own models use: the `exec_command` tool ({cmd}).
 * - `features.plugins = false`: plugin sync looks up chatgpt.com and api.github.com at start;
 *   `analytics.enabled = false`: ab.chatgpt.com; `check_for_update_on_startup = false`.
 * - `request_max_retries = 0`: an HTTP error is reported at once instead of after four retries.
 */
export function writeCodexHome(options: CodexHomeOptions): void {
  mkdirSync(options.dir, { recursive: true });
  const catalog = join(options.dir, 'switchboard-models.json');
  writeFileSync(catalog, `${JSON.stringify({ models: [catalogEntry(options.model)] }, null, 2)}\n`);
  const config = [
    `model = ${tomlString(options.model)}`,
    'model_provider = "switchboard"',
    `model_catalog_json = ${tomlString(catalog)}`,
    'check_for_update_on_startup = false',
    '',
    '[model_providers.switchboard]',
    'name = "Switchboard"',
    `base_url = ${tomlString(options.baseUrl)}`,
    'wire_api = "responses"',
    `env_key = ${tomlString(CODEX_KEY_ENV)}`,
    'request_max_retries = 0',
    `stream_max_retries = ${options.streamMaxRetries}`,
    '',
    '[analytics]',
    'enabled = false',
    '',
    '[features]',
    'plugins = false',
    '',
  ].join('\n');
  writeFileSync(join(options.dir, 'config.toml'), config);
}

/** A ModelInfo (codex-rs/protocol/src/openai_models.rs) for a local model. */
function catalogEntry(slug: string): Record<string, unknown> {
  return {
    slug,
    display_name: slug,
    description: 'A local model served through Switchboard',
    default_reasoning_level: null,
    supported_reasoning_levels: [],
    shell_type: 'unified_exec',
    visibility: 'list',
    supported_in_api: true,
    priority: 1,
    upgrade: null,
    base_instructions: 'You are a coding agent running in the Codex CLI. Use the tools you are given.',
    supports_reasoning_summaries: false,
    support_verbosity: false,
    default_verbosity: null,
    apply_patch_tool_type: 'freeform',
    truncation_policy: { mode: 'bytes', limit: 10_000 },
    supports_parallel_tool_calls: false,
    context_window: 32_768,
    experimental_supported_tools: [],
  };
}

/** A TOML basic string: JSON's escapes are a subset TOML accepts for these values. */
function tomlString(value: string): string {
  return JSON.stringify(value);
}
