import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultDataDir, parseArgs, USAGE, type ParsedArgs } from '../../main/cli-args.js';

const HOME = { HOME: '/home/u' };
const parse = (argv: string[], env: NodeJS.ProcessEnv = HOME): ParsedArgs => parseArgs(argv, env, 'linux');
const serve = (argv: string[], env: NodeJS.ProcessEnv = HOME) => {
  const parsed = parse(['serve', ...argv], env);
  if (parsed.command !== 'serve') throw new Error(`expected serve options, got ${JSON.stringify(parsed)}`);
  return parsed;
};
const error = (argv: string[], env: NodeJS.ProcessEnv = HOME): string => {
  const parsed = parse(argv, env);
  if (parsed.command !== 'error') throw new Error(`expected an error, got ${JSON.stringify(parsed)}`);
  return parsed.message;
};

describe('cli-args', () => {
  it.each([[[]], [['--help']], [['-h']], [['help']], [['serve', '--help']], [['serve', '-h']], [['serve', '--port', '5', '--help']], [['keys', '--help']], [['keys', 'import', '-h']]])(
    'shows the help for %j',
    (argv) => {
      expect(parse(argv)).toEqual({ command: 'help' });
    },
  );

  it('serves on 127.0.0.1:4141 with the per-OS data folder and no config by default', () => {
    expect(serve([], HOME)).toEqual({
      command: 'serve', configFile: undefined, port: 4141, host: '127.0.0.1', dataDir: join('/home/u', '.local', 'share', 'switchboard'), logLevel: 'info', allowEmpty: false,
    });
  });

  it('reads --allow-empty as a switch that takes no value', () => {
    expect(serve(['--allow-empty'])).toMatchObject({ allowEmpty: true });
    expect(parse(['serve', '--allow-empty=yes'])).toMatchObject({ command: 'error' });
  });

  it.each([
    [['--config', 'a.yaml', '--port', '5000', '--host', '::1', '--data-dir', '/d']],
    [['--config=a.yaml', '--port=5000', '--host=::1', '--data-dir=/d']],
  ])('reads every flag, as "--flag value" or "--flag=value": %j', (argv) => {
    expect(serve(argv)).toMatchObject({ configFile: 'a.yaml', port: 5000, host: '::1', dataDir: '/d' });
  });

  it('takes each setting from its environment variable, and a flag over the variable', () => {
    const env = {
      ...HOME, SWITCHBOARD_CONFIG: 'env.yaml', SWITCHBOARD_PORT: '4242', SWITCHBOARD_HOST: '127.0.0.2', SWITCHBOARD_DATA_DIR: '/env-data',
      SWITCHBOARD_MASTER_KEY: 'sk-admin-0123456789', SWITCHBOARD_LOG_LEVEL: 'debug',
    };
    expect(serve([], env)).toMatchObject({ configFile: 'env.yaml', port: 4242, host: '127.0.0.2', dataDir: '/env-data', logLevel: 'debug' });
    expect(serve(['--config', 'flag.yaml', '--port', '1', '--host', '127.0.0.3', '--data-dir', '/flag-data'], env)).toMatchObject({
      configFile: 'flag.yaml', port: 1, host: '127.0.0.3', dataDir: '/flag-data',
    });
  });

  it('takes --ollama-port for the Ollama listener, and leaves it out when not given', () => {
    expect(serve(['--ollama-port', '11434']).ollamaPort).toBe(11434);
    expect(serve(['--ollama-port=11500']).ollamaPort).toBe(11500);
    expect('ollamaPort' in serve([])).toBe(false);
  });

  it('takes --database-url as given (DATABASE_URL is weighed later, with the config), and refuses it empty', () => {
    expect(serve(['--database-url', 'postgresql://u@h/db']).databaseUrl).toBe('postgresql://u@h/db');
    expect('databaseUrl' in serve([], { ...HOME, DATABASE_URL: 'postgresql://u@h/db' })).toBe(false);
    expect(error(['serve', '--database-url='])).toContain('option --database-url needs a value');
  });

  it('takes the last of a repeated flag', () => {
    expect(serve(['--port', '1', '--port', '2']).port).toBe(2);
  });

  it.each([
    [['serve', '--port', 'abc'], HOME, 'invalid port "abc"'],
    [['serve', '--port', '65536'], HOME, 'invalid port "65536"'],
    [['serve', '--port', '-1'], HOME, "Option '--port' argument is ambiguous"],
    [['serve', '--ollama-port', '0'], HOME, 'invalid Ollama port "0"'],
    [['serve', '--ollama-port', '65536'], HOME, 'invalid Ollama port "65536"'],
    [['serve', '--ollama-port', 'x'], HOME, 'invalid Ollama port "x"'],
    [['serve'], { ...HOME, SWITCHBOARD_PORT: 'x' }, 'invalid port "x"'],
    [['serve', '--bogus'], HOME, "Unknown option '--bogus'"],
    [['serve', '-p', '5'], HOME, "Unknown option '-p'"],
    [['serve', '--port'], HOME, "Option '--port <value>' argument missing"],
    [['serve', '--port='], HOME, 'option --port needs a value'],
    [['serve', '--data-dir='], HOME, 'option --data-dir needs a value'],
    // A flag is never taken as another flag's value (the hand-written parser read "--port" as the config file).
    [['serve', '--config', '--port', '5'], HOME, "Option '--config' argument is ambiguous"],
    [['serve', '--config', '--port'], HOME, "Option '--config' argument is ambiguous"],
    [['serve', 'extra'], HOME, "Unexpected argument 'extra'"],
    [['bogus'], HOME, 'unknown command "bogus"'],
    [['keys'], HOME, 'keys needs a subcommand: list, create, revoke or import'],
    [['keys', 'export'], HOME, 'unknown keys subcommand "export"'],
    [['keys', 'import'], HOME, 'keys import needs --config FILE'],
    [['keys', 'import', '--config'], HOME, "Option '--config <value>' argument missing"],
    [['keys', 'import', '--config='], HOME, 'option --config needs a value'],
    [['keys', 'import', '--config', 'a.yaml', '--port', '5'], HOME, "Unknown option '--port'"],
  ])('refuses %j: %s', (argv, env, message) => {
    expect(error(argv, env)).toContain(message);
  });

  it.each([[['keys', 'import', '--config', 'litellm.yaml']], [['keys', 'import', '--config=litellm.yaml']]])('moves keys from the config file it is named with: %j', (argv) => {
    // Never from SWITCHBOARD_CONFIG: the file is rewritten, so it must be named on purpose.
    expect(parse(argv, { ...HOME, SWITCHBOARD_CONFIG: 'other.yaml' })).toEqual({ command: 'keys-import', configFile: 'litellm.yaml' });
  });

  it('documents every serve flag and environment variable in its usage text', () => {
    for (const word of ['--config FILE', '--port N', '--host ADDR', '--data-dir DIR', '-h, --help', '--database-url URL', 'DATABASE_URL', 'SWITCHBOARD_CONFIG', 'SWITCHBOARD_PORT', 'SWITCHBOARD_DATA_DIR', 'SWITCHBOARD_MASTER_KEY', 'LITELLM_MASTER_KEY', 'keys import --config FILE']) {
      expect(USAGE).toContain(word);
    }
  });

  it.each([
    ['linux', { HOME: '/home/u' }, join('/home/u', '.local', 'share', 'switchboard')],
    ['linux', { HOME: '/home/u', XDG_DATA_HOME: '/xdg' }, join('/xdg', 'switchboard')],
    ['darwin', { HOME: '/Users/u' }, join('/Users/u', 'Library', 'Application Support', 'Switchboard')],
    ['win32', { USERPROFILE: 'C:\\Users\\u', APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, join('C:\\Users\\u\\AppData\\Roaming', 'Switchboard')],
  ] as const)('keeps the data on %s under %j in %s', (platform, env, dir) => {
    expect(defaultDataDir(env, platform)).toBe(dir);
  });
});
