import { describe, expect, it } from 'vitest';
import { rewriteRequestBytes, rewriteRequestText } from '../../../../main/providers/openai-format/rewrite-request-text.js';

const modelOnly = (model: string | undefined) => ({ model, includeUsage: false });
const replaceTopLevelModel = (text: string, model: string | undefined) => rewriteRequestText(text, modelOnly(model));

// What matters: the text returned parses to the client's body with only `model` (and, for a
// stream, stream_options.include_usage) changed, and anything that could make the upstream read
// another request than the one validated is refused.
describe('rewriteRequestText: the model', () => {
  it('replaces only the top-level model value and keeps every other byte as the client sent it', () => {
    const text = '{ "model" : "alias",\n"messages":[{"role":"user","content":"a \\"model\\": \\"x\\" {[}]"}],"max_tokens":1e2, "temperature":1.0 }';
    const sent = replaceTopLevelModel(text, 'gpt-4o-mini')!;
    expect(sent).toBe(text.replace('"alias"', '"gpt-4o-mini"'));
    expect(JSON.parse(sent)).toEqual({ ...JSON.parse(text), model: 'gpt-4o-mini' });
  });

  it('leaves a nested "model" alone (a tool schema may name one)', () => {
    const text = '{"tools":[{"type":"function","function":{"name":"f","parameters":{"model":"keep"}}}],"model":"alias","messages":[]}';
    expect(JSON.parse(replaceTopLevelModel(text, 'up')!)).toEqual({ ...JSON.parse(text), model: 'up' });
  });

  it('escapes the upstream model name as JSON', () => {
    const sent = replaceTopLevelModel('{"model":"a"}', 'we"ird\\name')!;
    expect(JSON.parse(sent)).toEqual({ model: 'we"ird\\name' });
  });

  it('returns the text unchanged when the upstream takes the model from its URL (Azure)', () => {
    const text = '{"model":"alias","messages":[]}';
    expect(replaceTopLevelModel(text, undefined)).toBe(text);
  });

  it('handles strings ending in escaped backslashes and values of every kind', () => {
    const text = '{"a":"x\\\\","b":null,"c":true,"d":-1.5e-3,"e":[],"f":{},"model":"m","g":[1,{"h":"}"}]}';
    expect(JSON.parse(replaceTopLevelModel(text, 'u')!)).toEqual({ ...JSON.parse(text), model: 'u' });
  });

  it.each([
    ['a duplicated budget field (JSON.parse keeps the last, an upstream may read the first)', '{"model":"m","max_tokens":1000000,"max_tokens":1}'],
    ['a duplicated model', '{"model":"cheap","model":"m"}'],
    ['an escaped top-level key, known only once decoded', '{"model":"m","max_tok\\u0065ns":5}'],
    ['an escaped model value', '{"model":"m\\u0020"}'],
    ['no model to replace', '{"messages":[]}'],
    ['not an object', '["model"]'],
    ['trailing garbage', '{"model":"m"} x'],
    ['an unterminated string', '{"model":"m'],
  ])('refuses %s', (_why, text) => {
    expect(replaceTopLevelModel(text, 'up')).toBeUndefined();
  });
});

describe('rewriteRequestText: a stream\'s include_usage', () => {
  const stream = (text: string, model: string | undefined = 'up') => rewriteRequestText(text, { model, includeUsage: true });
  const streamKeepingModel = (text: string) => rewriteRequestText(text, { model: undefined, includeUsage: true });

  it('adds stream_options after the last member when the body has none, every other byte kept', () => {
    const text = '{ "model": "alias", "stream": true,\n "messages": [{"role":"user","content":"} \\"stream_options\\""}] }';
    const sent = stream(text)!;
    expect(sent).toBe('{ "model": "up", "stream": true,\n "messages": [{"role":"user","content":"} \\"stream_options\\""}] ,"stream_options":{"include_usage":true}}');
    expect(JSON.parse(sent)).toEqual({ ...JSON.parse(text), model: 'up', stream_options: { include_usage: true } });
  });

  it('adds include_usage to the client\'s own stream_options, keeping what else it holds', () => {
    for (const [text, options] of [
      ['{"model":"m","stream":true,"stream_options":{"continuous_usage_stats":true}}', { continuous_usage_stats: true, include_usage: true }],
      ['{"model":"m","stream":true,"stream_options":{ }}', { include_usage: true }],
      ['{"model":"m","stream":true,"stream_options":{"include_usage":false}}', { include_usage: true }],
      ['{"model":"m","stream":true,"stream_options":null}', { include_usage: true }],
    ] as const) {
      const sent = stream(text)!;
      expect(sent, text).toBeDefined();
      expect(JSON.parse(sent)).toEqual({ model: 'up', stream: true, stream_options: options });
    }
  });

  it('sends the client\'s bytes untouched when include_usage is already true and the model is read from the URL', () => {
    const text = '{"model":"m", "stream":true, "stream_options": {"include_usage": true}}';
    expect(streamKeepingModel(text)).toBe(text);
    expect(streamKeepingModel('{"model":"m","stream":true}')).toBe('{"model":"m","stream":true,"stream_options":{"include_usage":true}}');
  });

  it('applies both edits in text order whichever comes first', () => {
    const text = '{"stream_options":{"include_usage":false},"stream":true,"model":"alias"}';
    expect(stream(text)).toBe('{"stream_options":{"include_usage":true},"stream":true,"model":"up"}');
  });

  it.each([
    ['a repeated key inside stream_options', '{"model":"m","stream_options":{"include_usage":true,"include_usage":false}}'],
    ['an escaped key inside stream_options', '{"model":"m","stream_options":{"include_us\\u0061ge":false}}'],
    ['a repeated stream_options', '{"model":"m","stream_options":null,"stream_options":{}}'],
    ['stream_options that is not an object', '{"model":"m","stream_options":[1]}'],
  ])('refuses %s', (_why, text) => {
    expect(stream(text)).toBeUndefined();
  });
});

describe('rewriteRequestBytes: the same rewrite on the client\'s bytes', () => {
  const changes = { model: 'up-😀', includeUsage: true };
  const bodies = [
    '{"model":"m","stream":true,"messages":[{"role":"user","content":"plain ascii"}]}',
    '{"messages":[{"role":"user","content":"café — 日本語 😀"}],"model":"m","stream":true}',
    '{"model":"m","messages":[{"role":"user","content":"ünïcödé before the end"}],"stream_options":{"include_usage":false}}',
    '{ "stream_options" : null , "model" : "m" , "messages" : [ "é" ] }',
    '{"model":"m","messages":[{"role":"user","content":"' + 'ü'.repeat(5_000) + '"}],"tail":"😀"}',
  ];

  it.each(bodies.map((body) => [body.slice(0, 40), body]))('splices the same edits as the text rewrite: %s', (_name, text) => {
    const expected = rewriteRequestText(text, changes);
    expect(expected).toBeDefined();
    const bytes = rewriteRequestBytes(text, Buffer.from(text, 'utf8'), changes);
    expect(bytes).toBeDefined();
    expect(Buffer.from(bytes!).toString('utf8')).toBe(expected);
  });

  it('leaves out a byte order mark the decoder dropped, as the text rewrite does', () => {
    const text = '{"model":"m","messages":["é"]}';
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]);
    expect(Buffer.from(rewriteRequestBytes(text, withBom, changes)!).toString('utf8')).toBe(rewriteRequestText(text, changes));
  });

  it('refuses what the text rewrite refuses', () => {
    const text = '{"model":"m","max_tokens":1,"max_tokens":2}';
    expect(rewriteRequestBytes(text, Buffer.from(text), changes)).toBeUndefined();
  });

  it('sends the client\'s bytes unchanged when nothing changes', () => {
    const text = '{"model":"m","stream_options":{"include_usage":true},"x":"é"}';
    const bytes = Buffer.from(text);
    const sent = rewriteRequestBytes(text, bytes, { model: undefined, includeUsage: true })!;
    expect(sent.equals(bytes)).toBe(true);
    // The client's memory itself, not a copy of a body that may be 100 KB.
    expect(sent.buffer).toBe(bytes.buffer);
    expect(sent.byteOffset).toBe(bytes.byteOffset);
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]);
    const sentWithoutBom = rewriteRequestBytes(text, withBom, { model: undefined, includeUsage: true })!;
    expect(sentWithoutBom.equals(bytes)).toBe(true);
    expect(sentWithoutBom.buffer).toBe(withBom.buffer);
    expect(sentWithoutBom.byteOffset).toBe(withBom.byteOffset + 3);
  });
});
