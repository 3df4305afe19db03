import { describe, expect, it } from 'vitest';
import { convertToGeminiContents, SKIP_THOUGHT_SIGNATURE_VALIDATOR } from '../../../../main/providers/gemini/convert-to-gemini-contents.js';
import { expectGatewayError } from '../expect-gateway-error.js';

const plain = { requireThoughtSignatures: false };

describe('convertToGeminiContents', () => {
  it('lifts every system and developer message into systemInstruction, in order, and merges same-role turns', () => {
    const result = convertToGeminiContents([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi' },
      { role: 'developer', content: [{ type: 'text', text: 'Use metric units.' }] },
      { role: 'user', content: 'Weather?' },
      { role: 'assistant', content: 'Where?' },
    ], plain);
    expect(result.systemInstruction).toEqual({ parts: [{ text: 'Be brief.' }, { text: 'Use metric units.' }] });
    expect(result.contents).toEqual([
      { role: 'user', parts: [{ text: 'Hi' }, { text: 'Weather?' }] },
      { role: 'model', parts: [{ text: 'Where?' }] },
    ]);
  });

  it('turns tool calls into functionCall parts and tool messages into functionResponse parts named by the call id', () => {
    const result = convertToGeminiContents([
      { role: 'user', content: 'Weather in Paris and the time?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'call_r1_0', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
          { id: 'call_r1_1', type: 'function', function: { name: 'get_time', arguments: '{}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_r1_0', content: '{"temp_c": 18}' },
      { role: 'tool', tool_call_id: 'call_r1_1', content: '09:00' },
    ], plain);
    expect(result.contents).toEqual([
      { role: 'user', parts: [{ text: 'Weather in Paris and the time?' }] },
      { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: { city: 'Paris' } } }, { functionCall: { name: 'get_time', args: {} } }] },
      { role: 'user', parts: [
        { functionResponse: { name: 'get_weather', response: { temp_c: 18 } } },
        { functionResponse: { name: 'get_time', response: { result: '09:00' } } },
      ] },
    ]);
  });

  it('answers a reused tool call id with the name from the latest assistant turn', () => {
    const result = convertToGeminiContents([
      { role: 'user', content: 'go' },
      { role: 'assistant', tool_calls: [{ id: 'call_0', type: 'function', function: { name: 'first', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 'call_0', content: 'a' },
      { role: 'assistant', tool_calls: [{ id: 'call_0', type: 'function', function: { name: 'second', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 'call_0', content: 'b' },
    ], plain);
    expect(result.contents[4]!.parts).toEqual([{ functionResponse: { name: 'second', response: { result: 'b' } } }]);
  });

  it('replays thought signatures from extra_content or provider_specific_fields', () => {
    const result = convertToGeminiContents([
      { role: 'user', content: 'go' },
      { role: 'assistant', tool_calls: [
        { id: 'a', type: 'function', function: { name: 'f', arguments: '{}' }, extra_content: { google: { thought_signature: 'sigA' } } },
        { id: 'b', type: 'function', function: { name: 'g', arguments: '{}' }, provider_specific_fields: { thought_signature: 'sigB' } },
      ] },
    ], { requireThoughtSignatures: true });
    expect(result.contents[1]!.parts).toEqual([
      { functionCall: { name: 'f', args: {} }, thoughtSignature: 'sigA' },
      { functionCall: { name: 'g', args: {} }, thoughtSignature: 'sigB' },
    ]);
  });

  it('puts the documented sentinel on the first call of a turn that lost its signature, for models that require one', () => {
    const messages = [
      { role: 'user', content: 'go' },
      { role: 'assistant', tool_calls: [
        { id: 'a', type: 'function', function: { name: 'f', arguments: '{}' } },
        { id: 'b', type: 'function', function: { name: 'g', arguments: '{}' } },
      ] },
    ];
    expect(convertToGeminiContents(messages, { requireThoughtSignatures: true }).contents[1]!.parts).toEqual([
      { functionCall: { name: 'f', args: {} }, thoughtSignature: SKIP_THOUGHT_SIGNATURE_VALIDATOR },
      { functionCall: { name: 'g', args: {} } },
    ]);
    expect(convertToGeminiContents(messages, plain).contents[1]!.parts[0]).toEqual({ functionCall: { name: 'f', args: {} } });
  });

  it('converts images to inlineData or fileData (fetched by Gemini, not by us) and audio to inlineData', () => {
    const result = convertToGeminiContents([{
      role: 'user',
      content: [
        { type: 'image_url', image_url: { url: 'data:image/webp;base64,UklGRg==' } },
        { type: 'image_url', image_url: { url: 'https://example.com/photos/cat.PNG?size=large' } },
        { type: 'image_url', image_url: 'https://example.com/render' },
        { type: 'input_audio', input_audio: { data: 'UklGRg==', format: 'wav' } },
        { type: 'file', file: { file_data: 'data:application/pdf;base64,JVBERi0=' } },
      ],
    }], plain);
    expect(result.contents[0]!.parts).toEqual([
      { inlineData: { mimeType: 'image/webp', data: 'UklGRg==' } },
      { fileData: { mimeType: 'image/png', fileUri: 'https://example.com/photos/cat.PNG?size=large' } },
      { fileData: { mimeType: 'image/jpeg', fileUri: 'https://example.com/render' } },
      { inlineData: { mimeType: 'audio/wav', data: 'UklGRg==' } },
      { inlineData: { mimeType: 'application/pdf', data: 'JVBERi0=' } },
    ]);
  });

  it('drops empty text parts and empty turns, which Gemini rejects', () => {
    const result = convertToGeminiContents([{ role: 'user', content: [{ type: 'text', text: '' }, { type: 'text', text: 'x' }] }, { role: 'assistant', content: '' }], plain);
    expect(result.contents).toEqual([{ role: 'user', parts: [{ text: 'x' }] }]);
  });

  it.each([
    ['a tool message answering no known call', [{ role: 'user', content: 'x' }, { role: 'tool', tool_call_id: 'nope', content: 'y' }]],
    ['unparseable tool call arguments', [{ role: 'assistant', tool_calls: [{ id: 'a', type: 'function', function: { name: 'f', arguments: 'not json' } }] }]],
    ['a javascript: image URL', [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'javascript:alert(1)' } }] }]],
    ['only a system message', [{ role: 'system', content: 'rules' }]],
    ['a legacy function message', [{ role: 'function', name: 'f', content: 'x' }]],
  ])('rejects %s with a 400', (_label, messages) => {
    expectGatewayError(() => convertToGeminiContents(messages, plain), 'invalid_request');
  });
});
