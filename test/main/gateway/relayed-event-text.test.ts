import { describe, expect, it } from 'vitest';
import { relayedEventText } from '../../../main/gateway/relayed-event-text.js';

describe('relayedEventText', () => {
  it('writes a named one-line event as it came', () => {
    expect(relayedEventText('message_start', '{"type":"message_start"}')).toBe('event: message_start\ndata: {"type":"message_start"}\n\n');
  });

  it('writes an unnamed event with its data only', () => {
    expect(relayedEventText(undefined, '{"a":1}')).toBe('data: {"a":1}\n\n');
  });

  it('gives every line of multi-line data its own data: line', () => {
    expect(relayedEventText('x', '{"a":\n1}\n')).toBe('event: x\ndata: {"a":\ndata: 1}\ndata: \n\n');
    expect(relayedEventText(undefined, 'a\nb')).toBe('data: a\ndata: b\n\n');
  });
});
