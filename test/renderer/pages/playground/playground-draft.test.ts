import { describe, expect, it } from 'vitest';
import { draftFromLogRow } from '../../../../renderer/src/pages/playground/playground-draft.js';

describe('draftFromLogRow', () => {
  it('gives the model alone when no body was stored', () => {
    expect(draftFromLogRow({ requested_model: 'switchboard/active', request_body: undefined })).toEqual({ model: 'switchboard/active', system: '', messages: [], maxTokens: '', temperature: '' });
    expect(draftFromLogRow({ requested_model: 'm', request_body: null }).messages).toEqual([]);
  });

  it('reads an OpenAI chat body: system, text messages, limits', () => {
    const body = JSON.stringify({
      model: 'm', max_tokens: 64, temperature: 0.2,
      messages: [{ role: 'system', content: 'Be terse.' }, { role: 'user', content: [{ type: 'text', text: 'look' }, { type: 'image_url', image_url: { url: 'data:' } }] }, { role: 'assistant', content: 'ok' }, { role: 'tool', content: 'x', tool_call_id: 't' }],
    });
    expect(draftFromLogRow({ requested_model: 'm', request_body: body })).toEqual({
      model: 'm', system: 'Be terse.', messages: [{ role: 'user', content: 'look' }, { role: 'assistant', content: 'ok' }], maxTokens: '64', temperature: '0.2',
    });
  });

  it('reads an Anthropic messages body (system at the top)', () => {
    const body = JSON.stringify({ model: 'm', max_tokens: 100, system: [{ type: 'text', text: 'You are kind.' }], messages: [{ role: 'user', content: 'hello' }] });
    expect(draftFromLogRow({ requested_model: 'm', request_body: body })).toMatchObject({ system: 'You are kind.', messages: [{ role: 'user', content: 'hello' }], maxTokens: '100' });
  });

  it('gives the model alone for a body cut off by the log cap', () => {
    expect(draftFromLogRow({ requested_model: 'm', request_body: '{"messages":[{"role":"user","content":"abc…[truncated]' })).toMatchObject({ model: 'm', messages: [] });
  });
});
