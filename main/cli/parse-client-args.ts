// Parses the commands that talk to a running gateway (status, models, keys list|create|revoke,
// usage, logs) into what to do and where the gateway is: found the way `serve` was started
// (--port, --host, --data-dir, --config and the same SWITCHBOARD_* variables). Pure: no I/O.
// Strict like `serve`: an unknown flag, a missing value or a stray word is a usage error.
import { parseArgs as parseCommandLine, type ParseArgsConfig } from 'node:util';
import { isLogFormat, type LogFormat } from './choose-log-format.js';

export interface GatewayLocation {
  /** --host / SWITCHBOARD_HOST; an unspecified bind address (0.0.0.0, ::) is reached on loopback. */
  host: string;
  /** --port / SWITCHBOARD_PORT when given; otherwise the running gateway's file in the data dir decides. */
  port: number | undefined;
  dataDir: string;
  /** --config / SWITCHBOARD_CONFIG: where general_settings.master_key may be. */
  configFile: string | undefined;
}

export type ClientAction =
  | { command: 'status' }
  | { command: 'models' }
  | { command: 'models-test'; model: string }
  | { command: 'keys-list' }
  | { command: 'keys-create'; alias: string; models?: string[]; maxBudgetUsd?: number; rpm?: number }
  | { command: 'keys-revoke'; ref: string }
  | { command: 'usage' }
  | { command: 'logs'; follow: boolean; lines: number; logFormat: LogFormat | undefined };

export interface ClientArgs {
  command: 'client';
  action: ClientAction;
  location: GatewayLocation;
}

export type ClientParseResult = ClientArgs | { command: 'help' } | { command: 'error'; message: string };

export const CLIENT_COMMANDS: ReadonlySet<string> = new Set(['status', 'models', 'usage', 'logs']);
export const CLIENT_KEYS_SUBCOMMANDS: ReadonlySet<string> = new Set(['list', 'create', 'revoke']);

const LOCATION_FLAGS = {
  port: { type: 'string' },
  host: { type: 'string' },
  'data-dir': { type: 'string' },
  config: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

const EXTRA_FLAGS = {
  'keys create': {
    alias: { type: 'string' },
    models: { type: 'string' },
    'max-budget': { type: 'string' },
    rpm: { type: 'string' },
  },
  logs: {
    follow: { type: 'boolean', short: 'f' },
    lines: { type: 'string', short: 'n' },
    'log-format': { type: 'string' },
  },
} as const satisfies Record<string, NonNullable<ParseArgsConfig['options']>>;

/** How many past requests `logs` prints when -n is not given. */
export const DEFAULT_LOG_LINES = 20;
const MAX_LOG_LINES = 1_000;

/** `name` is `status`, `models`, `usage`, `logs` or `keys list|create|revoke`; `args` what follows it. */
export function parseClientArgs(name: string, args: readonly string[], env: NodeJS.ProcessEnv, defaultDataDir: string): ClientParseResult {
  const options: NonNullable<ParseArgsConfig['options']> = { ...LOCATION_FLAGS, ...(name in EXTRA_FLAGS ? EXTRA_FLAGS[name as keyof typeof EXTRA_FLAGS] : {}) };
  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  try {
    const parsed = parseCommandLine({ args: [...args], options, strict: true, allowPositionals: true });
    values = parsed.values as Record<string, string | boolean | undefined>;
    positionals = parsed.positionals;
  } catch (error) {
    if (error instanceof Error && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS_')) return { command: 'error', message: error.message };
    throw error;
  }
  if (values.help === true) return { command: 'help' };
  for (const [flag, value] of Object.entries(values)) if (value === '') return { command: 'error', message: `option --${flag} needs a value` };
  const text = (flag: string) => values[flag] as string | undefined;

  const portText = text('port') ?? nonEmpty(env.SWITCHBOARD_PORT);
  if (portText !== undefined && (!/^\d+$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535)) return { command: 'error', message: `invalid port "${portText}"` };
  const location: GatewayLocation = {
    host: text('host') ?? nonEmpty(env.SWITCHBOARD_HOST) ?? '127.0.0.1',
    port: portText === undefined ? undefined : Number(portText),
    dataDir: text('data-dir') ?? nonEmpty(env.SWITCHBOARD_DATA_DIR) ?? defaultDataDir,
    configFile: text('config') ?? nonEmpty(env.SWITCHBOARD_CONFIG),
  };
  const action = readAction(name, positionals, text, values);
  if ('message' in action) return { command: 'error', message: action.message };
  return { command: 'client', action, location };
}

function readAction(
  name: string,
  positionals: string[],
  text: (flag: string) => string | undefined,
  values: Record<string, string | boolean | undefined>,
): ClientAction | { message: string } {
  const extra = (allowed: number) => positionals.length > allowed ? { message: `unexpected argument "${positionals[allowed]}"` } : undefined;
  switch (name) {
    case 'status':
    case 'usage':
    case 'keys list':
      return extra(0) ?? { command: name === 'keys list' ? 'keys-list' : name };
    case 'models': {
      if (positionals.length === 0) return { command: 'models' };
      if (positionals[0] !== 'test') return { message: `unknown models subcommand "${positionals[0]}" (models, or models test NAME)` };
      if (positionals[1] === undefined) return { message: 'models test needs a model name: models test NAME' };
      return extra(2) ?? { command: 'models-test', model: positionals[1] };
    }
    case 'keys create': {
      const alias = text('alias');
      if (alias === undefined) return { message: 'keys create needs --alias NAME' };
      const action: ClientAction & { command: 'keys-create' } = { command: 'keys-create', alias };
      const models = text('models');
      if (models !== undefined) {
        action.models = models.split(',').map((model) => model.trim()).filter((model) => model !== '');
        if (action.models.length === 0) return { message: '--models needs at least one model name (a,b)' };
      }
      const budget = text('max-budget');
      if (budget !== undefined) {
        if (!/^\d+(\.\d+)?$/.test(budget)) return { message: `invalid --max-budget "${budget}": a dollar amount such as 5 or 0.50` };
        action.maxBudgetUsd = Number(budget);
      }
      const rpm = text('rpm');
      if (rpm !== undefined) {
        if (!/^\d+$/.test(rpm) || Number(rpm) < 1) return { message: `invalid --rpm "${rpm}": a whole number of requests per minute` };
        action.rpm = Number(rpm);
      }
      return extra(0) ?? action;
    }
    case 'keys revoke':
      if (positionals[0] === undefined) return { message: 'keys revoke needs the key\'s alias or id: keys revoke NAME' };
      return extra(1) ?? { command: 'keys-revoke', ref: positionals[0] };
    case 'logs': {
      const linesText = text('lines');
      if (linesText !== undefined && (!/^\d+$/.test(linesText) || Number(linesText) > MAX_LOG_LINES)) return { message: `invalid -n "${linesText}": a number of requests up to ${MAX_LOG_LINES}` };
      const format = text('log-format');
      if (format !== undefined && !isLogFormat(format)) return { message: `invalid --log-format "${format}": json or pretty` };
      return extra(0) ?? { command: 'logs', follow: values.follow === true, lines: linesText === undefined ? DEFAULT_LOG_LINES : Number(linesText), logFormat: format };
    }
    default:
      return { message: `unknown command "${name}"` };
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
