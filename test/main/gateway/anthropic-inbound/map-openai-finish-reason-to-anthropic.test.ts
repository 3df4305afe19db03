import { describe, expect, it } from 'vitest';
import { mapOpenAIFinishReasonToAnthropic } from '../../../../main/gateway/anthropic-inbound/map-openai-finish-reason-to-anthropic.js';

describe('map-openai-finish-reason-to-anthropic', () => {
  it.each([
    ['stop', false, 'end_turn'],
    ['length', false, 'max_tokens'],
    ['length', true, 'max_tokens'],
    ['tool_calls', true, 'tool_use'],
    ['function_call', true, 'tool_use'],
    ['content_filter', false, 'refusal'],
    [null, false, 'end_turn'],
    ['eos_token', false, 'end_turn'],
    // Ollama ends tool-calling turns with "stop" (litellm #6135): the tool_use blocks decide.
    ['stop', true, 'tool_use'],
    [null, true, 'tool_use'],
  ])('maps finish_reason %j (tool_use blocks present: %s) to %s', (finishReason, hasToolUse, expected) => {
    expect(mapOpenAIFinishReasonToAnthropic(finishReason, hasToolUse)).toBe(expected);
  });
});
