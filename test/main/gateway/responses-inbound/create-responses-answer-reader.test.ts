// Reading a pass-through answer: usage from the JSON body or the terminal event, text deltas as
// canonical chunks (first content, output counts), the end of the stream, in-band failures.
import { describe, expect, it } from 'vitest';
import { createResponsesAnswerReader } from '../../../../main/gateway/responses-inbound/create-responses-answer-reader.js';
import { isGatewayError } from '../../../../main/core/gateway-error.js';
import { testTarget } from '../../providers/test-deployment.js';

const target = testTarget({ provider: 'openai', protocol: 'openai' }, 'sk-secret-upstream');
const usage = { input_tokens: 100, input_tokens_details: { cached_tokens: 64 }, output_tokens: 20, output_tokens_details: { reasoning_tokens: 5 }, total_tokens: 120 };
const canonical = { promptTokens: 100, completionTokens: 20, cachedTokens: 64, cacheCreationTokens: 0, reasoningTokens: 5 };
const event = (data: object) => ({ data: JSON.stringify(data) });

function thrown(run: () => unknown) {
  try {
    run();
  } catch (error) {
    if (isGatewayError(error)) return error;
    throw error;
  }
  throw new Error('did not throw');
}

describe('createResponsesAnswerReader', () => {
  it('reads usage from a JSON response and hands the object to onCompleted', () => {
    const completed: unknown[] = [];
    const reader = createResponsesAnswerReader({ onCompleted: (r) => completed.push(r) });
    const body = { id: 'resp_1', object: 'response', status: 'completed', output: [], usage };
    expect(reader.parseResponse('chat', body, target, 'raw', 'req').usage).toEqual(canonical);
    expect(completed).toEqual([body]);
  });

  it('refuses a failed or foreign JSON body', () => {
    const reader = createResponsesAnswerReader();
    expect(thrown(() => reader.parseResponse('chat', { object: 'response', status: 'failed', error: { code: 'server_error', message: 'boom' } }, target, '', 'r')).code).toBe('upstream_error');
    expect(thrown(() => reader.parseResponse('chat', { choices: [] }, target, '', 'r')).code).toBe('upstream_bad_response');
  });

  it('turns deltas into canonical chunks and the terminal event into usage + done', () => {
    const completed: unknown[] = [];
    const translator = createResponsesAnswerReader({ onCompleted: (r) => completed.push(r) }).createStreamTranslator('chat', target, 'r');
    expect(translator.push(event({ type: 'response.created', sequence_number: 0, response: {} }))).toEqual([]);
    expect(translator.push(event({ type: 'response.output_text.delta', delta: 'Hi' }))).toEqual([{ type: 'chunk', chunk: { choices: [{ index: 0, delta: { content: 'Hi' } }] } }]);
    expect(translator.push(event({ type: 'response.reasoning_summary_text.delta', delta: 'hm' }))[0]).toMatchObject({ chunk: { choices: [{ delta: { reasoning_content: 'hm' } }] } });
    const response = { id: 'resp_1', status: 'incomplete', usage };
    expect(translator.push(event({ type: 'response.incomplete', response }))).toEqual([{ type: 'usage', usage: canonical }, { type: 'done' }]);
    expect(completed).toEqual([response]);
    expect(translator.end()).toEqual([]);
  });

  it('fails on response.failed and error events with the upstream\'s code, never echoing its key', () => {
    const translator = createResponsesAnswerReader().createStreamTranslator('chat', target, 'r');
    const limited = thrown(() => translator.push(event({ type: 'response.failed', response: { error: { code: 'rate_limit_exceeded', message: 'Slow down sk-secret-upstream' } } })));
    expect(limited.code).toBe('upstream_rate_limited');
    expect(limited.message).not.toContain('sk-secret-upstream');
    expect(thrown(() => translator.push(event({ type: 'error', code: 'context_length_exceeded', message: 'too long' }))).code).toBe('context_window_exceeded');
  });

  it('an upstream stream that ends before its terminal event is an error', () => {
    const translator = createResponsesAnswerReader().createStreamTranslator('chat', target, 'r');
    translator.push(event({ type: 'response.output_text.delta', delta: 'Hi' }));
    expect(thrown(() => translator.end()).code).toBe('upstream_bad_response');
  });
});
