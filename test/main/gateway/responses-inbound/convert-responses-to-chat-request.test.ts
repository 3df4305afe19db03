// The bridge's request translation: every input item and tool kind Codex and the openai SDK send,
// what is merged (instructions + developer/system messages into one leading system message;
// consecutive calls into one assistant message), what is dropped and listed (never a 400), and
// the sampling/output fields mapped to their chat-completions names.
import { describe, expect, it } from 'vitest';
import { parseResponsesRequest } from '../../../../main/gateway/responses-inbound/parse-responses-request.js';
import { convertResponsesToChatRequest, withoutThinkingBlocks } from '../../../../main/gateway/responses-inbound/convert-responses-to-chat-request.js';
import { encodeReasoningContent } from '../../../../main/gateway/responses-inbound/reasoning-encrypted-content.js';
import { isGatewayError } from '../../../../main/core/gateway-error.js';

const convert = (body: Record<string, unknown>) => convertResponsesToChatRequest(parseResponsesRequest({ model: 'm', ...body }));
const messagesOf = (body: Record<string, unknown>) => convert(body).body.messages;

describe('input items', () => {
  it('a string input is one user message', () => {
    expect(convert({ input: 'hi' }).body).toEqual({ model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: false });
  });

  it('instructions, then developer and system messages in order, become one leading system message', () => {
    expect(messagesOf({
      instructions: 'Base prompt.',
      input: [
        { type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'Permissions.' }] },
        { role: 'user', content: 'first' },
        { role: 'assistant', content: [{ type: 'output_text', text: 'ok' }] },
        { type: 'message', role: 'system', content: 'Late system note.' },
        { role: 'user', content: 'second' },
      ],
    })).toEqual([
      { role: 'system', content: 'Base prompt.\n\nPermissions.\n\nLate system note.' },
      { role: 'user', content: 'first' },
      { role: 'assistant', content: 'ok' },
      { role: 'user', content: 'second' },
    ]);
  });

  it('keeps the system message byte-stable across turns (prefix caching)', () => {
    const turn1 = convert({ instructions: 'P', input: [{ role: 'developer', content: 'D' }, { role: 'user', content: 'a' }] });
    const turn2 = convert({ instructions: 'P', input: [{ role: 'developer', content: 'D' }, { role: 'user', content: 'a' }, { role: 'assistant', content: 'b' }, { role: 'user', content: 'c' }] });
    expect(JSON.stringify((turn2.body.messages as unknown[])[0])).toBe(JSON.stringify((turn1.body.messages as unknown[])[0]));
    expect(JSON.stringify(turn1.body)).toBe(JSON.stringify(convert({ instructions: 'P', input: [{ role: 'developer', content: 'D' }, { role: 'user', content: 'a' }] }).body));
  });

  it('user text and images become chat parts; a file_id image is dropped and listed', () => {
    const bridge = convert({ input: [{ role: 'user', content: [
      { type: 'input_text', text: 'what is this?' },
      { type: 'input_image', image_url: 'data:image/png;base64,AAAA', detail: 'high' },
      { type: 'input_image', file_id: 'file_123' },
    ] }] });
    expect(bridge.body.messages).toEqual([{ role: 'user', content: [
      { type: 'text', text: 'what is this?' },
      { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA', detail: 'high' } },
    ] }]);
    expect(bridge.dropped).toEqual(['part:input_image(file_id)']);
  });

  it('consecutive function calls become ONE assistant message with tool_calls; outputs become tool messages', () => {
    expect(messagesOf({ input: [
      { role: 'user', content: 'go' },
      { type: 'function_call', call_id: 'a', name: 'read', arguments: '{"p":1}' },
      { type: 'function_call', call_id: 'b', name: 'read', arguments: { p: 2 } },
      { type: 'function_call_output', call_id: 'a', output: 'one' },
      { type: 'function_call_output', call_id: 'b', output: [{ type: 'input_text', text: 'two' }, { type: 'input_image', image_url: 'https://x/y.png' }] },
      { role: 'user', content: 'next' },
    ] })).toEqual([
      { role: 'user', content: 'go' },
      { role: 'assistant', content: null, tool_calls: [
        { id: 'a', type: 'function', function: { name: 'read', arguments: '{"p":1}' } },
        { id: 'b', type: 'function', function: { name: 'read', arguments: '{"p":2}' } },
      ] },
      { role: 'tool', tool_call_id: 'a', content: 'one' },
      { role: 'tool', tool_call_id: 'b', content: 'two' },
      // An image a tool returned follows the run of tool messages as a user turn.
      { role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://x/y.png' } }] },
      { role: 'user', content: 'next' },
    ]);
  });

  it('commentary before calls joins their assistant message', () => {
    expect(messagesOf({ input: [
      { role: 'user', content: 'go' },
      { role: 'assistant', content: 'Looking.' },
      { type: 'function_call', call_id: 'a', name: 'ls', arguments: '{}' },
      { type: 'function_call_output', call_id: 'a', output: '' },
    ] })).toEqual([
      { role: 'user', content: 'go' },
      { role: 'assistant', content: 'Looking.', tool_calls: [{ id: 'a', type: 'function', function: { name: 'ls', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 'a', content: '' },
    ]);
  });

  it('custom_tool_call (apply_patch), namespaced calls and local_shell_call replay as function calls', () => {
    expect(messagesOf({ input: [
      { role: 'user', content: 'go' },
      { type: 'custom_tool_call', call_id: 'p', name: 'apply_patch', input: '*** Begin Patch\n*** End Patch' },
      { type: 'function_call', call_id: 'n', name: 'create_issue', namespace: 'github', arguments: '{}' },
      { type: 'local_shell_call', call_id: 's', status: 'completed', action: { type: 'exec', command: ['ls'], working_directory: '/w', env: {} } },
      { type: 'custom_tool_call_output', call_id: 'p', output: 'Done!' },
      { type: 'function_call_output', call_id: 'n', output: '#1' },
      { type: 'local_shell_call_output', call_id: 's', output: 'a.txt' },
    ] })).toEqual([
      { role: 'user', content: 'go' },
      { role: 'assistant', content: null, tool_calls: [
        { id: 'p', type: 'function', function: { name: 'apply_patch', arguments: '{"input":"*** Begin Patch\\n*** End Patch"}' } },
        { id: 'n', type: 'function', function: { name: 'github__create_issue', arguments: '{}' } },
        { id: 's', type: 'function', function: { name: 'local_shell', arguments: '{"command":["ls"],"workdir":"/w"}' } },
      ] },
      { role: 'tool', tool_call_id: 'p', content: 'Done!' },
      { role: 'tool', tool_call_id: 'n', content: '#1' },
      { role: 'tool', tool_call_id: 's', content: 'a.txt' },
    ]);
  });

  it('reasoning items: foreign ones dropped silently; wrapped Anthropic thinking replays on the assistant message', () => {
    const blocks = [{ type: 'thinking' as const, thinking: 'hm', signature: 'sig' }];
    const bridge = convert({ input: [
      { role: 'user', content: 'go' },
      { type: 'reasoning', id: 'rs_1', summary: [], encrypted_content: 'gAAAAB-openai-own' },
      { type: 'reasoning', id: 'rs_2', summary: [], encrypted_content: encodeReasoningContent(blocks) },
      { type: 'function_call', call_id: 'a', name: 'ls', arguments: '{}' },
      { type: 'function_call_output', call_id: 'a', output: 'x' },
    ] });
    expect(bridge.replaysThinking).toBe(true);
    expect(bridge.dropped).toEqual([]);
    expect((bridge.body.messages as any[])[1]).toEqual({ role: 'assistant', content: null, thinking_blocks: blocks, tool_calls: [{ id: 'a', type: 'function', function: { name: 'ls', arguments: '{}' } }] });
    expect((withoutThinkingBlocks(bridge.body).messages as any[])[1].thinking_blocks).toBeUndefined();
  });

  it('unknown item kinds are dropped and listed, never a 400', () => {
    const bridge = convert({ input: [{ type: 'web_search_call', id: 'ws' }, { role: 'user', content: 'hi' }, { type: 'compaction_v9', data: 1 }] });
    expect(bridge.body.messages).toEqual([{ role: 'user', content: 'hi' }]);
    expect(bridge.dropped).toEqual(['item:web_search_call', 'item:compaction_v9']);
    expect(bridge.untranslatable).toBeUndefined();
  });

  it('when nothing is left, the request is untranslatable for bridged deployments (pass-through still gets it)', () => {
    const bridge = convert({ input: [{ type: 'item_reference', id: 'msg_1' }] });
    expect(bridge.untranslatable?.code).toBe('invalid_request');
    expect(bridge.untranslatable?.message).toMatch(/item:item_reference/);
  });

  it('a message with an unknown role is a 400 naming the item', () => {
    try {
      convert({ input: [{ type: 'message', role: 'tool', content: 'x' }] });
      expect.unreachable();
    } catch (error) {
      expect(isGatewayError(error) && error.message).toMatch(/input\[0\]\.role/);
    }
  });
});

describe('tools and settings', () => {
  it('maps function (strict kept), custom, namespace and local_shell tools; drops server-side tools', () => {
    const bridge = convert({ input: 'go', tools: [
      { type: 'function', name: 'shell', description: 'Run', parameters: { type: 'object', properties: {} }, strict: true },
      { type: 'custom', name: 'apply_patch', description: 'Patch', format: { type: 'grammar', syntax: 'lark', definition: 'start: x' } },
      { type: 'namespace', name: 'github', tools: [{ type: 'function', name: 'create_issue', parameters: { type: 'object' } }] },
      { type: 'local_shell' },
      { type: 'web_search' },
      { type: 'tool_search' },
    ] });
    const tools = bridge.body.tools as any[];
    expect(tools.map((t) => t.function.name)).toEqual(['shell', 'apply_patch', 'github__create_issue', 'local_shell']);
    expect(tools[0].function).toEqual({ name: 'shell', description: 'Run', parameters: { type: 'object', properties: {} }, strict: true });
    expect(tools[1].function.parameters).toMatchObject({ type: 'object', properties: { input: { type: 'string' } }, required: ['input'] });
    expect(tools[1].function.parameters.properties.input.description).toContain('start: x');
    expect(bridge.dropped).toEqual(['tool:web_search', 'tool:tool_search']);
    expect([...bridge.toolOrigins]).toEqual([
      ['apply_patch', { kind: 'custom', name: 'apply_patch' }],
      ['github__create_issue', { kind: 'function', name: 'create_issue', namespace: 'github' }],
      ['local_shell', { kind: 'local_shell' }],
    ]);
  });

  it('maps tool_choice, parallel_tool_calls, text.format, reasoning.effort, max_output_tokens, temperature, top_p; ignores store, include, service_tier', () => {
    const body = convert({
      input: 'go',
      tools: [{ type: 'namespace', name: 'gh', tools: [{ type: 'function', name: 'pr' }] }],
      tool_choice: { type: 'function', name: 'pr', namespace: 'gh' },
      parallel_tool_calls: false,
      text: { format: { type: 'json_schema', name: 'out', schema: { type: 'object' }, strict: true } },
      reasoning: { effort: 'high', summary: 'auto' },
      max_output_tokens: 2048,
      temperature: 0.2,
      top_p: 0.9,
      store: false,
      include: ['reasoning.encrypted_content'],
      service_tier: 'auto',
      prompt_cache_key: 'abc',
      client_metadata: { x: 1 },
    }).body;
    expect(body).toEqual({
      model: 'm',
      messages: [{ role: 'user', content: 'go' }],
      stream: false,
      tools: [{ type: 'function', function: { name: 'gh__pr', parameters: { type: 'object', properties: {} } } }],
      tool_choice: { type: 'function', function: { name: 'gh__pr' } },
      parallel_tool_calls: false,
      max_tokens: 2048,
      temperature: 0.2,
      top_p: 0.9,
      reasoning_effort: 'high',
      response_format: { type: 'json_schema', json_schema: { name: 'out', schema: { type: 'object' }, strict: true } },
    });
  });
});
