// Parses `switchboard` command lines (node:util parseArgs, strict) and the SWITCHBOARD_*
// environment into options. Pure: no I/O, so every flag and precedence rule is unit-tested. Flags
// win over environment variables, which win over defaults. Never takes a flag as another's value.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs as parseCommandLine, type ParseArgsConfig } from 'node:util';
import { isLogFormat, type LogFormat } from './cli/choose-log-format.js';
import { CLIENT_COMMANDS, CLIENT_KEYS_SUBCOMMANDS, parseClientArgs, type ClientArgs } from './cli/parse-client-args.js';

export const USAGE = `Usage: switchboard serve [options]
       switchboard status | models [test NAME] | usage | logs [-f] [-n N]
       switchboard keys list | create --alias NAME [...] | revoke NAME | import --config FILE
       switchboard db copy --to postgresql://... [--data-dir DIR | --from FILE] [--replace]
       switchboard --version

Runs the Switchboard gateway headless: an OpenAI-compatible (and Anthropic-compatible)
endpoint on http://HOST:PORT/v1, with the dashboard on the same port.

Options (as --flag VALUE or --flag=VALUE):
  --config FILE     LiteLLM-style config.yaml (env SWITCHBOARD_CONFIG; default: a local
                    Ollama at http://127.0.0.1:11434)
  --port N          port to listen on (env SWITCHBOARD_PORT; default 4141)
  --ollama-port N   also serve the Ollama-compatible API (/ and /api/*) on 127.0.0.1:N,
                    e.g. 11434 for clients that only know Ollama's address (overrides
                    general_settings.ollama_api.port); if N is taken (a running Ollama),
                    Switchboard says so and keeps /api on its main port
  --host ADDR       address to bind (default 127.0.0.1). LAN mode: 0.0.0.0 (or ::, or one
                    of this machine's addresses) lets other machines connect; it needs an
                    admin key, and their requests must name this machine in Host by one of
                    its addresses or a name listed in general_settings.allowed_hosts
  --data-dir DIR    where the database lives (env SWITCHBOARD_DATA_DIR; default per OS:
                    ~/.local/share/switchboard, ~/Library/Application Support/Switchboard,
                    %APPDATA%\\Switchboard)
  --allow-empty     start even when there is no model at all (none in the config, none
                    added in the dashboard), to add models in the dashboard; without it
                    such a start is refused as a config error
  --log-format F    pretty (one readable line per request) or json (JSON lines) on stderr
                    (env SWITCHBOARD_LOG_FORMAT; default: pretty on a terminal, else json)
  --database-url URL
                    a postgresql:// URL for team mode (env DATABASE_URL, or
                    general_settings.database_url). Team mode is not available in this
                    version yet: with a PostgreSQL URL from any of these, serve refuses to
                    start rather than keep the data in a local SQLite file. Without one,
                    everything is stored in SQLite in the data directory
  -h, --help        show this help

Environment:
  SWITCHBOARD_MASTER_KEY   the admin key, at least 16 characters (LITELLM_MASTER_KEY is
                           accepted too); overrides general_settings.master_key
  SWITCHBOARD_LOG_LEVEL    fatal, error, warn, info (default), debug, trace (keys are
                           masked at every level)
  SWITCHBOARD_ALLOWED_HOSTS  comma-separated Host names (e.g. a Kubernetes Service, its
                           FQDN, a load balancer; *.domain for subdomains) accepted beyond
                           loopback, besides general_settings.allowed_hosts
  SWITCHBOARD_DRAIN_DELAY_SECONDS  on SIGTERM, how long readiness fails while requests are
                           still served (default 5 beyond loopback, 0 on loopback)
  SWITCHBOARD_SHUTDOWN_GRACE_SECONDS  then, how long in-flight requests and streams get
                           before their connections are cut (default 20)

Commands for a running gateway. Each finds it the way serve was started (--port, --host,
--data-dir, --config and the same environment variables; serve leaves its address in
DATA_DIR/gateway.json while it runs) and signs in with SWITCHBOARD_MASTER_KEY or
general_settings.master_key of --config:
  status                  is a gateway running here; the health of every model
  models                  the models it serves
  models test NAME        sends one tiny chat to NAME; prints the answer and latency, or the error
  keys list               the virtual keys (masked), their limits, spend and last use
  keys create --alias NAME [--models a,b] [--max-budget USD] [--rpm N]
                          creates a key and prints it once
  keys revoke NAME|ID     deletes a key by alias or key id (key_...); apps using it get 401
  usage                   requests, tokens and spend per app, today and over the last 7 days
  logs [-n N] [-f]        the last N requests (default 20); -f keeps printing new ones
                          (--log-format json|pretty as for serve, decided by stdout)

switchboard keys import --config FILE
  Moves the plaintext keys in FILE (litellm_params.api_key, general_settings.master_key)
  into the OS keychain (service "Switchboard") and rewrites FILE to keychain/NAME
  references. The original is kept as FILE.bak (it still holds the keys: delete it once
  Switchboard starts fine). Nothing changes when the keychain is missing or locked.

switchboard db copy --to postgresql://USER:PASSWORD@HOST:5432/DATABASE [--data-dir DIR | --from FILE] [--replace]
  Copies this machine's SQLite database (DATA_DIR/switchboard.db, or FILE) into an empty
  PostgreSQL database for team mode, in one transaction; refuses a target that already
  holds keys or usage unless --replace (then replaces all it holds). Stop the gateway
  first. See docs/team-mode.md.
`;

export interface ServeOptions {
  command: 'serve';
  configFile: string | undefined;
  port: number;
  /** --ollama-port: the second loopback listener for Ollama clients; undefined = general_settings.ollama_api.port. */
  ollamaPort?: number;
  host: string;
  dataDir: string;
  logLevel: string;
  /** --allow-empty: start with no models at all instead of refusing. */
  allowEmpty: boolean;
  /** --log-format / SWITCHBOARD_LOG_FORMAT; undefined = pretty on a terminal, JSON otherwise. */
  logFormat: LogFormat | undefined;
  /** --database-url as given; DATABASE_URL and the config are weighed by chooseStorageEngine. */
  databaseUrl?: string;
}

export interface KeysImportOptions {
  command: 'keys-import';
  configFile: string;
}

export type ParsedArgs = ServeOptions | KeysImportOptions | ClientArgs | { command: 'help' } | { command: 'version' } | { command: 'error'; message: string };

type FlagsConfig = NonNullable<ParseArgsConfig['options']>;

/** `serve`'s flags; `--flag value` and `--flag=value` both work (node:util parseArgs, strict). */
const SERVE_FLAGS = {
  config: { type: 'string' },
  port: { type: 'string' },
  'ollama-port': { type: 'string' },
  host: { type: 'string' },
  'data-dir': { type: 'string' },
  'allow-empty': { type: 'boolean' },
  'log-format': { type: 'string' },
  'database-url': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies FlagsConfig;

/** `keys import`'s flags: the file is named explicitly, never taken from the environment, because it is rewritten. */
const KEYS_IMPORT_FLAGS = {
  config: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies FlagsConfig;

export function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): ParsedArgs {
  const [command, ...rest] = argv;
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') return { command: 'help' };
  if (command === '--version' || command === '-v' || command === 'version') return { command: 'version' };
  if (command === 'keys') return parseKeysArgs(rest, env, platform);
  if (CLIENT_COMMANDS.has(command)) return parseClientArgs(command, rest, env, defaultDataDir(env, platform));
  if (command !== 'serve') return { command: 'error', message: `unknown command "${command}"` };

  const parsed = readFlags(rest, SERVE_FLAGS);
  if ('error' in parsed) return { command: 'error', message: parsed.error };
  const flags = parsed.values;
  if (flags.help) return { command: 'help' };

  const portText = flags.port ?? env.SWITCHBOARD_PORT ?? '4141';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) return { command: 'error', message: `invalid port "${portText}"` };
  const ollamaPortText = flags['ollama-port'];
  const ollamaPort = ollamaPortText === undefined ? undefined : Number(ollamaPortText);
  if (ollamaPortText !== undefined && (!/^\d+$/.test(ollamaPortText) || ollamaPort! < 1 || ollamaPort! > 65535)) {
    return { command: 'error', message: `invalid Ollama port "${ollamaPortText}"` };
  }
  const host = flags.host ?? env.SWITCHBOARD_HOST ?? '127.0.0.1';
  const logFormat = flags['log-format'] ?? nonEmpty(env.SWITCHBOARD_LOG_FORMAT);
  if (logFormat !== undefined && !isLogFormat(logFormat)) return { command: 'error', message: `invalid log format "${logFormat}": json or pretty` };
  return {
    command: 'serve',
    configFile: flags.config ?? nonEmpty(env.SWITCHBOARD_CONFIG),
    port,
    ...(ollamaPort === undefined ? {} : { ollamaPort }),
    host,
    dataDir: flags['data-dir'] ?? nonEmpty(env.SWITCHBOARD_DATA_DIR) ?? defaultDataDir(env, platform),
    logLevel: nonEmpty(env.SWITCHBOARD_LOG_LEVEL) ?? 'info',
    allowEmpty: flags['allow-empty'] === true,
    logFormat,
    ...(flags['database-url'] === undefined ? {} : { databaseUrl: flags['database-url'] }),
  };
}

function parseKeysArgs(args: readonly string[], env: NodeJS.ProcessEnv, platform: NodeJS.Platform): ParsedArgs {
  const [sub, ...rest] = args;
  if (sub === '-h' || sub === '--help') return { command: 'help' };
  if (sub !== undefined && CLIENT_KEYS_SUBCOMMANDS.has(sub)) return parseClientArgs(`keys ${sub}`, rest, env, defaultDataDir(env, platform));
  if (sub !== 'import') return { command: 'error', message: sub === undefined ? 'keys needs a subcommand: list, create, revoke or import' : `unknown keys subcommand "${sub}"` };
  const parsed = readFlags(rest, KEYS_IMPORT_FLAGS);
  if ('error' in parsed) return { command: 'error', message: parsed.error };
  if (parsed.values.help) return { command: 'help' };
  if (parsed.values.config === undefined) return { command: 'error', message: 'keys import needs --config FILE' };
  return { command: 'keys-import', configFile: parsed.values.config };
}

/**
 * Strict parsing: an unknown flag, a positional argument, a flag without its value, or a value
 * that looks like a flag (`--config --port 5`) is refused with Node's own message. An empty
 * value (`--port=`) is refused too: no flag here means anything when empty.
 */
function readFlags<T extends FlagsConfig>(args: readonly string[], options: T): { values: ParsedValues<T> } | { error: string } {
  let values: ParsedValues<T>;
  try {
    values = parseCommandLine({ args, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    if (isParseArgsError(error)) return { error: error.message };
    throw error;
  }
  for (const [name, value] of Object.entries(values)) {
    if (value === '') return { error: `option --${name} needs a value` };
  }
  return { values };
}

type ParsedValues<T extends FlagsConfig> = ReturnType<typeof parseCommandLine<{ options: T; strict: true; allowPositionals: false }>>['values'];

function isParseArgsError(error: unknown): error is Error & { code: string } {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' && error.code.startsWith('ERR_PARSE_ARGS_');
}

export function defaultDataDir(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string {
  const home = env.HOME ?? env.USERPROFILE ?? homedir();
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'Switchboard');
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Switchboard');
  return join(nonEmpty(env.XDG_DATA_HOME) ?? join(home, '.local', 'share'), 'switchboard');
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
