import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../../../main/core/gateway-error.js';
import { convertAnthropicToOpenAIRequest } from '../../../../main/gateway/anthropic-inbound/convert-anthropic-to-openai-request.js';
import { parseAnthropicMessagesRequest } from '../../../../main/gateway/anthropic-inbound/parse-anthropic-request.js';
import { loadFixture } from './anthropic-sdk-over-fake-fetch.js';

type Body = Record<string, unknown>;
const convert = (body: Body, options?: Parameters<typeof convertAnthropicToOpenAIRequest>[1]) =>
  convertAnthropicToOpenAIRequest(parseAnthropicMessagesRequest(body), options);
const request = (messages: unknown[], extra: Body = {}): Body => ({ model: 'qwen3', max_tokens: 256, messages, ...extra });
const messagesOf = (body: Body) => body.messages as Body[];

function rejection(run: () => unknown): GatewayError {
  try {
    run();
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected a GatewayError');
}

describe('convert-anthropic-to-openai-request', () => {
  it('translates a Claude Code request (system array, reminders, thinking, tools, a tool round trip) into an OpenAI chat body', () => {
    const body = convert(loadFixture('claude-code-request-system-array-thinking-tools-round-trip.json'));
    expect(body).toEqual({
      model: 'claude-sonnet-4-5-20250929',
      max_tokens: 32000,
      temperature: 1,
      user: 'user_4f5e6d7c_account__session_0b1c2d3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e',
      reasoning_effort: 'high',
      stream: true,
      stream_options: { include_usage: true },
      tool_choice: 'auto',
      messages: [
        {
          role: 'system',
          content:
            "You are Claude Code, Anthropic's official CLI for Claude.\n\nYou are an interactive CLI tool that helps users with software engineering tasks.\n\n# Tone and style\nBe concise.",
        },
        {
          role: 'user',
          content:
            "<system-reminder>\nAs you answer the user's questions, you can use the following context:\n# claudeMd\nUse pnpm.\n</system-reminder>\n\n\nList the files in src, then read package.json",
        },
        {
          role: 'assistant',
          content: "I'll list the files first.",
          tool_calls: [
            { id: 'toolu_01A09q90qw90lq917835lq9', type: 'function', function: { name: 'Bash', arguments: '{"command":"ls src","description":"List files in src"}' } },
            { id: 'toolu_01B7yN3mXq2Vd8pR6sT4uW1z', type: 'function', function: { name: 'Read', arguments: '{"file_path":"/repo/package.json"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'toolu_01A09q90qw90lq917835lq9', content: 'index.ts\nutil.ts' },
        { role: 'tool', tool_call_id: 'toolu_01B7yN3mXq2Vd8pR6sT4uW1z', content: 'Error: <tool_use_error>File does not exist.</tool_use_error>' },
        { role: 'user', content: "<system-reminder>\nThe TodoWrite tool hasn't been used recently.\n</system-reminder>" },
      ],
      tools: [
        {
          type: 'function',
          function: {
            name: 'Bash',
            description: 'Executes a given bash command in a persistent shell session.',
            parameters: {
              $schema: 'http://json-schema.org/draft-07/schema#',
              type: 'object',
              properties: {
                command: { type: 'string', description: 'The command to execute' },
                timeout: { type: 'number', description: 'Optional timeout in milliseconds (max 600000)' },
                description: { type: 'string' },
                run_in_background: { type: 'boolean' },
              },
              required: ['command'],
              additionalProperties: false,
            },
          },
        },
        {
          type: 'function',
          function: {
            name: 'TodoWrite',
            description: 'Create and manage a structured task list.',
            parameters: (loadFixture<{ tools: Array<{ input_schema: unknown }> }>('claude-code-request-system-array-thinking-tools-round-trip.json').tools[1]!.input_schema),
          },
        },
        {
          type: 'function',
          function: { name: 'mcp__ide__getDiagnostics', description: 'Get language diagnostics from VS Code', parameters: { type: 'object', properties: {} } },
        },
      ],
    });
  });

  it('never sends top_k, cache_control or Anthropic-only top-level fields', () => {
    const body = convert(request([{ role: 'user', content: [{ type: 'text', text: 'x', cache_control: { type: 'ephemeral' } }] }], { top_k: 5, container: 'c1', service_tier: 'auto' }));
    expect(JSON.stringify(body)).not.toMatch(/top_k|cache_control|container|service_tier/);
  });

  describe('system prompts', () => {
    it('turns a string system prompt into a leading system message', () => {
      expect(messagesOf(convert(request([{ role: 'user', content: 'hi' }], { system: 'Be brief.' })))[0]).toEqual({ role: 'system', content: 'Be brief.' });
    });

    it('keeps a system turn from inside messages where it was (litellm #36917)', () => {
      const body = convert(request([
        { role: 'user', content: 'one' },
        { role: 'assistant', content: 'two' },
        { role: 'system', content: [{ type: 'text', text: 'Available skills: pdf, xlsx' }] },
        { role: 'user', content: 'three' },
      ], { system: 'top' }));
      expect(messagesOf(body).map((m) => [m.role, m.content])).toEqual([
        ['system', 'top'],
        ['user', 'one'],
        ['assistant', 'two'],
        ['system', 'Available skills: pdf, xlsx'],
        ['user', 'three'],
      ]);
    });

    it('merges adjacent system messages into one, as many local chat templates accept only one', () => {
      const body = convert(request([{ role: 'system', content: 'second' }, { role: 'user', content: 'hi' }], { system: [{ type: 'text', text: 'first' }] }));
      expect(messagesOf(body).slice(0, 2)).toEqual([{ role: 'system', content: 'first\n\nsecond' }, { role: 'user', content: 'hi' }]);
    });

    it('sends no system message for an empty system prompt', () => {
      expect(messagesOf(convert(request([{ role: 'user', content: 'hi' }], { system: [] })))).toEqual([{ role: 'user', content: 'hi' }]);
    });
  });

  describe('user content', () => {
    it('sends images as image_url parts: base64 as a data: URL, URLs as given', () => {
      const body = convert(request([{
        role: 'user',
        content: [
          { type: 'text', text: 'Compare' },
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
          { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
        ],
      }]));
      expect(messagesOf(body)).toEqual([{
        role: 'user',
        content: [
          { type: 'text', text: 'Compare' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
          { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } },
        ],
      }]);
    });

    it('sends documents: PDFs as file parts, text and content sources as text', () => {
      const body = convert(request([{
        role: 'user',
        content: [
          { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0x' }, title: 'spec' },
          { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'Body text.' }, title: 'Notes', context: 'from the wiki' },
          { type: 'document', source: { type: 'content', content: [{ type: 'text', text: 'Chunk one.' }] } },
          { type: 'search_result', source: 'https://docs.example/a', title: 'A', content: [{ type: 'text', text: 'Result text.' }] },
        ],
      }]));
      expect(messagesOf(body)[0]!.content).toEqual([
        { type: 'file', file: { filename: 'spec.pdf', file_data: 'data:application/pdf;base64,JVBERi0x' } },
        { type: 'text', text: 'Notes\n\nfrom the wiki\n\nBody text.' },
        { type: 'text', text: 'Chunk one.' },
        { type: 'text', text: 'A (https://docs.example/a)\n\nResult text.' },
      ]);
    });

    it.each([
      ['an image by file_id', { type: 'image', source: { type: 'file', file_id: 'file_1' } }, 'messages.0.content.0.source'],
      ['a document by URL', { type: 'document', source: { type: 'url', url: 'https://example.com/a.pdf' } }, 'messages.0.content.0.source'],
      ['a document by file_id', { type: 'document', source: { type: 'file', file_id: 'file_1' } }, 'messages.0.content.0.source'],
      ['a block type it does not know', { type: 'web_search_tool_result', tool_use_id: 'x', content: [] }, 'messages.0.content.0.type'],
      ['a tool_use in a user turn', { type: 'tool_use', id: 't', name: 'n', input: {} }, 'messages.0.content.0'],
    ])('refuses %s with a 400 naming the block', (_name, block, param) => {
      const error = rejection(() => convert(request([{ role: 'user', content: [block] }])));
      expect(error.code).toBe('invalid_request');
      expect(error.status).toBe(400);
      expect(error.param).toBe(param);
      expect(error.message.startsWith(`${param}: `)).toBe(true);
    });
  });

  describe('tool use round trip', () => {
    const call = (id: string, input: Body = { q: id }) => ({ type: 'tool_use', id, name: 'search', input });
    const result = (id: string, content: unknown = `result ${id}`, extra: Body = {}) => ({ type: 'tool_result', tool_use_id: id, content, ...extra });

    it('puts tool messages before the rest of the user turn, as OpenAI requires', () => {
      const body = convert(request([
        { role: 'user', content: 'find it' },
        { role: 'assistant', content: [call('toolu_1')] },
        { role: 'user', content: [{ type: 'text', text: 'also this' }, result('toolu_1')] },
      ]));
      expect(messagesOf(body).slice(2)).toEqual([
        { role: 'tool', tool_call_id: 'toolu_1', content: 'result toolu_1' },
        { role: 'user', content: 'also this' },
      ]);
    });

    it('gives an assistant turn that only calls tools null content', () => {
      expect(messagesOf(convert(request([{ role: 'user', content: 'q' }, { role: 'assistant', content: [call('toolu_1', {})] }])))[1]).toEqual({
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'search', arguments: '{}' } }],
      });
    });

    it('keeps only the first result when a tool_use_id is answered twice (litellm #16711)', () => {
      const body = convert(request([
        { role: 'user', content: 'q' },
        { role: 'assistant', content: [call('toolu_1'), call('toolu_2')] },
        { role: 'user', content: [result('toolu_1', 'first'), result('toolu_2'), result('toolu_1', 'again')] },
        { role: 'assistant', content: 'ok' },
        { role: 'user', content: [result('toolu_2', 'late duplicate'), { type: 'text', text: 'next' }] },
      ]));
      const tools = messagesOf(body).filter((m) => m.role === 'tool');
      expect(tools).toEqual([
        { role: 'tool', tool_call_id: 'toolu_1', content: 'first' },
        { role: 'tool', tool_call_id: 'toolu_2', content: 'result toolu_2' },
      ]);
      expect(messagesOf(body).at(-1)).toEqual({ role: 'user', content: 'next' });
    });

    it('keeps only the first call when a tool_use id repeats', () => {
      const body = convert(request([{ role: 'user', content: 'q' }, { role: 'assistant', content: [call('toolu_1', { a: 1 }), call('toolu_1', { a: 2 })] }]));
      expect((messagesOf(body)[1]!.tool_calls as unknown[])).toHaveLength(1);
    });

    it.each([
      ['a string', 'plain', undefined, 'plain'],
      ['text blocks', [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }], undefined, 'a\n\nb'],
      ['no content', undefined, undefined, ''],
      ['an error with text', 'boom', true, 'Error: boom'],
      ['an error without content', undefined, true, 'Error'],
      ['a block type newer than the gateway', [{ type: 'tool_reference', tool_name: 'x' }], undefined, '{"type":"tool_reference","tool_name":"x"}'],
    ])('flattens a tool_result with %s to text', (_name, content, isError, expected) => {
      const block = isError === undefined ? result('toolu_1', content) : result('toolu_1', content, { is_error: isError });
      if (content === undefined) delete (block as Body).content;
      const body = convert(request([{ role: 'user', content: 'q' }, { role: 'assistant', content: [call('toolu_1')] }, { role: 'user', content: [block] }]));
      expect(messagesOf(body)[2]).toEqual({ role: 'tool', tool_call_id: 'toolu_1', content: expected });
    });

    it('moves images a tool returned into a user message after the tool messages', () => {
      const body = convert(request([
        { role: 'user', content: 'screenshot please' },
        { role: 'assistant', content: [call('toolu_1')] },
        { role: 'user', content: [result('toolu_1', [{ type: 'text', text: 'Captured.' }, { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: '/9j/' } }])] },
      ]));
      expect(messagesOf(body).slice(2)).toEqual([
        { role: 'tool', tool_call_id: 'toolu_1', content: 'Captured.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Attachments returned by tool call toolu_1:' },
            { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,/9j/' } },
          ],
        },
      ]);
    });

    it('drops thinking from assistant history and skips a turn that held only thinking', () => {
      const body = convert(request([
        { role: 'user', content: 'q' },
        { role: 'assistant', content: [{ type: 'thinking', thinking: 'hmm', signature: 's' }, { type: 'redacted_thinking', data: 'xx' }] },
        { role: 'user', content: 'q2' },
        { role: 'assistant', content: [{ type: 'thinking', thinking: 'hmm', signature: 's' }, { type: 'text', text: 'answer' }] },
      ]));
      expect(messagesOf(body)).toEqual([
        { role: 'user', content: 'q' },
        { role: 'user', content: 'q2' },
        { role: 'assistant', content: 'answer' },
      ]);
    });

    it('refuses a request that is empty once thinking is removed, instead of sending no messages (litellm #26131)', () => {
      const error = rejection(() => convert(request([{ role: 'assistant', content: [{ type: 'thinking', thinking: 'x', signature: 's' }] }])));
      expect(error.param).toBe('messages');
    });
  });

  describe('tools and tool_choice', () => {
    const tools = [{ name: 'search', description: 'Search', input_schema: { type: 'object', properties: { q: { type: 'string' } } } }];
    const withChoice = (tool_choice: unknown) => convert(request([{ role: 'user', content: 'q' }], { tools, tool_choice }));

    it.each([
      [{ type: 'auto' }, 'auto', undefined],
      [{ type: 'any' }, 'required', undefined],
      [{ type: 'none' }, 'none', undefined],
      [{ type: 'tool', name: 'search' }, { type: 'function', function: { name: 'search' } }, undefined],
      [{ type: 'auto', disable_parallel_tool_use: true }, 'auto', false],
      [{ type: 'any', disable_parallel_tool_use: true }, 'required', false],
      [{ type: 'tool', name: 'search', disable_parallel_tool_use: true }, { type: 'function', function: { name: 'search' } }, false],
      [{ type: 'auto', disable_parallel_tool_use: false }, 'auto', undefined],
    ])('maps tool_choice %j to %j (parallel_tool_calls %s)', (choice, expected, parallel) => {
      const body = withChoice(choice);
      expect(body.tool_choice).toEqual(expected);
      expect(body.parallel_tool_calls).toBe(parallel);
    });

    it('refuses tool_choice naming a tool that is not defined', () => {
      expect(rejection(() => withChoice({ type: 'tool', name: 'nope' })).param).toBe('tool_choice.name');
    });

    it('sends neither tool_choice nor parallel_tool_calls without tools (OpenAI refuses both)', () => {
      const body = convert(request([{ role: 'user', content: 'q' }], { tool_choice: { type: 'any', disable_parallel_tool_use: true } }));
      expect(body).not.toHaveProperty('tool_choice');
      expect(body).not.toHaveProperty('parallel_tool_calls');
      expect(body).not.toHaveProperty('tools');
    });

    it('refuses a server tool such as web_search_20250305 by default, naming it', () => {
      const error = rejection(() => convert(request([{ role: 'user', content: 'q' }], { tools: [...tools, { type: 'web_search_20250305', name: 'web_search', max_uses: 3 }] })));
      expect(error.status).toBe(400);
      expect(error.param).toBe('tools.1');
      expect(error.message).toContain('web_search_20250305');
    });

    it('drops server tools and keeps custom ones when told to', () => {
      const body = convert(request([{ role: 'user', content: 'q' }], { tools: [{ type: 'bash_20250124', name: 'bash' }, ...tools] }), { serverTools: 'drop' });
      expect((body.tools as Body[]).map((tool) => (tool.function as Body).name)).toEqual(['search']);
    });

    it('accepts tools declared with type "custom"', () => {
      const body = convert(request([{ role: 'user', content: 'q' }], { tools: [{ ...tools[0], type: 'custom' }] }));
      expect((body.tools as Body[])[0]).toEqual({ type: 'function', function: { name: 'search', description: 'Search', parameters: tools[0]!.input_schema } });
    });
  });

  describe('parameters', () => {
    it.each([
      [{ type: 'enabled', budget_tokens: 31999 }, 'high'],
      [{ type: 'enabled', budget_tokens: 10000 }, 'high'],
      [{ type: 'enabled', budget_tokens: 9999 }, 'medium'],
      [{ type: 'enabled', budget_tokens: 5000 }, 'medium'],
      [{ type: 'enabled', budget_tokens: 1024 }, 'low'],
      [{ type: 'adaptive' }, undefined],
      [{ type: 'disabled' }, undefined],
    ])('maps thinking %j to reasoning_effort %s', (thinking, effort) => {
      expect(convert(request([{ role: 'user', content: 'q' }], { thinking })).reasoning_effort).toBe(effort);
    });

    it('maps stop_sequences to stop and leaves an empty list out', () => {
      expect(convert(request([{ role: 'user', content: 'q' }], { stop_sequences: ['END', '###'] })).stop).toEqual(['END', '###']);
      expect(convert(request([{ role: 'user', content: 'q' }], { stop_sequences: [] }))).not.toHaveProperty('stop');
    });

    it('passes temperature and top_p through', () => {
      const body = convert(request([{ role: 'user', content: 'q' }], { temperature: 0.2, top_p: 0.9 }));
      expect([body.temperature, body.top_p]).toEqual([0.2, 0.9]);
    });

    it('asks for stream usage only when streaming', () => {
      const streaming = convert(request([{ role: 'user', content: 'q' }], { stream: true }));
      const plain = convert(request([{ role: 'user', content: 'q' }], { stream: false }));
      expect(streaming.stream_options).toEqual({ include_usage: true });
      expect(plain.stream).toBe(false);
      expect(plain).not.toHaveProperty('stream_options');
    });

    it('maps output_config.format to a json_schema response_format', () => {
      const schema = { type: 'object', properties: { answer: { type: 'integer' } }, required: ['answer'] };
      const body = convert(request([{ role: 'user', content: 'q' }], { output_config: { format: { type: 'json_schema', schema } } }));
      expect(body.response_format).toEqual({ type: 'json_schema', json_schema: { name: 'response', schema } });
    });

    it('refuses max_tokens 0, which only Anthropic understands (cache pre-warming)', () => {
      expect(rejection(() => convert({ ...request([{ role: 'user', content: 'q' }]), max_tokens: 0 })).param).toBe('max_tokens');
    });
  });
});
