// The real Qwen Code CLI (`qwen -p`, the pinned @qwen-code/qwen-code 0.15.10, the newest that runs
// on Node 20) with no key against a gateway in open mode: its usage row is filed under
// `qwen-code`, by its process (node .../@qwen-code/qwen-code/cli.js) as well as by its User-Agent
// (`QwenCode/0.15.10`). Its HOME is a temp folder whose settings turn off usage statistics,
// telemetry and auto-update, and its OpenAI provider points at the gateway, so nothing leaves
// loopback; killed if it ever hangs.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../../main/start-gateway.js';
import { agentBinary, runAgent } from '../support/agent-process.js';
import { createMockUpstream, type MockUpstream } from '../support/mock-upstream.js';
import { SOURCE_CALLER_WORKER } from '../support/source-caller-worker.js';

const DEADLINE_MS = 90_000;

let scratch: string;
let mock: MockUpstream;
let running: RunningGateway;

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'switchboard-qwen-'));
  mock = await createMockUpstream();
  const configFile = join(scratch, 'config.yaml');
  writeFileSync(configFile, `model_list:\n  - model_name: qwen3-coder\n    litellm_params: { model: openai/up, api_base: "${mock.url}/v1" }\n`);
  running = await startGateway({
    configFile, dataDir: join(scratch, 'data'), host: '127.0.0.1', port: 0, masterKey: undefined, env: {},
    log: pino({ level: 'silent' }), dashboardDir: null, callerWorker: SOURCE_CALLER_WORKER,
  });
});
afterAll(async () => {
  await running?.close();
  await mock?.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe('Qwen Code through the gateway, without a key', () => {
  it('is filed under qwen-code', async () => {
    const home = join(scratch, 'home');
    const work = join(scratch, 'work');
    mkdirSync(join(home, '.qwen'), { recursive: true });
    mkdirSync(work);
    writeFileSync(join(home, '.qwen', 'settings.json'), JSON.stringify({
      privacy: { usageStatisticsEnabled: false },
      telemetry: { enabled: false },
      general: { enableAutoUpdate: false },
      security: { auth: { selectedType: 'openai' } },
    }));
    const run = await runAgent(agentBinary('qwen'), ['--auth-type', 'openai', '-p', 'Say hello.'], {
      cwd: work,
      deadlineMs: DEADLINE_MS,
      env: { HOME: home, OPENAI_BASE_URL: `${running.url}/v1`, OPENAI_API_KEY: 'no-key-needed', OPENAI_MODEL: 'qwen3-coder', NO_COLOR: '1', CI: '1' },
    });
    const explain = `qwen exited ${run.exit}${run.timedOut ? ' (killed at the deadline)' : ''}\nstdout: ${run.stdout}\nstderr: ${run.stderr.slice(-2000)}`;
    expect(run.exit, explain).toBe(0);
    const deadline = Date.now() + 30_000;
    let apps: string[] = [];
    while (Date.now() < deadline) {
      running.usage.flush();
      apps = (running.db.db.prepare("SELECT app FROM usage_log WHERE status = 'success'").all() as { app: string }[]).map((row) => row.app);
      if (apps.length > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(apps.length, explain).toBeGreaterThan(0);
    expect(new Set(apps)).toEqual(new Set(['qwen-code']));
    const agents = running.db.db.prepare("SELECT DISTINCT user_agent FROM usage_log WHERE status = 'success'").all() as { user_agent: string }[];
    expect(agents.map((row) => row.user_agent)).toEqual([expect.stringMatching(/^QwenCode\/0\.15\.10 /)]);
    // Every request it made went to the gateway, none past it.
    expect(mock.requests.length).toBeGreaterThan(0);
  }, DEADLINE_MS + 30_000);
});
