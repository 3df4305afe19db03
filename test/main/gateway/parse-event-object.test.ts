import { describe, expect, it } from 'vitest';
import { parseEventObject } from '../../../main/gateway/parse-event-object.js';

describe('parseEventObject', () => {
  it('returns a JSON object', () => {
    expect(parseEventObject('{"type":"message_start","n":1}')).toEqual({ type: 'message_start', n: 1 });
  });

  it.each([['not JSON', '{"type":'], ['an array', '[1,2]'], ['null', 'null'], ['a string', '"x"'], ['a number', '42'], ['empty', '']])(
    'returns undefined for %s',
    (_name, data) => {
      expect(parseEventObject(data)).toBeUndefined();
    },
  );
});
