import { describe, expect, it } from 'vitest';
import { buildChatRequest, ChatSettingsError } from '../../../../renderer/src/pages/playground/build-chat-request.js';

const base = { model: 'gpt-mock', system: '', maxTokens: '', temperature: '' };

describe('buildChatRequest', () => {
  it('streams with usage, the system prompt first, and leaves unset limits out', () => {
    expect(buildChatRequest({ ...base, system: '  Be brief. ' }, [{ role: 'user', content: 'hi' }])).toEqual({
      model: 'gpt-mock',
      messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it('sends max_tokens and temperature as numbers when filled in', () => {
    expect(buildChatRequest({ ...base, maxTokens: '256', temperature: '0.7' }, [])).toMatchObject({ max_tokens: 256, temperature: 0.7 });
    expect(buildChatRequest({ ...base, temperature: '0' }, [])).toMatchObject({ temperature: 0 });
  });

  it.each([
    ['maxTokens', '0'],
    ['maxTokens', '1.5'],
    ['maxTokens', '-3'],
    ['maxTokens', 'lots'],
    ['temperature', '2.5'],
    ['temperature', '-1'],
    ['temperature', 'warm'],
  ] as const)('refuses %s = %j with a message naming the field', (field, value) => {
    let error: unknown;
    try {
      buildChatRequest({ ...base, [field]: value }, []);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ChatSettingsError);
    expect((error as ChatSettingsError).field).toBe(field);
  });
});
