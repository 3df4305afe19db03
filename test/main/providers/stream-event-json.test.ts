import { describe, expect, it } from 'vitest';
import { streamEventJson, streamEventObject } from '../../../main/providers/stream-event-json.js';
import type { StreamEvent } from '../../../main/providers/provider-adapter.js';
import { expectGatewayError } from './expect-gateway-error.js';

describe('streamEventObject', () => {
  it('returns a JSON object', () => {
    expect(streamEventObject({ data: '{"type":"message_start","n":1}' })).toEqual({ type: 'message_start', n: 1 });
  });

  it.each([['not JSON', '{"type":'], ['an array', '[1,2]'], ['null', 'null'], ['a string', '"x"'], ['a number', '42'], ['empty', '']])(
    'returns undefined for %s',
    (_name, data) => {
      expect(streamEventObject({ data })).toBeUndefined();
    },
  );
});

describe('streamEventJson', () => {
  it('returns any JSON value', () => {
    expect(streamEventJson({ data: '[1,2]' }, 'a stream event')).toEqual([1, 2]);
    expect(streamEventJson({ data: 'null' }, 'a stream event')).toBeNull();
  });

  it('refuses data that is not JSON as the upstream\'s fault, naming what it was', () => {
    expect(expectGatewayError(() => streamEventJson({ data: '{"type":' }, 'a stream line'), 'upstream_bad_response').message).toMatch(/a stream line that is not valid JSON/);
  });
});

describe('one parse per event, whoever reads it', () => {
  it('a second reader gets the object the first one parsed, not a new parse', () => {
    const event: StreamEvent = { event: 'response.created', data: '{"type":"response.created","response":{"id":"resp_1"}}' };
    const first = streamEventObject(event);
    // Changing the text shows whether the second read parses it again.
    event.data = '{"type":"other"}';
    const second = streamEventJson(event, 'a stream event');
    expect(second).toBe(first);
    expect(streamEventObject(event)).toBe(first);
  });

  it('data that is not JSON is remembered as such: the relay drops it, the reader refuses it', () => {
    const event: StreamEvent = { data: 'not json' };
    expect(streamEventObject(event)).toBeUndefined();
    event.data = '{"a":1}';
    expect(expectGatewayError(() => streamEventJson(event, 'a stream event'), 'upstream_bad_response').message).toMatch(/not valid JSON/);
  });

  it('each event is parsed on its own', () => {
    expect(streamEventObject({ data: '{"n":1}' })).toEqual({ n: 1 });
    expect(streamEventObject({ data: '{"n":2}' })).toEqual({ n: 2 });
  });
});
