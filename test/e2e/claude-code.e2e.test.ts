// The real Claude Code CLI (`claude -p`, the pinned @anthropic-ai/claude-code) against Switchboard:
// /v1/messages translated to a chat-only local model and to an Ollama model, and passed through to
// an Anthropic-format deployment (all played by the scripted model), through a tool round trip
// where Claude Code really reads a file and the model answers from what it read. Isolated
// HOME, no traffic past loopback (CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC and friends: without
// them it resolves api.anthropic.com at start), killed if it ever hangs.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { agentBinary, runAgent, type AgentRun } from '../support/agent-process.js';
import { answerFromToolOutput, callTool, say, type ModelWire } from '../support/scripted-model-server.js';
import { AGENT_MODELS, WIRES, startAgentGateway, LOCAL_MODEL, type AgentGateway } from './agent-gateway.js';
import { MASTER_KEY, eventually } from './metered-gateway.js';

/** A hang guard (a run takes about two seconds); each test may run a little longer, to report it. */
const DEADLINE_MS = 60_000;
const TEST_TIMEOUT_MS = DEADLINE_MS + 15_000;

let agents: AgentGateway;
let scratch: string;
let home: string;
let work: string;

beforeAll(async () => {
  agents = await startAgentGateway();
});
afterAll(async () => {
  await agents?.close();
});
beforeEach(() => {
  agents.model.reset();
  scratch = mkdtempSync(join(tmpdir(), 'switchboard-claude-code-'));
  home = join(scratch, 'home');
  work = join(scratch, 'work');
  mkdirSync(home);
  mkdirSync(work);
});
afterEach(() => {
  rmSync(scratch, { recursive: true, force: true });
});

/** `claude -p <prompt>` in the work folder, as the README sets it up (the admin key stands in for a virtual key). */
function claude(prompt: string, extraArgs: string[] = [], model = LOCAL_MODEL): Promise<AgentRun> {
  return runAgent(agentBinary('claude'), ['-p', prompt, '--model', model, '--output-format', 'text', ...extraArgs], {
    cwd: work,
    deadlineMs: DEADLINE_MS,
    env: {
      HOME: home,
      ANTHROPIC_BASE_URL: agents.gateway.url(),
      ANTHROPIC_AUTH_TOKEN: MASTER_KEY,
      // Background work (titles, summaries) asks for the Haiku model: serve it with the same model.
      ANTHROPIC_DEFAULT_HAIKU_MODEL: model,
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      DISABLE_AUTOUPDATER: '1',
      DISABLE_TELEMETRY: '1',
      DISABLE_ERROR_REPORTING: '1',
    },
  });
}

function explain(run: AgentRun): string {
  return `claude exited ${run.exit}${run.timedOut ? ' (killed at the deadline)' : ''}\nstdout: ${run.stdout}\nstderr: ${run.stderr}\nscripted model problems: ${agents.model.problems.join(' | ') || 'none'}`;
}

describe('the real Claude Code CLI against Switchboard', { timeout: TEST_TIMEOUT_MS }, () => {
  it('answers a plain prompt', async () => {
    agents.model.play([say('Hello from the local model behind Switchboard.')]);
    const run = await claude('Say hello.');
    expect(run.exit, explain(run)).toBe(0);
    expect(run.stdout.trim()).toBe('Hello from the local model behind Switchboard.');
    expect(agents.model.problems).toEqual([]);
    const [chat] = agents.model.chatRequests();
    expect(chat?.model).toBe(LOCAL_MODEL);
    // Claude Code's system prompt arrives as the leading system message, its tools as functions.
    expect(chat?.messages[0]?.role).toBe('system');
    expect(chat?.tools.map((t) => t.function.name)).toEqual(expect.arrayContaining(['Bash', 'Read', 'Edit', 'Write']));
  });

  it.each(WIRES)('completes a tool round trip on the %s wire: Claude Code reads a file with its Read tool and the model answers from it', async (wire: ModelWire) => {
    const model = AGENT_MODELS[wire];
    const secret = `secret-${randomBytes(6).toString('hex')}`;
    writeFileSync(join(work, 'note.txt'), `The secret word is ${secret}.\n`);
    agents.model.play([
      callTool('Read', { file_path: join(work, 'note.txt') }, 'call_read_1'),
      answerFromToolOutput('call_read_1', (output) => `The note says: ${/secret-[0-9a-f]+/.exec(output)?.[0] ?? '(nothing readable)'}`),
    ]);
    const before = agents.gateway.usageRows().length;

    const run = await claude('What is the secret word in note.txt?', ['--allowedTools', 'Read'], model.name);

    expect(run.exit, explain(run)).toBe(0);
    expect(agents.model.problems).toEqual([]);
    // Only the file's content, carried back through the gateway, can have told the model the word.
    expect(run.stdout).toContain(`The note says: ${secret}`);
    const chats = agents.model.chatRequests();
    expect(chats).toHaveLength(2);
    expect(chats.map((c) => c.wire)).toEqual([wire, wire]);
    const second = chats[1]!;
    const call = second.messages.find((m) => m.role === 'assistant' && m.tool_calls !== undefined);
    expect(call?.tool_calls).toEqual([
      { id: 'call_read_1', type: 'function', function: { name: 'Read', arguments: JSON.stringify({ file_path: join(work, 'note.txt') }) } },
    ]);
    const result = second.messages.find((m) => m.role === 'tool');
    expect(result?.tool_call_id).toBe('call_read_1');
    expect(JSON.stringify(result?.content)).toContain(secret);
    if (wire === 'anthropic') {
      // Passed through: the upstream got Claude Code's own tool_result block for its tool_use id.
      expect(second.body.messages).toContainEqual({
        role: 'user',
        content: [expect.objectContaining({ type: 'tool_result', tool_use_id: 'call_read_1', content: expect.stringContaining(secret) })],
      });
    }

    // One usage row per model request, attributed to Claude Code from its User-Agent.
    const rows = await eventually(() => {
      const added = agents.gateway.usageRows().slice(before);
      return added.length >= 2 && added;
    }, 'the two usage rows');
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row).toMatchObject({ app: 'claude-code', requested_model: model.name, provider: model.provider, status: 'success', http_status: 200 });
      expect(row.user_agent).toMatch(/^claude-cli\/2\./);
    }
  });
});
