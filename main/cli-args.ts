// Parses `switchboard` command lines and the SWITCHBOARD_* environment into options. Pure: no
// I/O, so every flag and precedence rule is unit-tested. Flags win over environment variables,
// which win over defaults.
import { homedir } from 'node:os';
import { join } from 'node:path';

export const USAGE = `Usage: switchboard serve [options]
       switchboard keys import --config FILE

Runs the Switchboard gateway headless: an OpenAI-compatible (and Anthropic-compatible)
endpoint on http://HOST:PORT/v1, with the dashboard on the same port.

Options:
  --config FILE     LiteLLM-style config.yaml (env SWITCHBOARD_CONFIG; default: a local
                    Ollama at http://127.0.0.1:11434)
  --port N          port to listen on (env SWITCHBOARD_PORT; default 4141)
  --host ADDR       address to bind (default 127.0.0.1). LAN mode: 0.0.0.0 (or ::, or one
                    of this machine's addresses) lets other machines connect; it needs an
                    admin key, and their requests must name this machine in Host by one of
                    its addresses or a name listed in general_settings.allowed_hosts
  --data-dir DIR    where the database lives (env SWITCHBOARD_DATA_DIR; default per OS:
                    ~/.local/share/switchboard, ~/Library/Application Support/Switchboard,
                    %APPDATA%\\Switchboard)
  -h, --help        show this help

Environment:
  SWITCHBOARD_MASTER_KEY   the admin key, at least 16 characters (LITELLM_MASTER_KEY is
                           accepted too); overrides general_settings.master_key
  SWITCHBOARD_LOG_LEVEL    fatal, error, warn, info (default), debug, trace (keys are
                           masked at every level)

switchboard keys import --config FILE
  Moves the plaintext keys in FILE (litellm_params.api_key, general_settings.master_key)
  into the OS keychain (service "Switchboard") and rewrites FILE to keychain/NAME
  references. The original is kept as FILE.bak (it still holds the keys: delete it once
  Switchboard starts fine). Nothing changes when the keychain is missing or locked.
`;

export interface ServeOptions {
  command: 'serve';
  configFile: string | undefined;
  port: number;
  host: string;
  dataDir: string;
  masterKey: string | undefined;
  logLevel: string;
}

export interface KeysImportOptions {
  command: 'keys-import';
  configFile: string;
}

export type ParsedArgs = ServeOptions | KeysImportOptions | { command: 'help' } | { command: 'error'; message: string };

export function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): ParsedArgs {
  const args = [...argv];
  if (args.length === 0 || args[0] === '-h' || args[0] === '--help' || args[0] === 'help') return { command: 'help' };
  const command = args.shift();
  if (command === 'keys') return parseKeysArgs(args);
  if (command !== 'serve') return { command: 'error', message: `unknown command "${command}"` };

  const flags: Record<string, string> = {};
  while (args.length > 0) {
    const arg = args.shift()!;
    if (arg === '-h' || arg === '--help') return { command: 'help' };
    const match = /^--(config|port|host|data-dir)(?:=(.*))?$/.exec(arg);
    if (!match) return { command: 'error', message: `unknown option "${arg}"` };
    const value = match[2] ?? args.shift();
    if (value === undefined || value === '') return { command: 'error', message: `option --${match[1]} needs a value` };
    flags[match[1]!] = value;
  }

  const portText = flags.port ?? env.SWITCHBOARD_PORT ?? '4141';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) return { command: 'error', message: `invalid port "${portText}"` };
  const host = flags.host ?? env.SWITCHBOARD_HOST ?? '127.0.0.1';
  const masterKey = nonEmpty(env.SWITCHBOARD_MASTER_KEY) ?? nonEmpty(env.LITELLM_MASTER_KEY);
  return {
    command: 'serve',
    configFile: flags.config ?? nonEmpty(env.SWITCHBOARD_CONFIG),
    port,
    host,
    dataDir: flags['data-dir'] ?? nonEmpty(env.SWITCHBOARD_DATA_DIR) ?? defaultDataDir(env, platform),
    masterKey,
    logLevel: nonEmpty(env.SWITCHBOARD_LOG_LEVEL) ?? 'info',
  };
}

/** `keys import --config FILE`: the file is named explicitly, never taken from the environment, because it is rewritten. */
function parseKeysArgs(args: string[]): ParsedArgs {
  const sub = args.shift();
  if (sub === '-h' || sub === '--help') return { command: 'help' };
  if (sub !== 'import') return { command: 'error', message: sub === undefined ? 'keys needs a subcommand: keys import --config FILE' : `unknown keys subcommand "${sub}"` };
  let configFile: string | undefined;
  while (args.length > 0) {
    const arg = args.shift()!;
    if (arg === '-h' || arg === '--help') return { command: 'help' };
    const match = /^--config(?:=(.*))?$/.exec(arg);
    if (!match) return { command: 'error', message: `unknown option "${arg}"` };
    const value = match[1] ?? args.shift();
    if (value === undefined || value === '') return { command: 'error', message: 'option --config needs a value' };
    configFile = value;
  }
  if (configFile === undefined) return { command: 'error', message: 'keys import needs --config FILE' };
  return { command: 'keys-import', configFile };
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
