// Golden streams of the bridge's Responses encoder (test/fixtures/responses-inbound/): each
// fixture's canonical chunk stream (what the adapters produce) is encoded and compared byte for
// byte with its .sse file, and every stream is checked against the contract Codex's parser and
// the openai SDK enforce (check-responses-stream.ts). Regenerate after a reviewed change with
// UPDATE_RESPONSES_GOLDEN=1.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../../../main/core/gateway-error.js';
import type { GatewayErrorCode } from '../../../../shared/gateway-error-codes.js';
import type { StreamOutput } from '../../../../main/providers/provider-adapter.js';
import { parseResponsesRequest } from '../../../../main/gateway/responses-inbound/parse-responses-request.js';
import { convertResponsesToChatRequest } from '../../../../main/gateway/responses-inbound/convert-responses-to-chat-request.js';
import { createResponsesEnvelope } from '../../../../main/gateway/responses-inbound/create-responses-envelope.js';
import { createResponsesStreamEncoder } from '../../../../main/gateway/responses-inbound/create-responses-stream-encoder.js';
import { checkResponsesStream, readResponsesStream } from '../../../support/check-responses-stream.js';

const DIR = join(import.meta.dirname, '../../../fixtures/responses-inbound');
const NAMES = readdirSync(DIR).filter((f) => f.endsWith('.input.json')).map((f) => f.slice(0, -'.input.json'.length)).sort();

interface Fixture {
  tools?: unknown[];
  outputs: StreamOutput[];
  error?: { code: GatewayErrorCode; message: string; retryAfter?: number };
}

function encode(fixture: Fixture, silent = false): { text: string; completed: Record<string, unknown>[]; final: string | undefined } {
  const request = parseResponsesRequest({ model: 'local-coder', input: 'go', stream: true, ...(fixture.tools ? { tools: fixture.tools } : {}) });
  const bridge = convertResponsesToChatRequest(request);
  const completed: Record<string, unknown>[] = [];
  const envelope = createResponsesEnvelope({ id: 'resp_0123456789abcdef0123456789abcdef', createdAt: 1764936000, request });
  const encoder = createResponsesStreamEncoder({
    envelope,
    toolOrigins: bridge.toolOrigins,
    estimateInputTokens: () => 17,
    onCompleted: (response) => completed.push(response),
    silent,
  });
  let text = encoder.start();
  // A silent encoder is also asked for keep-alives: they too must come back empty.
  for (const output of fixture.outputs) text += encoder.push(output) + (silent ? encoder.keepAlive() : '');
  if (fixture.error) {
    const { code, message, retryAfter } = fixture.error;
    text += encoder.error(new GatewayError(code, message, retryAfter === undefined ? {} : { retryAfter }));
  } else text += encoder.finish();
  return { text, completed, final: encoder.finalState() === undefined ? undefined : envelope.json(encoder.finalState()!) };
}

describe('Responses stream golden fixtures', () => {
  it('has the fixtures the contract names', () => {
    expect(NAMES).toEqual(expect.arrayContaining(['text', 'parallel-function-calls', 'apply-patch', 'namespace-tools', 'reasoning', 'usage-shape', 'truncation', 'mid-stream-failure']));
  });

  for (const name of NAMES) {
    it(`${name}: matches its golden stream and keeps the contract`, () => {
      const fixture = JSON.parse(readFileSync(join(DIR, `${name}.input.json`), 'utf8')) as Fixture;
      const { text, completed, final } = encode(fixture);
      const golden = join(DIR, `${name}.sse`);
      if (process.env.UPDATE_RESPONSES_GOLDEN === '1') writeFileSync(golden, text);
      expect(text).toBe(readFileSync(golden, 'utf8'));
      const { events, problems } = readResponsesStream(text);
      expect([...problems, ...checkResponsesStream(events)]).toEqual([]);
      const terminal = events.at(-1)!;
      // The hook sees exactly the object the terminal event carries; a failed response is not kept.
      if (terminal.type === 'response.failed') expect(completed).toEqual([]);
      else expect(completed).toEqual([terminal.response]);
      // The state it ended in is the terminal event's response.
      expect(JSON.parse(final!)).toEqual(terminal.response);
    });

    it(`${name}: silent (a non-stream answer's replay) builds no event text and ends in the same response`, () => {
      const fixture = JSON.parse(readFileSync(join(DIR, `${name}.input.json`), 'utf8')) as Fixture;
      const loud = encode(fixture);
      const silent = encode(fixture, true);
      expect(silent.text).toBe('');
      expect(silent.final).toBe(loud.final);
      expect(silent.completed).toEqual(loud.completed);
    });
  }
});

describe('what the golden streams say', () => {
  const events = (name: string) => readResponsesStream(readFileSync(join(DIR, `${name}.sse`), 'utf8')).events;
  const doneItems = (name: string) => events(name).filter((e) => e.type === 'response.output_item.done').map((e) => e.item);

  it('text: one message whose text is the deltas joined, usage from the upstream', () => {
    const terminal = events('text').at(-1)!;
    expect(terminal.type).toBe('response.completed');
    expect(terminal.response.output).toEqual([expect.objectContaining({ type: 'message', role: 'assistant', content: [expect.objectContaining({ type: 'output_text', text: 'Hello, world' })] })]);
    expect(terminal.response.usage).toEqual({ input_tokens: 21, input_tokens_details: { cached_tokens: 0 }, output_tokens: 3, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 24 });
  });

  it('parallel function calls: two items with their own call ids and whole arguments', () => {
    expect(doneItems('parallel-function-calls')).toEqual([
      expect.objectContaining({ type: 'function_call', call_id: 'call_a', name: 'get_weather', arguments: '{"city":"Paris"}', status: 'completed' }),
      expect.objectContaining({ type: 'function_call', call_id: 'call_b', name: 'get_weather', arguments: '{"city":"Oslo"}', status: 'completed' }),
    ]);
  });

  it('apply_patch: a custom_tool_call with the raw patch, streamed as custom_tool_call_input events', () => {
    const all = events('apply-patch');
    const patch = '*** Begin Patch\n*** Add File: a.txt\n+hi\n*** End Patch';
    expect(doneItems('apply-patch')[1]).toEqual(expect.objectContaining({ type: 'custom_tool_call', name: 'apply_patch', call_id: 'call_p', input: patch }));
    expect(all.find((e) => e.type === 'response.custom_tool_call_input.done')?.input).toBe(patch);
    expect(all.some((e) => e.type === 'response.function_call_arguments.delta')).toBe(false);
  });

  it('namespace tools: the flattened name maps back to {name, namespace}; local_shell to a local_shell_call', () => {
    expect(doneItems('namespace-tools')).toEqual([
      expect.objectContaining({ type: 'function_call', name: 'create_issue', namespace: 'mcp_github', arguments: '{"title":"Bug"}' }),
      expect.objectContaining({ type: 'local_shell_call', call_id: 'call_s', action: { type: 'exec', command: ['ls', '-la'], env: {}, working_directory: '/tmp' } }),
    ]);
  });

  it('reasoning: a reasoning item with the summary streamed, then the message; reasoning tokens reported', () => {
    const all = events('reasoning');
    expect(all.filter((e) => e.type === 'response.reasoning_summary_text.delta').map((e) => e.delta)).toEqual(['Let me ', 'think.']);
    expect(doneItems('reasoning')[0]).toEqual(expect.objectContaining({ type: 'reasoning', summary: [{ type: 'summary_text', text: 'Let me think.' }] }));
    expect(all.at(-1)!.response.usage.output_tokens_details).toEqual({ reasoning_tokens: 9 });
  });

  it('Anthropic thinking: the signed block rides in encrypted_content for the next turn', () => {
    const reasoning = doneItems('anthropic-thinking')[0];
    expect(reasoning.encrypted_content).toMatch(/^sb1:/);
    expect(JSON.parse(Buffer.from(reasoning.encrypted_content.slice(4), 'base64').toString('utf8'))).toEqual([{ type: 'thinking', thinking: 'Weighing it.', signature: 'EqQBCkYIBxgCKkBv0Zt1yQ==' }]);
  });

  it('usage shape: cache reads in input_tokens_details, counted inside input_tokens', () => {
    expect(events('usage-shape').at(-1)!.response.usage).toEqual({ input_tokens: 5000, input_tokens_details: { cached_tokens: 4096 }, output_tokens: 7, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 5007 });
  });

  it('no upstream usage: estimated, still with both detail objects', () => {
    expect(events('no-usage').at(-1)!.response.usage).toMatchObject({ input_tokens: 17, input_tokens_details: { cached_tokens: 0 }, output_tokens_details: { reasoning_tokens: 0 } });
  });

  it('truncation: response.incomplete for max_output_tokens, the message marked incomplete', () => {
    const terminal = events('truncation').at(-1)!;
    expect(terminal.type).toBe('response.incomplete');
    expect(terminal.response.incomplete_details).toEqual({ reason: 'max_output_tokens' });
    expect(terminal.response.output[0].status).toBe('incomplete');
  });

  it('mid-stream failure: response.failed with server_error, the half-written call not handed over', () => {
    const terminal = events('mid-stream-failure').at(-1)!;
    expect(terminal.type).toBe('response.failed');
    expect(terminal.response.error.code).toBe('server_error');
    // The message finished before the call began; the call never did.
    expect(terminal.response.output.map((item: { type: string }) => item.type)).toEqual(['message']);
  });

  it('failures use the codes Codex acts on: rate_limit_exceeded with "try again in N s", context_length_exceeded', () => {
    const limited = events('rate-limited-failure').at(-1)!.response.error;
    expect(limited.code).toBe('rate_limit_exceeded');
    expect(limited.message).toMatch(/try again in 20 s/);
    expect(events('context-failure').at(-1)!.response.error.code).toBe('context_length_exceeded');
  });
});
