// Issue 19's "done when", as a user runs it: `switchboard serve` (the built CLI, as `npm start`
// runs it, so the bundled worker thread is the one that ships) in open mode, and three programs
// that send no key: a Python script (`sync_notes.py`, urllib), a Node script (`nightly-report.mjs`,
// the official openai SDK) and the real Qwen Code CLI. Each is filed under its own name in Logs
// (/spend/logs) and Usage (/usage/summary by app); a budget set for one (POST /app/update, what
// the dashboard's Apps page sends) refuses that program's next request, by its process, on a fresh
// connection, while the other two carry on. The CLI's log says neither service on the worker thread failed.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuiltCli, killStartedClis, ready, runCli, type Cli } from '../support/cli-process.js';
import { createMockUpstream, type MockUpstream } from '../support/mock-upstream.js';
import { agentBinary, runAgent, type AgentRun } from '../support/agent-process.js';

const run = promisify(execFile);
const QWEN_DEADLINE_MS = 90_000;

let dir: string;
let mock: MockUpstream;
let cli: Cli;
let url: string;

beforeAll(async () => {
  expect(ensureBuiltCli()).toBe(true);
  dir = mkdtempSync(join(tmpdir(), 'switchboard-apps-e2e-'));
  // One request on a fresh connection per run; prints the status and the error code, if any.
  // Each script stays alive a moment after its answer, as a script with more to do would: one
  // that exits before its connection's lookup has read /proc is named by its User-Agent (the
  // documented limit), and on a loaded 2-core CI machine the lookup can take longer than the
  // exchange (CI once named sync_notes.py "Python-urllib" that way).
  writeFileSync(join(dir, 'sync_notes.py'), `import json, sys, time, urllib.request, urllib.error
body = json.dumps({'model': 'qwen3-coder', 'messages': [{'role': 'user', 'content': 'notes'}]}).encode()
req = urllib.request.Request(sys.argv[1] + '/v1/chat/completions', data=body, headers={'content-type': 'application/json'})
try:
    print(urllib.request.urlopen(req).status)
except urllib.error.HTTPError as e:
    print(e.code, json.loads(e.read())['error']['code'])
sys.stdout.flush()
time.sleep(1)
`);
  const openai = pathToFileURL(createRequire(import.meta.url).resolve('openai')).href;
  writeFileSync(join(dir, 'nightly-report.mjs'), `const { default: OpenAI } = await import(${JSON.stringify(openai)});
const client = new OpenAI({ baseURL: process.argv[2] + '/v1', apiKey: 'no-key-needed', maxRetries: 0 });
const answer = await client.chat.completions.create({ model: 'qwen3-coder', messages: [{ role: 'user', content: 'report' }] });
console.log(answer.choices[0].message.content ? 200 : 0);
await new Promise((resolve) => setTimeout(resolve, 1000));
`);
  // The model takes 100 ms to answer, as any real one takes longer: a program whose connection
  // closes with its answer (urllib) is otherwise done before its lookup has scanned /proc, and is
  // named by its User-Agent (the documented limit; on a machine with many processes the scan
  // outlasted the mock's instant answer every time).
  mock = await createMockUpstream({ defaultBehaviour: { kind: 'delayed', delayMs: 100, then: { kind: 'ok' } } });
  const config = join(dir, 'config.yaml');
  writeFileSync(config, `model_list:
  - model_name: qwen3-coder
    litellm_params: { model: openai/up, api_base: "${mock.url}/v1" }
    model_info: { input_cost_per_token: 0.00002, output_cost_per_token: 0.001 }
`);
  cli = runCli(['serve', '--config', config, '--port', '0', '--data-dir', join(dir, 'data')], { cwd: dir, env: { SWITCHBOARD_LOG_LEVEL: 'info' } });
  url = await ready(cli);
}, 60_000);

afterAll(async () => {
  killStartedClis();
  await mock?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function python(): Promise<string> {
  return (await run('python3', [join(dir, 'sync_notes.py'), url], { cwd: dir })).stdout.trim();
}

async function node(): Promise<string> {
  return (await run(process.execPath, [join(dir, 'nightly-report.mjs'), url], { cwd: dir })).stdout.trim();
}

async function qwen(): Promise<{ exit: AgentRun['exit']; explain: string }> {
  const home = join(dir, 'home');
  const work = join(dir, 'work');
  mkdirSync(join(home, '.qwen'), { recursive: true });
  mkdirSync(work, { recursive: true });
  // Usage statistics, telemetry and auto-update off: nothing leaves loopback.
  writeFileSync(join(home, '.qwen', 'settings.json'), JSON.stringify({
    privacy: { usageStatisticsEnabled: false },
    telemetry: { enabled: false },
    general: { enableAutoUpdate: false },
    security: { auth: { selectedType: 'openai' } },
  }));
  const result = await runAgent(agentBinary('qwen'), ['--auth-type', 'openai', '-p', 'Say hello.'], {
    cwd: work,
    deadlineMs: QWEN_DEADLINE_MS,
    env: { HOME: home, OPENAI_BASE_URL: `${url}/v1`, OPENAI_API_KEY: 'no-key-needed', OPENAI_MODEL: 'qwen3-coder', NO_COLOR: '1', CI: '1' },
  });
  return { exit: result.exit, explain: `qwen exited ${result.exit}${result.timedOut ? ' (killed at the deadline)' : ''}\nstderr: ${result.stderr.slice(-2000)}` };
}

async function getJson<T>(path: string): Promise<T> {
  const response = await fetch(`${url}${path}`);
  expect(response.status, path).toBe(200);
  return (await response.json()) as T;
}

interface LogRow { app: string; status: string; error_code?: string | null }

describe('apps by process, without keys, through switchboard serve', () => {
  it('files a Python script, a Node script and Qwen Code under their own names, and an app budget stops only its program', async () => {
    expect(await python()).toBe('200');
    expect(await node()).toBe('200');
    const first = await qwen();
    expect(first.exit, first.explain).toBe(0);

    // Logs: every success row is one of the three programs, by name.
    const logs = await getJson<{ data: LogRow[] }>('/spend/logs?page_size=200');
    const apps = new Set(logs.data.filter((row) => row.status === 'success').map((row) => row.app));
    expect(apps).toEqual(new Set(['sync_notes.py', 'nightly-report.mjs', 'qwen-code']));
    // Usage, grouped by app, has the same three.
    const summary = await getJson<{ groups: { group: string; requests: number }[] }>('/usage/summary?group_by=app');
    expect(new Set(summary.groups.map((group) => group.group))).toEqual(apps);
    // The Apps list knows them all, seen by their process names.
    const listed = await getJson<{ app: string; first_seen: string | null }[]>('/app/list');
    for (const app of apps) expect(listed.find((row) => row.app === app)?.first_seen, app).toBeTruthy();

    // A budget smaller than what sync_notes.py has spent already: its next request is refused.
    const update = await fetch(`${url}/app/update`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ app: 'sync_notes.py', max_budget: 0.000001 }),
    });
    expect(update.status).toBe(200);
    expect(await python()).toBe('429 budget_exceeded');
    // The others carry on.
    expect(await node()).toBe('200');
    const second = await qwen();
    expect(second.exit, second.explain).toBe(0);

    const after = await getJson<{ data: LogRow[] }>('/spend/logs?app=sync_notes.py&page_size=50');
    expect(after.data.map((row) => row.status)).toContain('rejected');
    expect(after.data.every((row) => row.app === 'sync_notes.py')).toBe(true);
    // Neither service on the worker thread (the usage writer, the process lookup) failed to start or stopped.
    expect(cli.stderr() + cli.stdout()).not.toMatch(/thread could not start|thread stopped/);
  }, 4 * QWEN_DEADLINE_MS);
});
