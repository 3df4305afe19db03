// The CLI's commands for a running gateway, as a user runs them: the real bin script spawned
// against a real `switchboard serve` (its own child process, a temp data dir, a loopback mock
// upstream and a dead model on a refused port). Covers --version, status with and without a
// gateway, models list and test, keys create / list / revoke (the key works with the openai SDK,
// then gets 401), the usage table, logs and logs -f, pretty and JSON output, serve's per-request
// log line and dashboard URL (pretty on a real terminal through util-linux `script`, JSON
// through a pipe), and usage errors (one line, the help hint, exit 2).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ensureBuiltCli, killStartedClis, ready, ROOT, runCli as runCliIn, type Cli } from '../support/cli-process.js';
import { createMockUpstream, type MockUpstream } from '../support/mock-upstream.js';
import { refusedPort } from '../support/refused-port.js';

const MASTER = 'sk-cli-commands-master-0123456789';
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
/** A pretty request line: time, app, model → deployment, status, tokens, latency, cost. */
const prettyLine = (app: string, status: string) =>
  new RegExp(`^\\d\\d:\\d\\d:\\d\\d  ${app}  local-vllm → hosted_vllm/qwen3  ${status}  \\d+\\+\\d+ tok  \\d+(\\.\\d)? m?s  \\$\\d+\\.\\d+$`, 'm');

let work: string;
let mock: MockUpstream;
let deadPort: number;
let config: string;
beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'switchboard-cli-commands-'));
  expect(ensureBuiltCli()).toBe(true);
  mock = await createMockUpstream();
  deadPort = await refusedPort();
  config = join(work, 'config.yaml');
  writeFileSync(config, `model_list:
  - model_name: local-vllm
    litellm_params:
      model: hosted_vllm/qwen3
      api_base: ${mock.url}/v1
  - model_name: dead
    litellm_params:
      model: openai/gone
      api_base: http://127.0.0.1:${deadPort}/v1
`);
}, 120_000);
afterAll(async () => {
  await mock.close();
  rmSync(work, { recursive: true, force: true });
});
const runCli = (args: string[], env: Record<string, string> = {}) => runCliIn(args, { cwd: work, env });

/** Resolves with the first match of `pattern` in the stream's output; rejects if the process exits first. */
function waitForOutput(cli: Cli, stream: 'stdout' | 'stderr', pattern: RegExp): Promise<RegExpExecArray> {
  const text = () => (stream === 'stdout' ? cli.stdout() : cli.stderr());
  return new Promise((resolve, reject) => {
    const readable = stream === 'stdout' ? cli.child.stdout! : cli.child.stderr!;
    const check = () => {
      const match = pattern.exec(text());
      if (match) {
        readable.off('data', check);
        resolve(match);
      }
    };
    readable.on('data', check);
    check();
    void cli.exited.then((code) => reject(new Error(`exited (${code}) before ${pattern}; stdout: ${cli.stdout()} stderr: ${cli.stderr()}`)));
  });
}

describe('switchboard --version', () => {
  // Only the processes this file started, by their handle; a passing test has already stopped them.
  afterEach(killStartedClis);
  it.each([['--version'], ['-v'], ['version']])('%s prints the version of package.json and exits 0', async (flag) => {
    const cli = runCli([flag]);
    expect(await cli.exited).toBe(0);
    expect(cli.stdout()).toBe(`switchboard ${VERSION}\n`);
  });
});

describe('usage errors', () => {
  afterEach(killStartedClis);
  it.each([
    [['keys', 'create'], 'keys create needs --alias NAME'],
    [['keys', 'create', '--alias', 'a', '--rpm', 'many'], 'invalid --rpm "many"'],
    [['logs', '-n', 'lots'], 'invalid -n "lots"'],
    [['status', '--verbose'], "Unknown option '--verbose'"],
    [['models', 'test'], 'models test needs a model name'],
    [['keys', 'revoke'], "keys revoke needs the key's alias or id"],
    [['frobnicate'], 'unknown command "frobnicate"'],
    [['serve', '--log-format', 'xml'], 'invalid log format "xml"'],
  ])('%j prints one line and the help hint and exits 2', async (args, reason) => {
    const cli = runCli(args);
    expect(await cli.exited).toBe(2);
    expect(cli.stdout()).toBe('');
    const lines = cli.stderr().split('\n').filter((line) => line !== '');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain(`switchboard: ${reason}`);
    expect(lines[1]).toBe('see `switchboard --help`');
  });
});

describe('with no gateway running', () => {
  afterEach(killStartedClis);
  it('status says so in one line, with how to start one, and exits 1', async () => {
    const port = await refusedPort();
    const cli = runCli(['status', '--port', String(port), '--data-dir', join(work, 'nothing')]);
    expect(await cli.exited).toBe(1);
    expect(cli.stdout()).toBe('');
    expect(cli.stderr()).toBe(`switchboard: No Switchboard gateway is running at http://127.0.0.1:${port}. Start one with \`switchboard serve --port ${port}\` (or \`npm start -- --port ${port}\` in the project folder).\n`);
  });

  it('ignores a gateway.json left by a process that is gone', async () => {
    const dir = join(work, 'stale');
    const port = await refusedPort();
    rmSync(dir, { recursive: true, force: true });
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dir);
    // A pid far above any real one: the serve that wrote this file was killed with -9.
    writeFileSync(join(dir, 'gateway.json'), JSON.stringify({ url: `http://127.0.0.1:${port}`, pid: 2 ** 22 + 7, version: VERSION, startedAt: '' }));
    const cli = runCli(['status', '--data-dir', dir], { SWITCHBOARD_PORT: '' });
    expect(await cli.exited).toBe(1);
    expect(cli.stderr()).not.toContain(String(port));
    expect(cli.stderr()).toMatch(/^switchboard: No Switchboard gateway is running at http:\/\/127\.0\.0\.1:4141\./);
  });
});

describe('against a running gateway, found through its data dir', () => {
  let serve: Cli;
  let url: string;
  const dataDir = () => join(work, 'data');
  // Every client command finds the gateway by the data dir alone: no --port.
  const client = (args: string[], env: Record<string, string> = {}) => runCli([...args, '--data-dir', dataDir()], { SWITCHBOARD_MASTER_KEY: MASTER, ...env });

  beforeAll(async () => {
    serve = runCliIn(['serve', '--config', config, '--port', '0', '--data-dir', join(work, 'data'), '--log-format', 'pretty'], {
      cwd: work, env: { SWITCHBOARD_MASTER_KEY: MASTER, SWITCHBOARD_LOG_LEVEL: 'info' },
    });
    url = await ready(serve);
  }, 60_000);
  // The gateway lives across these tests, so processes are stopped after the last one (a
  // failed `logs -f` included), not after each.
  afterAll(killStartedClis);

  it('serve prints the dashboard URL with its ready line and leaves its address in DATA_DIR/gateway.json', () => {
    expect(serve.stdout()).toContain(`Dashboard: ${url}/ (sign in with the admin key)\n`);
    const runtime = JSON.parse(readFileSync(join(dataDir(), 'gateway.json'), 'utf8')) as Record<string, unknown>;
    expect(runtime).toMatchObject({ url, pid: serve.child.pid, version: VERSION });
    expect(JSON.stringify(runtime)).not.toContain(MASTER);
  });

  it('status reports the gateway and the health of every model', async () => {
    const cli = client(['status']);
    expect(await cli.exited).toBe(0);
    const out = cli.stdout();
    expect(out).toContain(`Switchboard is running at ${url} (pid ${serve.child.pid})`);
    expect(out).toMatch(/^MODEL\s+DEPLOYMENT\s+HEALTH\s+LATENCY\s+DETAIL$/m);
    expect(out).toMatch(/^local-vllm\s+\S+\s+healthy\s+\d+ ms/m);
    expect(out).toMatch(/^dead\s+\S+\s+unhealthy\s+\d+ ms\s+\S/m);
  });

  it('status without the admin key says which key it needs and exits 1', async () => {
    const cli = runCli(['status', '--data-dir', dataDir()]);
    expect(await cli.exited).toBe(1);
    expect(cli.stderr()).toMatch(/^switchboard: the gateway needs its admin key: set SWITCHBOARD_MASTER_KEY/);
  });

  it('models lists the served models; models test prints the answer and latency, or the error with exit 1', async () => {
    const list = client(['models']);
    expect(await list.exited).toBe(0);
    expect(list.stdout()).toMatch(/^NAME\s+MODEL\s+API BASE\s+SOURCE$/m);
    expect(list.stdout()).toMatch(new RegExp(`^local-vllm\\s+hosted_vllm/qwen3\\s+${mock.url}/v1\\s+${config.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
    expect(list.stdout()).toMatch(/^dead\s+openai\/gone\s/m);

    const ok = client(['models', 'test', 'local-vllm']);
    expect(await ok.exited).toBe(0);
    expect(ok.stdout()).toMatch(/^local-vllm: "Hello, world!" \(\d+ ms\)\n$/);

    const dead = client(['models', 'test', 'dead']);
    expect(await dead.exited).toBe(1);
    expect(dead.stderr()).toMatch(/^switchboard: dead failed after \d+ ms: \S/);

    const unknown = client(['models', 'test', 'no-such-model']);
    expect(await unknown.exited).toBe(1);
    expect(unknown.stderr()).toContain('no-such-model');
  });

  it('keys create prints a working key once; keys list shows it masked; keys revoke makes it 401; usage and logs show its request', async () => {
    const create = client(['keys', 'create', '--alias', 'notes-app', '--models', 'local-vllm', '--max-budget', '5', '--rpm', '30']);
    expect(await create.exited).toBe(0);
    const key = /^(sk-\S+)$/m.exec(create.stdout())?.[1];
    expect(key).toBeDefined();
    expect(create.stdout()).toMatch(/^Created key "notes-app" \(key_\S+; models local-vllm, budget \$5\.00, 30 requests\/min\):$/m);

    const sdk = new OpenAI({ apiKey: key!, baseURL: `${url}/v1`, maxRetries: 0 });
    const answer = await sdk.chat.completions.create({ model: 'local-vllm', messages: [{ role: 'user', content: 'hi' }] });
    expect(answer.choices[0]?.message.content).toBe('Hello, world!');
    // The key's models limit applies: it was made for local-vllm only.
    await expect(sdk.chat.completions.create({ model: 'dead', messages: [{ role: 'user', content: 'hi' }] })).rejects.toBeInstanceOf(OpenAI.APIError);

    const list = client(['keys', 'list']);
    expect(await list.exited).toBe(0);
    expect(list.stdout()).toMatch(/^ALIAS\s+KEY\s+ID\s+MODELS\s+SPEND\s+BUDGET\s+RPM\s+LAST USED$/m);
    expect(list.stdout()).toMatch(/^notes-app\s+sk-\S*\s+key_\S+\s+local-vllm\s+\$\d+\.\d+\s+\$5\.00\s+30\s+\d{4}-/m);
    expect(list.stdout()).not.toContain(key!);

    // The serve log has the request as one pretty line, named by the key's alias.
    await waitForOutput(serve, 'stderr', prettyLine('notes-app', '200'));

    const usage = client(['usage']);
    expect(await usage.exited).toBe(0);
    const table = usage.stdout().split('\n');
    expect(table[0]).toMatch(/^APP\s+TODAY REQS\s+TOKENS\s+SPEND\s+7 DAYS REQS\s+TOKENS\s+SPEND$/);
    const row = table.find((line) => line.startsWith('notes-app '));
    // Its answered request and the refused one (model not allowed: a rejected row), today and this week.
    expect(row).toMatch(/^notes-app\s+2\s+\d+\s+\$\d+\.\d+\s+2\s+\d+\s+\$\d+\.\d+$/);
    // Aligned: every row ends where the header ends (right-aligned last column).
    expect(table.filter((line) => line !== '').every((line) => line.length === table[0]!.length)).toBe(true);

    // A failed request's line says how it failed.
    const admin = new OpenAI({ apiKey: MASTER, baseURL: `${url}/v1`, maxRetries: 0 });
    await expect(admin.chat.completions.create({ model: 'dead', messages: [{ role: 'user', content: 'hi' }] })).rejects.toBeInstanceOf(OpenAI.APIError);
    const logs = client(['logs', '-n', '5', '--log-format', 'pretty']);
    expect(await logs.exited).toBe(0);
    expect(logs.stdout()).toMatch(prettyLine('notes-app', '200'));
    expect(logs.stdout()).toMatch(/^\d\d:\d\d:\d\d  \S+  dead → openai\/gone  5\d\d upstream_error( \(\w+\))?  /m);

    const revoke = client(['keys', 'revoke', 'notes-app']);
    expect(await revoke.exited).toBe(0);
    expect(revoke.stdout()).toMatch(/^Revoked key key_\S+ \("notes-app"\): requests with it now get 401\.$/m);
    await expect(sdk.chat.completions.create({ model: 'local-vllm', messages: [{ role: 'user', content: 'hi' }] })).rejects.toBeInstanceOf(OpenAI.AuthenticationError);

    const again = client(['keys', 'revoke', 'notes-app']);
    expect(await again.exited).toBe(1);
    expect(again.stderr()).toContain('no key with the alias "notes-app"');

    // No key ever shows up in what the CLI or the gateway printed, but the one create printed.
    for (const cli of [list, usage, logs, revoke, serve]) {
      expect(cli.stdout() + cli.stderr()).not.toContain(key!);
      expect(cli.stdout() + cli.stderr()).not.toContain(MASTER);
    }
  });

  it('logs prints JSON lines when stdout is not a terminal', async () => {
    const logs = client(['logs', '-n', '3']);
    expect(await logs.exited).toBe(0);
    const lines = logs.stdout().split('\n').filter((line) => line !== '');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      const row = JSON.parse(line) as Record<string, unknown>;
      expect(row).toMatchObject({ request_id: expect.any(String), app: expect.any(String), status: expect.any(String) });
      expect(row).not.toHaveProperty('request_body');
    }
  });

  it('logs -f prints a request made after it started, once', async () => {
    const follow = client(['logs', '-f', '-n', '0', '--log-format', 'pretty']);
    await waitForOutput(follow, 'stderr', /^Following requests at /m);
    expect(follow.stdout()).toBe('');
    const sdk = new OpenAI({ apiKey: MASTER, baseURL: `${url}/v1`, maxRetries: 0, defaultHeaders: { 'user-agent': 'tail-check/1.0' } });
    await sdk.chat.completions.create({ model: 'local-vllm', messages: [{ role: 'user', content: 'hi' }] });
    const [line] = await waitForOutput(follow, 'stdout', /^.*local-vllm → hosted_vllm\/qwen3  200 .*$/m);
    expect(line).toMatch(/^\d\d:\d\d:\d\d  \S+  local-vllm → hosted_vllm\/qwen3  200  \d+\+\d+ tok/);
    // A second request shows up as a second line: each request once.
    await sdk.chat.completions.create({ model: 'local-vllm', messages: [{ role: 'user', content: 'hi' }] });
    await waitForOutput(follow, 'stdout', /(local-vllm → hosted_vllm\/qwen3  200 .*\n[^]*){2}/);
    follow.child.kill('SIGINT');
    expect(await follow.exited).toBe(0);
    expect(follow.stdout().split('\n').filter((l) => l !== '')).toHaveLength(2);
  });

  it('serve removes gateway.json when it stops, and status then says no gateway is running', async () => {
    serve.child.kill('SIGTERM');
    expect(await serve.exited).toBe(0);
    expect(existsSync(join(dataDir(), 'gateway.json'))).toBe(false);
    const cli = client(['status']);
    expect(await cli.exited).toBe(1);
    expect(cli.stderr()).toMatch(/^switchboard: No Switchboard gateway is running at /);
  });
});

describe('serve log format', () => {
  afterEach(killStartedClis);
  it('writes JSON lines, one per request with msg "request", when stderr is not a terminal', async () => {
    const serve = runCli(['serve', '--config', config, '--port', '0', '--data-dir', join(work, 'json')], { SWITCHBOARD_LOG_LEVEL: 'info' });
    const url = await ready(serve);
    // Without an admin key the dashboard opens directly: no sign-in hint.
    expect(serve.stdout()).toContain(`Dashboard: ${url}/\n`);
    const sdk = new OpenAI({ apiKey: 'unused', baseURL: `${url}/v1`, maxRetries: 0 });
    await sdk.chat.completions.create({ model: 'local-vllm', messages: [{ role: 'user', content: 'hi' }] });
    const [line] = await waitForOutput(serve, 'stderr', /^\{.*"msg":"request".*\}$/m);
    const record = JSON.parse(line) as { level: number; request: Record<string, unknown> };
    expect(record.level).toBe(30);
    expect(record.request).toMatchObject({ model: 'local-vllm', deployment: 'hosted_vllm/qwen3', status: 'success', httpStatus: 200 });
    // Nothing pretty in a piped log.
    expect(serve.stderr()).not.toMatch(/ → /);
    serve.child.kill('SIGTERM');
    expect(await serve.exited).toBe(0);
  });
});

describe('signing in as serve does', () => {
  afterEach(killStartedClis);

  it('takes the admin key from general_settings.master_key of --config when no variable sets one', async () => {
    const keyed = join(work, 'keyed.yaml');
    writeFileSync(keyed, `${readFileSync(config, 'utf8')}general_settings:\n  master_key: sk-file-master-0123456789abcdef\n`);
    const dir = join(work, 'keyed');
    const serve = runCli(['serve', '--config', keyed, '--port', '0', '--data-dir', dir]);
    await ready(serve);
    const withConfig = runCli(['models', '--config', keyed, '--data-dir', dir]);
    expect(await withConfig.exited).toBe(0);
    expect(withConfig.stdout()).toMatch(/^local-vllm\s/m);
    const withoutKey = runCli(['models', '--data-dir', dir]);
    expect(await withoutKey.exited).toBe(1);
    expect(withoutKey.stderr()).toContain('the gateway needs its admin key');
    for (const cli of [serve, withConfig, withoutKey]) expect(cli.stdout() + cli.stderr()).not.toContain('sk-file-master-0123456789abcdef');
    serve.child.kill('SIGTERM');
    expect(await serve.exited).toBe(0);
  });

  it('uses the admin key "Require keys" kept in the data dir when nothing else sets one', async () => {
    const dir = join(work, 'required');
    mkdirSync(dir, { recursive: true });
    const kept = 'sk-kept-by-require-keys-0123456789';
    writeFileSync(join(dir, 'admin-key.json'), JSON.stringify({ version: 1, key: kept }), { mode: 0o600 });
    const serve = runCli(['serve', '--config', config, '--port', '0', '--data-dir', dir]);
    await ready(serve);
    const models = runCli(['models', '--data-dir', dir]);
    expect(await models.exited).toBe(0);
    expect(models.stdout()).toMatch(/^local-vllm\s/m);
    for (const cli of [serve, models]) expect(cli.stdout() + cli.stderr()).not.toContain(kept);
    serve.child.kill('SIGTERM');
    expect(await serve.exited).toBe(0);
  });
});

// util-linux `script` gives the CLI a real pseudo-terminal, so the default (no --log-format)
// is exercised as a user at a terminal gets it.
const SCRIPT = (process.env.PATH ?? '').split(delimiter).filter((folder) => folder !== '').map((folder) => join(folder, 'script')).find((path) => existsSync(path));

describe.skipIf(SCRIPT === undefined)(`on a terminal${SCRIPT === undefined ? ' (skipped: util-linux script is not installed)' : ''}`, () => {
  it('serve prints pretty request lines by default', async () => {
    const data = join(work, 'tty');
    const command = [process.execPath, BIN, 'serve', '--config', config, '--port', '0', '--data-dir', data].map((arg) => `'${arg.replace(/'/g, "'\\''")}'`).join(' ');
    // -e: script exits with the command's status; -f: output is flushed as it comes.
    const child = spawn(SCRIPT!, ['-qefc', command, '/dev/null'], {
      cwd: work, env: { PATH: process.env.PATH ?? '', HOME: work, SWITCHBOARD_LOG_LEVEL: 'info', TERM: 'dumb' }, stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (text: string) => (out += text));
    const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
    const waitFor = (pattern: RegExp) => new Promise<RegExpExecArray>((resolve, reject) => {
      const check = () => {
        const match = pattern.exec(out);
        if (match) {
          child.stdout!.off('data', check);
          resolve(match);
        }
      };
      child.stdout!.on('data', check);
      check();
      void exited.then((code) => reject(new Error(`script exited (${code}) before ${pattern}: ${out}`)));
    });
    try {
      const [, url] = await waitFor(/Switchboard listening on (http:\/\/127\.0\.0\.1:\d+)/);
      const sdk = new OpenAI({ apiKey: 'unused', baseURL: `${url}/v1`, maxRetries: 0 });
      await sdk.chat.completions.create({ model: 'local-vllm', messages: [{ role: 'user', content: 'hi' }] });
      await waitFor(/\d\d:\d\d:\d\d  \S+  local-vllm → hosted_vllm\/qwen3  200  \d+\+\d+ tok/);
      expect(out).not.toMatch(/"msg":"request"/);
    } finally {
      // The gateway is this test's own grandchild; its pid is in the file it wrote.
      const runtime = existsSync(join(data, 'gateway.json')) ? (JSON.parse(readFileSync(join(data, 'gateway.json'), 'utf8')) as { pid: number }) : undefined;
      if (runtime) process.kill(runtime.pid, 'SIGTERM');
      else child.kill('SIGKILL');
    }
    expect(await exited).toBe(0);
  });
});
