import { describe, expect, it } from 'vitest';
import { mapAnthropicStopReason } from '../../../../main/providers/anthropic/map-anthropic-stop-reason.js';

describe('mapAnthropicStopReason', () => {
  it.each([
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['pause_turn', 'stop'],
    ['max_tokens', 'length'],
    ['model_context_window_exceeded', 'length'],
    ['tool_use', 'tool_calls'],
    ['refusal', 'content_filter'],
    [null, 'stop'],
    ['a_reason_from_the_future', 'stop'],
  ])('maps stop_reason %j to finish_reason %j', (reason, expected) => {
    expect(mapAnthropicStopReason(reason)).toBe(expected);
  });
});
