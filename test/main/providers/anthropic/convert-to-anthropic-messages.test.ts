import { describe, expect, it } from 'vitest';
import { convertToAnthropicMessages } from '../../../../main/providers/anthropic/convert-to-anthropic-messages.js';
import { expectGatewayError } from '../expect-gateway-error.js';

describe('convertToAnthropicMessages', () => {
  it('lifts every system and developer message into system, in order, including ones mid-array', () => {
    const result = convertToAnthropicMessages([
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello.' },
      // Claude Code puts its skills list here (litellm #36917 dropped it).
      { role: 'system', content: [{ type: 'text', text: 'Skills: a, b' }, { type: 'text', text: 'More rules', cache_control: { type: 'ephemeral' } }] },
      { role: 'developer', content: 'Answer in French.' },
      { role: 'user', content: 'Bye' },
    ]);
    expect(result.system).toEqual([
      { type: 'text', text: 'You are terse.' },
      { type: 'text', text: 'Skills: a, b' },
      { type: 'text', text: 'More rules', cache_control: { type: 'ephemeral' } },
      { type: 'text', text: 'Answer in French.' },
    ]);
    expect(result.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Hi' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'Hello.' }] },
      { role: 'user', content: [{ type: 'text', text: 'Bye' }] },
    ]);
  });

  it('merges consecutive same-role turns, including the ones a lifted system message leaves behind', () => {
    const result = convertToAnthropicMessages([
      { role: 'user', content: 'one' },
      { role: 'system', content: 'rule' },
      { role: 'user', content: 'two' },
      { role: 'assistant', content: 'three' },
      { role: 'assistant', content: 'four' },
    ]);
    expect(result.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'one' }, { type: 'text', text: 'two' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'three' }, { type: 'text', text: 'four' }] },
    ]);
  });

  it('turns assistant tool_calls into tool_use blocks and consecutive tool messages into one user turn of tool_results', () => {
    const result = convertToAnthropicMessages([
      { role: 'user', content: 'Weather in Paris and time in Tokyo?' },
      {
        role: 'assistant',
        content: 'Let me check.',
        tool_calls: [
          { id: 'toolu_a', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
          { id: 'toolu_b', type: 'function', function: { name: 'get_time', arguments: '' } },
        ],
      },
      { role: 'tool', tool_call_id: 'toolu_a', content: '18°C' },
      { role: 'tool', tool_call_id: 'toolu_b', content: [{ type: 'text', text: '09:00' }] },
      { role: 'user', content: 'Thanks' },
    ]);
    expect(result.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Weather in Paris and time in Tokyo?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Let me check.' },
          { type: 'tool_use', id: 'toolu_a', name: 'get_weather', input: { city: 'Paris' } },
          { type: 'tool_use', id: 'toolu_b', name: 'get_time', input: {} },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_a', content: '18°C' },
          { type: 'tool_result', tool_use_id: 'toolu_b', content: [{ type: 'text', text: '09:00' }] },
          { type: 'text', text: 'Thanks' },
        ],
      },
    ]);
  });

  it('puts tool_result blocks first in a merged user turn even when text came before them', () => {
    const result = convertToAnthropicMessages([
      { role: 'assistant', content: null, tool_calls: [{ id: 't1', type: 'function', function: { name: 'f', arguments: '{}' } }] },
      { role: 'user', content: 'note first' },
      { role: 'tool', tool_call_id: 't1', content: 'done' },
    ]);
    expect(result.messages[1]!.content.map((b) => b.type)).toEqual(['tool_result', 'text']);
  });

  it('rejects tool call arguments that are not a JSON object with a 400', () => {
    const error = expectGatewayError(() => convertToAnthropicMessages([
      { role: 'user', content: 'x' },
      { role: 'assistant', tool_calls: [{ id: 't1', type: 'function', function: { name: 'f', arguments: '{"city": "Par' } }] },
    ]), 'invalid_request');
    expect(error.status).toBe(400);
    expect(error.message).toContain('messages[1].tool_calls[0]');
  });

  it('converts data: images to base64 sources and http(s) images to url sources without fetching them', () => {
    const result = convertToAnthropicMessages([{
      role: 'user',
      content: [
        { type: 'text', text: 'Compare these' },
        { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
        { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg', detail: 'high' } },
        { type: 'image_url', image_url: { url: 'data:application/pdf;base64,JVBERi0=' } },
      ],
    }]);
    expect(result.messages[0]!.content).toEqual([
      { type: 'text', text: 'Compare these' },
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
      { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
      { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' } },
    ]);
  });

  it.each([
    ['a file: URL', { type: 'image_url', image_url: { url: 'file:///etc/passwd' } }],
    ['an unsupported image type', { type: 'image_url', image_url: { url: 'data:image/tiff;base64,AAAA' } }],
    ['audio', { type: 'input_audio', input_audio: { data: 'AAAA', format: 'wav' } }],
    ['an unknown part type', { type: 'video_url', video_url: { url: 'https://x' } }],
  ])('rejects %s with a 400', (_label, part) => {
    expectGatewayError(() => convertToAnthropicMessages([{ role: 'user', content: [part] }]), 'invalid_request');
  });

  it('converts a PDF file part into a document block titled with its filename', () => {
    const result = convertToAnthropicMessages([{ role: 'user', content: [{ type: 'file', file: { file_data: 'data:application/pdf;base64,JVBERi0=', filename: 'spec.pdf' } }] }]);
    expect(result.messages[0]!.content).toEqual([
      { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' }, title: 'spec.pdf' },
    ]);
  });

  it('replays signed thinking blocks before the tool_use they led to', () => {
    const result = convertToAnthropicMessages([
      { role: 'user', content: 'q' },
      {
        role: 'assistant',
        content: null,
        thinking_blocks: [{ type: 'thinking', thinking: 'plan', signature: 'sig' }, { type: 'redacted_thinking', data: 'enc' }],
        tool_calls: [{ id: 't1', type: 'function', function: { name: 'f', arguments: '{}' } }],
      },
    ]);
    expect(result.messages[1]!.content).toEqual([
      { type: 'thinking', thinking: 'plan', signature: 'sig' },
      { type: 'redacted_thinking', data: 'enc' },
      { type: 'tool_use', id: 't1', name: 'f', input: {} },
    ]);
  });

  it('drops blank text and empty turns, which the Messages API rejects', () => {
    const result = convertToAnthropicMessages([
      { role: 'user', content: 'hello' },
      { role: 'assistant', content: '   ' },
      { role: 'user', content: [{ type: 'text', text: '' }, { type: 'text', text: 'again' }] },
    ]);
    expect(result.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'hello' }, { type: 'text', text: 'again' }] }]);
  });

  it('trims trailing whitespace from a final assistant prefill', () => {
    const result = convertToAnthropicMessages([{ role: 'user', content: 'Write JSON' }, { role: 'assistant', content: '{\n  ' }]);
    expect(result.messages[1]!.content).toEqual([{ type: 'text', text: '{' }]);
  });

  it('applies a message-level cache_control to the message\'s last block', () => {
    const result = convertToAnthropicMessages([{ role: 'user', content: 'long context', cache_control: { type: 'ephemeral' } }]);
    expect(result.messages[0]!.content).toEqual([{ type: 'text', text: 'long context', cache_control: { type: 'ephemeral' } }]);
  });

  it.each([
    ['only system messages', [{ role: 'system', content: 'rules' }]],
    ['a legacy function message', [{ role: 'function', name: 'f', content: 'x' }]],
    ['a tool message without tool_call_id', [{ role: 'tool', content: 'x' }]],
    ['an assistant tool call without id', [{ role: 'assistant', tool_calls: [{ type: 'function', function: { name: 'f', arguments: '{}' } }] }]],
    ['an image in a system message', [{ role: 'system', content: [{ type: 'image_url', image_url: { url: 'https://x/y.png' } }] }, { role: 'user', content: 'x' }]],
  ])('rejects %s with a 400', (_label, messages) => {
    expectGatewayError(() => convertToAnthropicMessages(messages), 'invalid_request');
  });
});
