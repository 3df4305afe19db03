// The real Codex CLI (`codex exec`, the pinned @openai/codex) against Switchboard's /v1/responses,
// bridged to each kind of deployment the scripted model plays (a chat-only local server, an Ollama
// model, an Anthropic-format deployment): a plain answer, a shell-tool round trip, an apply_patch
// (freeform tool) round trip that really edits files, and a stream dropped mid-way, which Codex
// must report and exit on. Isolated CODEX_HOME (see codex-home.ts: nothing reaches past
// loopback), no sandbox (it needs user namespaces; the temp folder is the boundary), killed if it
// ever hangs.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { agentBinary, runAgent, type AgentRun } from '../support/agent-process.js';
import { CODEX_KEY_ENV, writeCodexHome } from '../support/codex-home.js';
import { isRecord } from '../support/mock-answer.js';
import { answerFromToolOutput, answerFromToolOutputs, callTool, callTools, dropMidStream, say, type ChatRequest, type ModelWire, type Turn } from '../support/scripted-model-server.js';
import { AGENT_MODELS, WIRES, startAgentGateway, type AgentGateway } from './agent-gateway.js';
import { MASTER_KEY, eventually, type UsageLogRow } from './metered-gateway.js';

/** A hang guard (a run takes one to two seconds); each test may run a little longer, to report it. */
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
  scratch = mkdtempSync(join(tmpdir(), 'switchboard-codex-'));
  home = join(scratch, 'home');
  work = join(scratch, 'work');
  mkdirSync(home);
  mkdirSync(work);
});
afterEach(() => {
  rmSync(scratch, { recursive: true, force: true });
});

/**
 * `codex exec <prompt>` in the work folder. `--strict-config` makes a config key this Codex does
 * not know fail the run; the admin key stands in for a virtual key, so the usage row names the app
 * Switchboard recognises from Codex's User-Agent.
 */
function codexExec(wire: ModelWire, prompt: string, streamMaxRetries = 1): Promise<AgentRun> {
  const codexHome = join(home, '.codex');
  writeCodexHome({ dir: codexHome, baseUrl: `${agents.gateway.url()}/v1`, model: AGENT_MODELS[wire].name, streamMaxRetries });
  const args = ['exec', '--strict-config', '--skip-git-repo-check', '--dangerously-bypass-approvals-and-sandbox', '--color', 'never', prompt];
  return runAgent(agentBinary('codex'), args, {
    cwd: work,
    deadlineMs: DEADLINE_MS,
    env: { HOME: home, CODEX_HOME: codexHome, [CODEX_KEY_ENV]: MASTER_KEY },
  });
}

function explain(run: AgentRun): string {
  return `codex exited ${run.exit}${run.timedOut ? ' (killed at the deadline)' : ''}\nstdout: ${run.stdout}\nstderr: ${run.stderr}\nscripted model problems: ${agents.model.problems.join(' | ') || 'none'}`;
}

/** The usage rows added since `before`, once there are `n` of them. */
async function newRows(before: number, n: number): Promise<UsageLogRow[]> {
  const rows = await eventually(() => {
    const added = agents.gateway.usageRows().slice(before);
    return added.length >= n && added;
  }, `${n} usage rows`);
  expect(rows).toHaveLength(n);
  return rows;
}

function toolNamed(chat: ChatRequest | undefined, name: string) {
  return chat?.tools.find((t) => t.function.name === name);
}

/** The arguments of the assistant's tool call `id` in a chat history, parsed. */
function callArguments(chat: ChatRequest | undefined, id: string): unknown {
  for (const message of chat?.messages ?? []) {
    const call = message.tool_calls?.find((c) => c.id === id);
    if (call) return { name: call.function.name, arguments: JSON.parse(call.function.arguments) as unknown };
  }
  return undefined;
}

function toolOutput(chat: ChatRequest | undefined, id: string): string {
  return JSON.stringify(chat?.messages.find((m) => m.role === 'tool' && m.tool_call_id === id)?.content ?? null);
}

/**
 * The tool call `id` (of tool `name`) and its result as the upstream received them, in that wire's
 * own shape: chat `tool_calls` + a `tool` message with its id; Ollama's id-less call with object
 * arguments + a `tool` message naming the tool; Anthropic's `tool_use` block + a user `tool_result`.
 */
function nativeToolRoundTrip(chat: ChatRequest | undefined, id: string, name: string): unknown {
  const messages = (isRecord(chat?.body) && Array.isArray(chat.body.messages) ? chat.body.messages : []) as Record<string, unknown>[];
  const blocks = (role: string, type: string) =>
    messages.filter((m) => m.role === role && Array.isArray(m.content)).flatMap((m) => (m.content as Record<string, unknown>[]).filter((b) => b.type === type));
  switch (chat?.wire) {
    case 'chat':
      return {
        call: messages.flatMap((m) => (m.tool_calls as Record<string, unknown>[] | undefined) ?? []).find((c) => c.id === id)?.type,
        result: messages.find((m) => m.role === 'tool')?.tool_call_id,
      };
    case 'ollama': {
      const call = messages.flatMap((m) => (m.tool_calls as { function: Record<string, unknown> }[] | undefined) ?? [])[0];
      return { call: call?.function.name, argumentsAre: typeof call?.function.arguments, result: messages.find((m) => m.role === 'tool')?.tool_name };
    }
    case 'anthropic':
      return { call: blocks('assistant', 'tool_use')[0]?.id, result: blocks('user', 'tool_result')[0]?.tool_use_id };
    default:
      return undefined;
  }
}

/** What nativeToolRoundTrip must read for call `id` of tool `name` on each wire. */
function expectedRoundTrip(wire: ModelWire, id: string, name: string): unknown {
  if (wire === 'chat') return { call: 'function', result: id };
  if (wire === 'ollama') return { call: name, argumentsAre: 'object', result: name };
  return { call: id, result: id };
}

/**
 * The model refuses the prompt as longer than its context window, in its server's words: vLLM's
 * OpenAI-compatible 400, Anthropic's "prompt is too long" (Ollama truncates the prompt instead).
 */
const CONTEXT_FULL: Partial<Record<ModelWire, Turn>> = {
  chat: () => ({
    kind: 'status',
    status: 400,
    body: { object: 'error', message: "This model's maximum context length is 8192 tokens. However, you requested 9120 tokens in the messages.", type: 'BadRequestError', param: null, code: 400 },
  }),
  anthropic: () => ({ kind: 'status', status: 400, body: { error: { message: 'prompt is too long: 210843 tokens > 200000 maximum' } } }),
};

describe.each(WIRES)('the real Codex CLI against Switchboard (/v1/responses bridged to a deployment on the %s wire)', { timeout: TEST_TIMEOUT_MS }, (wire) => {
  const model = AGENT_MODELS[wire];

  it('answers a plain prompt, with its instructions as the leading system message and its tools as functions', async () => {
    agents.model.play([say('Hello from the local model behind Switchboard.')]);
    const before = agents.gateway.usageRows().length;

    const run = await codexExec(wire, 'Say hello.');

    expect(run.exit, explain(run)).toBe(0);
    expect(agents.model.problems).toEqual([]);
    // codex exec prints the final message alone on stdout (its log goes to stderr).
    expect(run.stdout.trim()).toBe('Hello from the local model behind Switchboard.');
    const chats = agents.model.chatRequests();
    expect(chats).toHaveLength(1);
    const [chat] = chats;
    expect(chat?.wire).toBe(wire);
    expect(chat?.messages[0]?.role).toBe('system');
    expect(JSON.stringify(chat?.messages[0]?.content)).toContain('You are a coding agent running in the Codex CLI');
    expect(JSON.stringify(chat?.messages.at(-1)?.content)).toContain('Say hello.');
    // The unified exec shell tool, and apply_patch (a freeform tool) as a function taking the raw patch.
    expect(toolNamed(chat, 'exec_command')?.function.parameters).toMatchObject({ properties: { cmd: { type: 'string' } } });
    expect(toolNamed(chat, 'apply_patch')?.function.parameters).toMatchObject({ type: 'object', properties: { input: { type: 'string' } }, required: ['input'] });

    const [row] = await newRows(before, 1);
    expect(row).toMatchObject({ requested_model: model.name, provider: model.provider, status: 'success', http_status: 200 });
    expect(row?.prompt_tokens).toBe(10);
    expect(row?.app).toBe('codex');
    expect(row?.user_agent).toMatch(/^codex_exec\/0\.171\./);
  });

  it('completes a shell-tool round trip: Codex runs the command and the model answers from its output', async () => {
    const secret = `secret-${randomBytes(6).toString('hex')}`;
    writeFileSync(join(work, 'note.txt'), `The secret word is ${secret}.\n`);
    agents.model.play([
      callTool('exec_command', { cmd: 'cat note.txt' }, 'call_exec_1'),
      answerFromToolOutput('call_exec_1', (output) => `The note says: ${/secret-[0-9a-f]+/.exec(output)?.[0] ?? '(nothing readable)'}`),
    ]);
    const before = agents.gateway.usageRows().length;

    const run = await codexExec(wire, 'What is the secret word in note.txt?');

    expect(run.exit, explain(run)).toBe(0);
    expect(agents.model.problems).toEqual([]);
    // Only the command's output, carried back through the gateway, can have told the model the word.
    expect(run.stdout.trim()).toBe(`The note says: ${secret}`);
    const chats = agents.model.chatRequests();
    expect(chats).toHaveLength(2);
    expect(callArguments(chats[1], 'call_exec_1')).toEqual({ name: 'exec_command', arguments: { cmd: 'cat note.txt' } });
    expect(toolOutput(chats[1], 'call_exec_1')).toContain(secret);
    expect(toolOutput(chats[1], 'call_exec_1')).toContain('Process exited with code 0');
    expect(nativeToolRoundTrip(chats[1], 'call_exec_1', 'exec_command')).toEqual(expectedRoundTrip(wire, 'call_exec_1', 'exec_command'));
    const rows = await newRows(before, 2);
    expect(rows.map((r) => [r.provider, r.status])).toEqual([[model.provider, 'success'], [model.provider, 'success']]);
  });

  it('runs two shell calls the model makes in one answer and hands both outputs back, each to its call', async () => {
    const [first, second] = [`alpha-${randomBytes(4).toString('hex')}`, `beta-${randomBytes(4).toString('hex')}`];
    writeFileSync(join(work, 'a.txt'), `${first}\n`);
    writeFileSync(join(work, 'b.txt'), `${second}\n`);
    agents.model.play([
      callTools([
        { name: 'exec_command', args: { cmd: 'cat a.txt' }, id: 'call_exec_a' },
        { name: 'exec_command', args: { cmd: 'cat b.txt' }, id: 'call_exec_b' },
      ]),
      answerFromToolOutputs(['call_exec_a', 'call_exec_b'], (outputs) => outputs.map((o) => /(alpha|beta)-[0-9a-f]+/.exec(o)?.[0] ?? '?').join(' then ')),
    ]);

    const run = await codexExec(wire, 'Read a.txt and b.txt.');

    expect(run.exit, explain(run)).toBe(0);
    expect(agents.model.problems).toEqual([]);
    // Each output went back to the call that produced it: the order proves the pairing.
    expect(run.stdout.trim()).toBe(`${first} then ${second}`);
    const chats = agents.model.chatRequests();
    expect(chats).toHaveLength(2);
    expect(callArguments(chats[1], 'call_exec_a')).toEqual({ name: 'exec_command', arguments: { cmd: 'cat a.txt' } });
    expect(callArguments(chats[1], 'call_exec_b')).toEqual({ name: 'exec_command', arguments: { cmd: 'cat b.txt' } });
  });

  it('completes an apply_patch round trip that really edits one file and creates another', async () => {
    writeFileSync(join(work, 'greeting.txt'), 'hello\n');
    const patch = [
      '*** Begin Patch',
      '*** Update File: greeting.txt',
      '@@',
      '-hello',
      '+hello, patched by Codex through Switchboard',
      '*** Add File: notes/added.txt',
      '+a file apply_patch created',
      '*** End Patch',
      '',
    ].join('\n');
    agents.model.play([
      callTool('apply_patch', { input: patch }, 'call_patch_1'),
      answerFromToolOutput('call_patch_1', (output) => (output.includes('Success') ? 'Patched both files.' : `The patch failed: ${output}`)),
    ]);

    const run = await codexExec(wire, 'Update greeting.txt and add notes/added.txt.');

    expect(run.exit, explain(run)).toBe(0);
    expect(agents.model.problems).toEqual([]);
    expect(readFileSync(join(work, 'greeting.txt'), 'utf8')).toBe('hello, patched by Codex through Switchboard\n');
    expect(existsSync(join(work, 'notes', 'added.txt')) && readFileSync(join(work, 'notes', 'added.txt'), 'utf8')).toBe('a file apply_patch created\n');
    expect(run.stdout.trim()).toBe('Patched both files.');
    // Codex echoes its custom_tool_call back; the bridge must hand the model the same raw patch.
    const chats = agents.model.chatRequests();
    expect(chats).toHaveLength(2);
    expect(callArguments(chats[1], 'call_patch_1')).toEqual({ name: 'apply_patch', arguments: { input: patch } });
    expect(toolOutput(chats[1], 'call_patch_1')).toContain('Success. Updated the following files');
    expect(nativeToolRoundTrip(chats[1], 'call_patch_1', 'apply_patch')).toEqual(expectedRoundTrip(wire, 'call_patch_1', 'apply_patch'));
  });

  it('reports an upstream failure mid-stream and exits, after its one reconnect, without hanging', async () => {
    // Each attempt: the role chunk and one word reach Codex, then the model server resets the connection.
    agents.model.play([dropMidStream(['Working', ' on', ' it'], 2), dropMidStream(['Working', ' on', ' it'], 2)]);
    const before = agents.gateway.usageRows().length;

    const run = await codexExec(wire, 'Do something long.', 1);

    expect(run.timedOut, explain(run)).toBe(false);
    expect(run.exit, explain(run)).not.toBe(0);
    expect(agents.model.problems).toEqual([]);
    // Codex's words for a stream that ended without response.completed; the gateway must have said
    // why with response.failed, not just cut the stream ("stream closed before response.completed").
    expect(run.stderr).toContain('Reconnecting... 1/1');
    expect(run.stderr).toContain('stream disconnected before completion');
    expect(run.stderr).not.toContain('stream closed before response.completed');
    expect(run.stdout.trim()).toBe('');
    // The first attempt and stream_max_retries = 1 reconnect: two requests, two rows, both failed.
    expect(agents.model.chatRequests()).toHaveLength(2);
    const rows = await newRows(before, 2);
    expect(rows.map((r) => r.status)).toEqual(['upstream_error', 'upstream_error']);
  });

  const contextFull = CONTEXT_FULL[wire];
  // Ollama truncates a long prompt rather than refusing it: no such case on its wire.
  if (contextFull) it('says the context window is full when the model refuses the prompt as too long, and exits', async () => {
    agents.model.play([contextFull]);
    const before = agents.gateway.usageRows().length;

    const run = await codexExec(wire, 'Summarise everything.');

    expect(run.timedOut, explain(run)).toBe(false);
    expect(run.exit, explain(run)).not.toBe(0);
    expect(agents.model.problems).toEqual([]);
    // Codex's own words for response.failed with context_length_exceeded (an HTTP 400 would be a
    // fatal "invalid request" to it, and it would not know to compact); no retry of the same prompt.
    expect(run.stderr).toContain("Codex ran out of room in the model's context window.");
    expect(agents.model.chatRequests()).toHaveLength(1);
    const [row] = await newRows(before, 1);
    expect(row).toMatchObject({ provider: model.provider, http_status: 400 });
  });
});
