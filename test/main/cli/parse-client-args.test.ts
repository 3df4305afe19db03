import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../../main/cli-args.js';

const env = { HOME: '/home/u' };
const parse = (argv: string[], extra: NodeJS.ProcessEnv = {}) => parseArgs(argv, { ...env, ...extra }, 'linux');
const DEFAULT_DIR = '/home/u/.local/share/switchboard';

describe('parseArgs for the client commands', () => {
  it.each<[string[], unknown]>([
    [['status'], { command: 'status' }],
    [['models'], { command: 'models' }],
    [['models', 'test', 'qwen'], { command: 'models-test', model: 'qwen' }],
    [['keys', 'list'], { command: 'keys-list' }],
    [['keys', 'create', '--alias', 'notes', '--models', 'a, b', '--max-budget', '2.5', '--rpm', '10'], { command: 'keys-create', alias: 'notes', models: ['a', 'b'], maxBudgetUsd: 2.5, rpm: 10 }],
    [['keys', 'revoke', 'key_abc'], { command: 'keys-revoke', ref: 'key_abc' }],
    [['usage'], { command: 'usage' }],
    [['logs'], { command: 'logs', follow: false, lines: 20, logFormat: undefined }],
    [['logs', '-f', '-n', '5', '--log-format', 'json'], { command: 'logs', follow: true, lines: 5, logFormat: 'json' }],
  ])('%j', (argv, action) => {
    expect(parse(argv)).toEqual({ command: 'client', action, location: { host: '127.0.0.1', port: undefined, dataDir: DEFAULT_DIR, configFile: undefined } });
  });

  it('finds the gateway the way serve was started: flags over SWITCHBOARD_* variables', () => {
    const fromEnv = { SWITCHBOARD_PORT: '5000', SWITCHBOARD_HOST: '0.0.0.0', SWITCHBOARD_DATA_DIR: '/d', SWITCHBOARD_CONFIG: '/c.yaml' };
    expect(parse(['status'], fromEnv)).toMatchObject({ location: { host: '0.0.0.0', port: 5000, dataDir: '/d', configFile: '/c.yaml' } });
    expect(parse(['status', '--port', '6000', '--data-dir', '/e', '--config', '/f.yaml', '--host', '127.0.0.2'], fromEnv))
      .toMatchObject({ location: { host: '127.0.0.2', port: 6000, dataDir: '/e', configFile: '/f.yaml' } });
  });

  it.each<[string[], string]>([
    [['status', 'now'], 'unexpected argument "now"'],
    [['status', '--port', '0'], 'invalid port "0"'],
    [['status', '--port', 'x'], 'invalid port "x"'],
    [['models', 'delete', 'x'], 'unknown models subcommand "delete"'],
    [['keys', 'create', '--alias', 'a', '--max-budget', '-1'], "Option '--max-budget' argument is ambiguous"],
    [['keys', 'create', '--alias', 'a', '--max-budget', 'five'], 'invalid --max-budget "five"'],
    [['keys', 'create', '--alias', 'a', '--models', ','], '--models needs at least one model name'],
    [['keys', 'create', '--alias', 'a', '--rpm', '0'], 'invalid --rpm "0"'],
    [['keys', 'create', '--alias='], 'option --alias needs a value'],
    [['keys', 'revoke', 'a', 'b'], 'unexpected argument "b"'],
    [['keys', 'rotate'], 'unknown keys subcommand "rotate"'],
    [['logs', '--log-format', 'xml'], 'invalid --log-format "xml"'],
    [['logs', '-n', '5000'], 'invalid -n "5000"'],
    [['usage', '--follow'], "Unknown option '--follow'"],
  ])('refuses %j', (argv, message) => {
    const parsed = parse(argv);
    expect(parsed.command).toBe('error');
    expect((parsed as { message: string }).message).toContain(message);
  });

  it.each([[['status', '-h']], [['keys', 'create', '--help']], [['logs', '-f', '--help']]])('shows the help for %j', (argv) => {
    expect(parse(argv)).toEqual({ command: 'help' });
  });

  it.each([['--version'], ['-v'], ['version']])('%s asks for the version', (flag) => {
    expect(parse([flag])).toEqual({ command: 'version' });
  });

  it('takes serve --log-format and SWITCHBOARD_LOG_FORMAT, flag first', () => {
    expect(parse(['serve'])).toMatchObject({ command: 'serve', logFormat: undefined });
    expect(parse(['serve'], { SWITCHBOARD_LOG_FORMAT: 'json' })).toMatchObject({ logFormat: 'json' });
    expect(parse(['serve', '--log-format', 'pretty'], { SWITCHBOARD_LOG_FORMAT: 'json' })).toMatchObject({ logFormat: 'pretty' });
    expect(parse(['serve', '--log-format', 'text'])).toEqual({ command: 'error', message: 'invalid log format "text": json or pretty' });
  });
});
