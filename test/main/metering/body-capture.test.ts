import { describe, expect, it } from 'vitest';
import { capBodyText, captureChunkText, createTextCapture, preCapBodyText, TRUNCATED_MARKER } from '../../../main/metering/body-capture.js';

describe('body-capture', () => {
  it('keeps everything appended while under the cap', () => {
    const capture = createTextCapture(10);
    capture.append('Hello');
    capture.append(', you');
    expect(capBodyText(capture.text(), 10)).toBe('Hello, you');
  });

  it('stops growing past the cap plus redaction slack however much is appended', () => {
    const capture = createTextCapture(10);
    for (let i = 0; i < 10_000; i++) capture.append('abcdefghij');
    expect(capture.text().length).toBeLessThan(10 + 300);
    expect(capBodyText(capture.text(), 10)).toBe(`abcdefghij${TRUNCATED_MARKER}`);
  });

  it.each([
    ['shorter than the cap', 'abc', 'abc'],
    ['exactly the cap', 'abcde', 'abcde'],
    ['one over the cap', 'abcdef', `abcde${TRUNCATED_MARKER}`],
  ])('caps text %s', (_name, text, expected) => {
    expect(capBodyText(preCapBodyText(text, 5), 5)).toBe(expected);
  });

  it('captures content, reasoning, legacy text and tool names and arguments of a chunk', () => {
    const capture = createTextCapture();
    captureChunkText({
      choices: [
        { delta: { reasoning_content: 'think. ', content: 'answer ', tool_calls: [{ function: { name: 'lookup', arguments: '{"q":1}' } }] } },
        { text: ' legacy' },
      ],
    }, capture);
    captureChunkText({ choices: [] }, capture);
    captureChunkText({ usage: { prompt_tokens: 1 } }, capture);
    expect(capture.text()).toBe('think. answer lookup{"q":1} legacy');
  });
});
