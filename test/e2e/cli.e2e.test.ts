// `switchboard serve` as a user runs it: the real bin script over the compiled dist/, spawned as
// a child process with a clean environment and a temp data dir, talking only to loopback. Covers
// the ready line, the seed LiteLLM config starting on SQLite once its database_url is taken out (with
// it, serve runs on that PostgreSQL: cli-database-url.e2e.test.ts), a chat through the openai SDK,
// the one-line config error with exit 2, --help, SIGTERM.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuiltCli, killStartedClis, ready, ROOT, runCli as runCliIn, stderrMatching } from '../support/cli-process.js';
import { createMockUpstream, type MockUpstream } from '../support/mock-upstream.js';
import { rawRequest } from '../support/raw-http.js';

const SEED = join(ROOT, 'test', 'fixtures', 'config', 'seed-litellm.yaml');

let work: string;
/** The seed config without its database_url (PostgreSQL team mode): everything else unchanged, on SQLite. */
let SEED_ON_SQLITE: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'switchboard-cli-e2e-'));
  SEED_ON_SQLITE = join(work, 'seed-on-sqlite.yaml');
  writeFileSync(SEED_ON_SQLITE, readFileSync(SEED, 'utf8').replace(/^[ \t]*database_url:.*\n/m, ''));
  expect(ensureBuiltCli()).toBe(true);
}, 120_000);
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});
// Only the processes this file started, by their handle; a passing test has already stopped them.
afterEach(killStartedClis);

const runCli = (args: string[], env: Record<string, string> = {}) => runCliIn(args, { cwd: work, env });
const dataDir = (name: string) => ['--data-dir', join(work, name)];

describe('switchboard serve (the CLI as a user runs it)', () => {
  it('prints its usage for --help and exits 0', async () => {
    const cli = runCli(['--help']);
    expect(await cli.exited).toBe(0);
    expect(cli.stdout()).toMatch(/^Usage: switchboard serve/);
    expect(cli.stdout()).toContain('--config FILE');
    expect(cli.stderr()).toBe('');
  });

  it.each([
    [['--verbose'], "Unknown option '--verbose'"],
    [['--port'], "Option '--port <value>' argument missing"],
    [['--config', '--port', '0'], "Option '--config' argument is ambiguous"],
  ])('refuses serve %j with exit code 2, the reason and the help hint, and starts nothing', async (args, reason) => {
    const cli = runCli(['serve', ...dataDir('refused'), ...args]);
    expect(await cli.exited).toBe(2);
    expect(cli.stderr()).toContain(`switchboard: ${reason}`);
    expect(cli.stderr()).toContain('see `switchboard --help`');
    expect(cli.stdout()).toBe('');
    expect(existsSync(join(work, 'refused'))).toBe(false);
  });

  it('starts the seed LiteLLM config (without its database_url) on --port 0, warns about store_model_in_db, and exits 0 on SIGTERM', async () => {
    const cli = runCli(['serve', '--config', SEED_ON_SQLITE, '--port', '0', ...dataDir('seed')]);
    const url = await ready(cli);
    expect(Number(new URL(url).port)).toBeGreaterThan(0);
    // Warned on stderr before the ready line on stdout: two pipes, read as they arrive.
    await stderrMatching(cli, /warning: .*store_model_in_db is not needed/);
    // The seed's master key guards the API; its two models are listed.
    const client = new OpenAI({ apiKey: 'sk-seed-master-0123456789', baseURL: `${url}/v1`, maxRetries: 0 });
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toEqual(expect.arrayContaining(['glm5', 'qwen3.5']));
    const stranger = new OpenAI({ apiKey: 'sk-wrong', baseURL: `${url}/v1`, maxRetries: 0 });
    await expect(stranger.models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);

    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
  });

  it('exits 0 on SIGTERM after the readers of its stdout and stderr are gone (EPIPE), and keeps answering until then', async () => {
    // The log lines of the shutdown meet a pipe nobody reads: sonic-boom's synchronous flush at
    // exit retried that EPIPE forever, and the process never exited (a supervisor whose log reader
    // died, `switchboard serve | head`).
    const cli = runCli(['serve', '--config', SEED_ON_SQLITE, '--port', '0', ...dataDir('gone-readers')], { SWITCHBOARD_LOG_LEVEL: 'info' });
    const url = await ready(cli);
    cli.child.stdout!.destroy();
    cli.child.stderr!.destroy();
    const client = new OpenAI({ apiKey: 'sk-seed-master-0123456789', baseURL: `${url}/v1`, maxRetries: 0 });
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toEqual(expect.arrayContaining(['glm5']));
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
  });

  it('S42: takes group and other access away from an existing data folder, with a warning, and keeps the database files 0600', async () => {
    const folder = join(work, 'loose');
    mkdirSync(folder);
    chmodSync(folder, 0o755);
    const cli = runCli(['serve', '--config', SEED_ON_SQLITE, '--port', '0', '--data-dir', folder]);
    await ready(cli);
    expect(statSync(folder).mode & 0o777).toBe(0o700);
    const database = join(folder, 'switchboard.db');
    for (const file of [database, `${database}-wal`, `${database}-shm`]) expect(statSync(file).mode & 0o777, file).toBe(0o600);
    expect(cli.stderr()).toContain(`The data folder ${folder} could be read by other users (mode 755); changed it to 0700`);
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
  });

  describe('with a config pointing at a mock upstream', () => {
    let mock: MockUpstream;
    beforeAll(async () => {
      mock = await createMockUpstream();
    });
    afterAll(async () => {
      await mock.close();
    });

    it('serves a streamed chat to the openai SDK, with the upstream key read from the environment', async () => {
      const config = join(work, 'mock.yaml');
      writeFileSync(config, `model_list:
  - model_name: local-vllm
    litellm_params:
      model: hosted_vllm/qwen3
      api_base: ${mock.url}/v1
      api_key: os.environ/VLLM_KEY
`);
      const cli = runCli(['serve', '--config', config, '--port', '0', ...dataDir('mock')], {
        SWITCHBOARD_MASTER_KEY: 'sk-cli-master-0123456789abcdef',
        VLLM_KEY: 'sk-vllm-upstream-key',
      });
      const url = await ready(cli);
      const client = new OpenAI({ apiKey: 'sk-cli-master-0123456789abcdef', baseURL: `${url}/v1`, maxRetries: 0 });
      const stream = await client.chat.completions.create({ model: 'local-vllm', messages: [{ role: 'user', content: 'hi' }], stream: true });
      const deltas: string[] = [];
      for await (const chunk of stream) if (chunk.choices[0]?.delta.content) deltas.push(chunk.choices[0].delta.content);
      expect(deltas.length).toBeGreaterThan(1);
      expect(deltas.join('')).toBe('Hello, world!');

      // The start-up check of local servers lists the mock's models too (GET /v1/models).
      const chats = mock.requests.filter((r) => r.path !== '/v1/models');
      expect(chats).toHaveLength(1);
      const rec = chats[0]!;
      expect(rec.path).toBe('/v1/chat/completions');
      expect(rec.headers.authorization).toBe('Bearer sk-vllm-upstream-key');
      expect((rec.json as { model: string }).model).toBe('qwen3');
      // Neither key ever shows up in what the CLI prints.
      expect(cli.stdout() + cli.stderr()).not.toContain('sk-vllm-upstream-key');
      expect(cli.stdout() + cli.stderr()).not.toContain('sk-cli-master-0123456789abcdef');

      cli.child.kill('SIGTERM');
      expect(await cli.exited).toBe(0);
    });

    it('prints one request line per request, the last of a burst included when SIGTERM follows at once', async () => {
      // Lines are written from libuv's pool (serve-command.ts): a line not yet written when the
      // process ends must still come out (pino flushes synchronously at exit), never be dropped.
      const config = join(work, 'burst.yaml');
      writeFileSync(config, `model_list:\n  - model_name: burst\n    litellm_params:\n      model: hosted_vllm/qwen3\n      api_base: ${mock.url}/v1\n`);
      const cli = runCli(['serve', '--config', config, '--port', '0', '--log-format', 'json', ...dataDir('burst')], {
        SWITCHBOARD_MASTER_KEY: 'sk-cli-master-0123456789abcdef', SWITCHBOARD_LOG_LEVEL: 'info',
      });
      const url = await ready(cli);
      const client = new OpenAI({ apiKey: 'sk-cli-master-0123456789abcdef', baseURL: `${url}/v1`, maxRetries: 0 });
      const sent = 200;
      let next = 0;
      await Promise.all(Array.from({ length: 20 }, async () => {
        while (next++ < sent) await client.chat.completions.create({ model: 'burst', messages: [{ role: 'user', content: 'hi' }] });
      }));
      cli.child.kill('SIGTERM');
      expect(await cli.exited).toBe(0);
      const lines = cli.stderr().split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as { msg?: string; model?: string });
      expect(lines.filter((line) => line.msg === 'request')).toHaveLength(sent);
    });
  });

  it('refuses a bad config with exit code 2 and one line naming the file, the line and the problem', async () => {
    const config = join(work, 'bad.yaml');
    writeFileSync(config, `model_list:
  - model_name: broken
    litellm_params:
      model: gpt-4o-without-provider
`);
    const cli = runCli(['serve', '--config', config, '--port', '0', ...dataDir('bad')]);
    expect(await cli.exited).toBe(2);
    expect(cli.stdout()).toBe('');
    const lines = cli.stderr().split('\n').filter((line) => line !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^switchboard: config error: ${escape(config)}:4: .*model.*provider/model`));
  });

  it('refuses a misspelt key (api_bse:) with exit code 2 and one line saying which key was meant, instead of sending the model to api.openai.com', async () => {
    const config = join(work, 'typo.yaml');
    writeFileSync(config, `model_list:
  - model_name: local
    litellm_params:
      model: openai/qwen3
      api_bse: http://127.0.0.1:8000/v1
`);
    const cli = runCli(['serve', '--config', config, '--port', '0', ...dataDir('typo')]);
    expect(await cli.exited).toBe(2);
    expect(cli.stdout()).toBe('');
    expect(cli.stderr().split('\n').filter((line) => line !== '')).toEqual([
      `switchboard: config error: ${config}:5: model_list[0].litellm_params.api_bse: unknown key; did you mean \`api_base\`?`,
    ]);
  });

  it('refuses an empty config file (no models anywhere) with exit code 2, and starts with it under --allow-empty', async () => {
    const config = join(work, 'empty.yaml');
    writeFileSync(config, '');
    const refused = runCli(['serve', '--config', config, '--port', '0', ...dataDir('empty')]);
    expect(await refused.exited).toBe(2);
    expect(refused.stdout()).toBe('');
    const lines = refused.stderr().split('\n').filter((line) => line !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^switchboard: config error: ${escape(config)}: no models to serve: .*--allow-empty`));

    const allowed = runCli(['serve', '--config', config, '--port', '0', '--allow-empty', ...dataDir('empty')]);
    const url = await ready(allowed);
    const client = new OpenAI({ apiKey: 'unused-without-an-admin-key', baseURL: `${url}/v1`, maxRetries: 0 });
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids.filter((id) => !id.startsWith('switchboard/'))).toEqual([]);
    allowed.child.kill('SIGTERM');
    expect(await allowed.exited).toBe(0);
  });

  it('refuses a misspelt top-level key even with --allow-empty', async () => {
    const config = join(work, 'modle.yaml');
    writeFileSync(config, 'modle_list:\n  - model_name: m\n    litellm_params: { model: ollama_chat/llama3.2 }\n');
    const cli = runCli(['serve', '--config', config, '--port', '0', '--allow-empty', ...dataDir('modle')]);
    expect(await cli.exited).toBe(2);
    expect(cli.stderr().split('\n').filter((line) => line !== '')).toEqual([`switchboard: config error: ${config}:1: modle_list: unknown key; did you mean \`model_list\`?`]);
  });
});

// One of this machine's own LAN addresses, as a Host header names it; the test only ever sends
// to 127.0.0.1, with this name in Host, never to the address itself.
const LAN_ADDRESS = Object.values(networkInterfaces()).flat().find((info) => info && !info.internal);
const LAN_HOST = LAN_ADDRESS === undefined ? undefined : LAN_ADDRESS.family === 'IPv6' ? `[${LAN_ADDRESS.address}]` : LAN_ADDRESS.address;

describe('switchboard serve --host 0.0.0.0 (LAN mode)', () => {
  const MASTER = 'sk-cli-lan-master-0123456789abcdef';
  const get = (port: number, host: string) => `GET /v1/models HTTP/1.1\r\nHost: ${host}:${port}\r\nAuthorization: Bearer ${MASTER}\r\nConnection: close\r\n\r\n`;

  // Without a non-internal interface there is no LAN address to name; the allowed_hosts case still runs.
  it(`accepts Host names of this machine's interface address${LAN_HOST ? '' : ' (skipped part: this machine has no non-internal interface)'} and of general_settings.allowed_hosts, refuses others, and prints the LAN URLs`, async () => {
    const config = join(work, 'lan.yaml');
    writeFileSync(config, 'model_list:\n  - model_name: m\n    litellm_params: { model: openai/m, api_base: "http://127.0.0.1:9/v1" }\ngeneral_settings:\n  allowed_hosts: [switchboard-e2e.lan]\n');
    const cli = runCli(['serve', '--host', '0.0.0.0', '--config', config, '--port', '0', ...dataDir('lan')], { SWITCHBOARD_MASTER_KEY: MASTER });
    const url = await ready(cli, /^Switchboard listening on (http:\/\/0\.0\.0\.0:(\d+))$/m);
    const port = Number(new URL(url).port);
    expect(cli.stdout()).toContain(`http://switchboard-e2e.lan:${port}`);

    const named = ['switchboard-e2e.lan', ...(LAN_HOST ? [LAN_HOST] : [])];
    for (const host of named) expect((await rawRequest(port, get(port, host))).status, host).toBe(200);
    if (LAN_HOST) expect(cli.stdout()).toContain(`http://${LAN_HOST}:${port}`);
    for (const host of ['evil.example', '0.0.0.0', 'other.lan']) {
      const res = await rawRequest(port, get(port, host));
      expect(res.status, host).toBe(403);
      expect(JSON.parse(res.body).error.code).toBe('forbidden_host');
    }

    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
  });

  // S1: LAN mode without a key configured fails to start (175k open Ollama servers; Jan 0.0.0.0).
  it('refuses to start without an admin key, with exit code 2', async () => {
    const cli = runCli(['serve', '--host', '0.0.0.0', '--port', '0', ...dataDir('lan-nokey')]);
    expect(await cli.exited).toBe(2);
    expect(cli.stdout()).toBe('');
    expect(cli.stderr()).toMatch(/^switchboard: refusing to listen on 0\.0\.0\.0 without an admin key/);
  });
});

describe('switchboard serve refuses to start unsafely', () => {
  it('refuses an admin key shorter than 16 characters with exit code 2, naming where it came from and never the key', async () => {
    const cli = runCli(['serve', '--port', '0', ...dataDir('short-key')], { SWITCHBOARD_MASTER_KEY: 'sk-1234' });
    expect(await cli.exited).toBe(2);
    expect(cli.stdout()).toBe('');
    const lines = cli.stderr().split('\n').filter((line) => line !== '');
    expect(lines).toEqual([expect.stringMatching(/^switchboard: config error: .*SWITCHBOARD_MASTER_KEY: the admin key is shorter than 16 characters/)]);
    expect(cli.stderr()).not.toContain('sk-1234');
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
