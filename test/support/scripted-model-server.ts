// A scripted loopback model for the real-agent e2e tests (Codex CLI, Claude Code): one server that
// answers each model request with the next turn of the test's script (text, a call to a tool the
// request offers, an answer quoting the tool output the request carries back, or a stream dropped
// mid-way) on whichever wire the deployment speaks: OpenAI Chat Completions, Ollama /api/chat or
// Anthropic /v1/messages, byte for byte as the mocks of those wires write them. Like a real server
// it refuses malformed histories with a 400; it never guesses: a broken rule or an unscripted
// request is answered with an error and recorded in `problems`, so a test fails saying why.
import { isRecord } from './mock-answer.js';
import type { Behaviour } from './mock-behaviours.js';
import { createMockUpstream, type MockUpstream } from './mock-upstream.js';
import type { IncomingHttpHeaders } from 'node:http';
import { anthropicAnswer, anthropicHeadersAccepted, readAnthropicRequest, readOllamaRequest, wireOf, type IssuedCall, type ModelWire } from './scripted-model-wires.js';

export type { ModelWire } from './scripted-model-wires.js';

export interface ChatToolCall {
  id: string;
  type: string;
  function: { name: string; arguments: string };
}

export interface ChatMessage {
  role: string;
  content?: unknown;
  tool_calls?: ChatToolCall[];
  tool_call_id?: string;
}

export interface ChatTool {
  type: string;
  function: { name: string; description?: string; parameters?: Record<string, unknown> };
}

/**
 * The parts of a model request a turn reads, in chat form whatever the wire (an Ollama or
 * Anthropic request read into chat messages and function tools); `body` is the request as sent.
 */
export interface ChatRequest {
  wire: ModelWire;
  model: string;
  messages: ChatMessage[];
  tools: ChatTool[];
  stream: boolean;
  body: Record<string, unknown>;
}

/** One answer of the model: picks the mock's behaviour for this request, or throws a ScriptProblem. */
export type Turn = (request: ChatRequest) => Behaviour;

/** What a turn throws when the request is not what the script expects (answered with a 400). */
export class ScriptProblem extends Error {}

/** Plain text, streamed word by word. */
export function say(text: string): Turn {
  return () => ({ kind: 'ok', content: text });
}

/**
 * A call of the tool `name` with `args`, which the request must offer with a schema that admits
 * them (required fields present, no undeclared field): a model only calls what it was given.
 */
export function callTool(name: string, args: Record<string, unknown>, id = `call_${name}_1`): Turn {
  return callTools([{ name, args, id }]);
}

/** Several tool calls in one answer (parallel calls), each checked as callTool checks one. */
export function callTools(calls: { name: string; args: Record<string, unknown>; id: string }[]): Turn {
  return (request) => {
    for (const { name, args } of calls) {
      const tool = request.tools.find((t) => t.function.name === name);
      if (!tool) {
        const offered = request.tools.map((t) => t.function.name).join(', ') || 'none';
        throw new ScriptProblem(`the request offers no tool named ${name} (offered: ${offered})`);
      }
      checkArguments(name, tool.function.parameters, args);
    }
    return { kind: 'ok', toolCalls: calls.map(({ name, args, id }) => ({ id, name, arguments: args })) };
  };
}

/** A final answer built from the output of tool call `callId`, which the request must carry back. */
export function answerFromToolOutput(callId: string, answer: (output: string) => string): Turn {
  return answerFromToolOutputs([callId], ([output]) => answer(output!));
}

/** A final answer built from the outputs of the tool calls `callIds`, in that order. */
export function answerFromToolOutputs(callIds: string[], answer: (outputs: string[]) => string): Turn {
  return (request) => {
    const outputs = callIds.map((callId) => {
      const result = request.messages.find((m) => m.role === 'tool' && m.tool_call_id === callId);
      if (!result) throw new ScriptProblem(`the request carries no tool message answering ${callId}`);
      return textOf(result.content);
    });
    return { kind: 'ok', content: answer(outputs) };
  };
}

/** The first `after` frames of a streamed text answer (the role chunk counts), then a TCP reset. */
export function dropMidStream(chunks: string[], after: number): Turn {
  return () => ({ kind: 'reset-after-n-chunks', n: after, answer: { chunks } });
}

export interface ScriptedModel {
  /** 'http://127.0.0.1:PORT': `${url}/v1` for an OpenAI-compatible deployment, `url` for Ollama and Anthropic. */
  url: string;
  /** The underlying mock: every request it received, headers and body included. */
  upstream: MockUpstream;
  /** Queues turns for the next chat requests, in order. */
  play(turns: Turn[]): void;
  /** The model requests received so far, in order, on any wire (other paths, e.g. a probe, are not turns). */
  chatRequests(): ChatRequest[];
  /** Every rule a request broke and every request the script did not expect, in words. */
  problems: string[];
  /** Drops unplayed turns, recorded chat requests and problems: between tests. */
  reset(): void;
  close(): Promise<void>;
}

export async function startScriptedModel(): Promise<ScriptedModel> {
  const queue: Turn[] = [];
  const chats: ChatRequest[] = [];
  const problems: string[] = [];
  const refuse = (problem: string): Behaviour => {
    problems.push(problem);
    return { kind: 'status', status: 400, body: { error: { message: `scripted model: ${problem}`, type: 'invalid_request_error', param: null, code: null } } };
  };
  const issued: IssuedCall[] = [];
  const answer = (request: { method: string; path: string; headers: IncomingHttpHeaders; json: unknown }): Behaviour => {
    // Only model requests are turns; anything else (a /models or /responses probe) gets the mock's
    // ordinary answer, which for /responses is OpenAI's 404: this server has no Responses API.
    const wire = request.method === 'POST' ? wireOf(request.path) : undefined;
    if (wire === undefined) return { kind: 'ok' };
    const json = isRecord(request.json) ? request.json : {};
    const reply = (behaviour: Behaviour): Behaviour => (wire === 'anthropic' ? anthropicAnswer(behaviour, json, chats.length) : behaviour);
    // The Anthropic API checks the key and version before it reads the request: no turn is used.
    if (wire === 'anthropic' && !anthropicHeadersAccepted(request.headers)) return reply({ kind: 'ok' });
    const read = wire === 'chat' ? undefined : wire === 'ollama' ? readOllamaRequest(json, issued) : readAnthropicRequest(json);
    const broken = isRecord(request.json) ? [...(read?.problems ?? []), ...chatRequestProblems(read ? { ...json, messages: read.messages, tools: read.tools } : json)] : ['the body is not a JSON object'];
    if (broken.length > 0) return reply(refuse(broken.join('; ')));
    const chat = toChatRequest(wire, json, read);
    chats.push(chat);
    const turn = queue.shift();
    if (!turn) return reply(refuse(`${wire} request #${chats.length} was not scripted (the script had ${chats.length - 1} turns)`));
    try {
      const behaviour = turn(chat);
      if (behaviour.kind === 'ok') for (const call of behaviour.toolCalls ?? []) issued.push({ id: call.id ?? '', name: call.name });
      return reply(behaviour);
    } catch (error) {
      if (error instanceof ScriptProblem) return reply(refuse(`turn ${chats.length}: ${error.message}`));
      throw error;
    }
  };
  const upstream = await createMockUpstream({ defaultBehaviour: { kind: 'per-request', choose: answer } });
  return {
    url: upstream.url,
    upstream,
    play(turns) {
      queue.push(...turns);
    },
    chatRequests: () => [...chats],
    problems,
    reset() {
      queue.length = 0;
      chats.length = 0;
      issued.length = 0;
      problems.length = 0;
    },
    close: () => upstream.close(),
  };
}

const ROLES = new Set(['system', 'user', 'assistant', 'tool']);
/** OpenAI's rule for function names; local servers' templates assume it too. */
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

/**
 * What a Chat Completions server refuses with a 400. The roles are the four every chat template
 * knows (a `developer` message must have become `system` on the way); the tool-call pairing rules
 * are OpenAI's ("An assistant message with 'tool_calls' must be followed by tool messages
 * responding to each 'tool_call_id'", openai/codex#7051); tools are functions only, the one kind a
 * chat-only local server has (a Responses `custom` or `namespace` tool must have been translated).
 */
export function chatRequestProblems(json: unknown): string[] {
  if (!isRecord(json)) return ['the body is not a JSON object'];
  const problems: string[] = [];
  if (typeof json.model !== 'string' || json.model === '') problems.push('model is missing');
  const tools = json.tools === undefined ? [] : json.tools;
  if (!Array.isArray(tools)) problems.push('tools is not an array');
  else {
    const names = new Set<string>();
    tools.forEach((tool, i) => {
      if (!isRecord(tool) || tool.type !== 'function' || !isRecord(tool.function)) {
        problems.push(`tools[${i}] is not a function tool (type ${JSON.stringify(isRecord(tool) ? tool.type : tool)})`);
        return;
      }
      const name = tool.function.name;
      if (typeof name !== 'string' || !TOOL_NAME.test(name)) problems.push(`tools[${i}].function.name ${JSON.stringify(name)} does not match ${TOOL_NAME.source}`);
      else if (names.has(name)) problems.push(`tools[${i}].function.name ${name} is not unique`);
      else names.add(name);
      const parameters = tool.function.parameters;
      if (parameters !== undefined && (!isRecord(parameters) || parameters.type !== 'object')) problems.push(`tools[${i}] (${String(name)}) parameters are not an object schema`);
    });
  }
  if (!Array.isArray(json.messages) || json.messages.length === 0) return [...problems, 'messages is missing or empty'];
  let pending: string[] = [];
  json.messages.forEach((message: unknown, i) => {
    if (!isRecord(message) || typeof message.role !== 'string' || !ROLES.has(message.role)) {
      problems.push(`messages[${i}] has role ${JSON.stringify(isRecord(message) ? message.role : message)}, not one of ${[...ROLES].join(', ')}`);
      return;
    }
    if (message.role === 'tool') {
      const id = message.tool_call_id;
      if (typeof id !== 'string' || !pending.includes(id)) {
        problems.push(`messages[${i}] with role 'tool' must be a response to a preceding message with 'tool_calls' (tool_call_id ${JSON.stringify(id)})`);
      } else pending = pending.filter((p) => p !== id);
      return;
    }
    if (pending.length > 0) {
      problems.push(`an assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id' (missing: ${pending.join(', ')}, before messages[${i}])`);
      pending = [];
    }
    if (message.role === 'assistant' && message.tool_calls !== undefined) {
      if (!Array.isArray(message.tool_calls)) problems.push(`messages[${i}].tool_calls is not an array`);
      else {
        message.tool_calls.forEach((call: unknown, j) => {
          const where = `messages[${i}].tool_calls[${j}]`;
          if (!isRecord(call) || typeof call.id !== 'string' || call.type !== 'function' || !isRecord(call.function) || typeof call.function.name !== 'string') {
            problems.push(`${where} is not {id, type: 'function', function: {name, arguments}}`);
            return;
          }
          if (typeof call.function.arguments !== 'string' || !parsesAsObject(call.function.arguments)) {
            problems.push(`${where}.function.arguments is not a JSON object in a string`);
          }
          pending.push(call.id);
        });
      }
    }
  });
  if (pending.length > 0) problems.push(`the last assistant message's tool calls have no tool messages (missing: ${pending.join(', ')})`);
  return problems;
}

function toChatRequest(wire: ModelWire, json: Record<string, unknown>, read: { messages: ChatMessage[]; tools: ChatTool[] } | undefined): ChatRequest {
  return {
    wire,
    model: json.model as string,
    messages: read?.messages ?? (json.messages as ChatMessage[]),
    tools: read?.tools ?? ((json.tools ?? []) as ChatTool[]),
    stream: json.stream === true,
    body: json,
  };
}

/** A tool message's content: a string, or text parts joined (OpenAI allows both). */
export function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((part) => (isRecord(part) && typeof part.text === 'string' ? part.text : '')).join('');
  return '';
}

function parsesAsObject(text: string): boolean {
  try {
    return isRecord(JSON.parse(text));
  } catch {
    return false;
  }
}

function checkArguments(name: string, parameters: Record<string, unknown> | undefined, args: Record<string, unknown>): void {
  const properties = isRecord(parameters?.properties) ? parameters.properties : {};
  const required = Array.isArray(parameters?.required) ? (parameters.required as unknown[]) : [];
  const missing = required.filter((field) => typeof field === 'string' && !(field in args));
  if (missing.length > 0) throw new ScriptProblem(`tool ${name} requires ${missing.join(', ')}, which the script does not send`);
  const undeclared = Object.keys(args).filter((field) => !(field in properties));
  if (undeclared.length > 0) {
    throw new ScriptProblem(`tool ${name} declares no ${undeclared.join(', ')} (its parameters: ${Object.keys(properties).join(', ') || 'none'})`);
  }
  for (const [field, value] of Object.entries(args)) {
    const declared = properties[field];
    if (isRecord(declared) && declared.type === 'string' && typeof value !== 'string') throw new ScriptProblem(`tool ${name} declares ${field} a string`);
  }
}
