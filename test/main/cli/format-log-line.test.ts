import { describe, expect, it } from 'vitest';
import { formatLogLine } from '../../../main/cli/format-log-line.js';
import { clockTime, formatRequestLine, type RequestLine } from '../../../main/cli/format-request-line.js';
import { createPrettyLogDestination } from '../../../main/cli/pretty-log-destination.js';

const TS = Date.UTC(2026, 11, 5, 14, 3, 7);
const request: RequestLine = {
  ts: TS, app: 'notes-app', model: 'qwen', deployment: 'hosted_vllm/qwen3', status: 'success', httpStatus: 200, errorCode: null,
  promptTokens: 12, completionTokens: 34, latencyMs: 812, costMicros: 1_200,
};

describe('formatRequestLine', () => {
  it('prints time, app, model → deployment, status, tokens, latency and cost on one line', () => {
    expect(formatRequestLine(request)).toBe(`${clockTime(TS)}  notes-app  qwen → hosted_vllm/qwen3  200  12+34 tok  812 ms  $0.0012`);
  });

  it.each<[Partial<RequestLine>, string]>([
    [{ status: 'rejected', httpStatus: 429, errorCode: 'rate_limited' }, '429 rejected (rate_limited)'],
    [{ status: 'upstream_error', httpStatus: 502, errorCode: 'upstream_error' }, '502 upstream_error'],
    [{ status: 'client_aborted', httpStatus: 499, errorCode: null }, '499 client_aborted'],
  ])('says how a failed request ended: %j', (fields, outcome) => {
    expect(formatRequestLine({ ...request, ...fields })).toContain(`  ${outcome}  `);
  });

  it('shows a refusal before routing without an arrow, and names one before the model was read', () => {
    const refused = { ...request, deployment: '', status: 'rejected' as const, httpStatus: 401, errorCode: 'key_blocked', promptTokens: 0, completionTokens: 0, latencyMs: 0, costMicros: 0 };
    expect(formatRequestLine({ ...refused, model: 'qwen' })).toContain('  notes-app  qwen  401 rejected (key_blocked)  ');
    expect(formatRequestLine({ ...refused, model: '' })).toContain('  notes-app  (refused before routing)  401 rejected (key_blocked)  ');
  });

  it('shows latency from a second up in seconds', () => {
    expect(formatRequestLine({ ...request, latencyMs: 12_345 })).toContain('  12.3 s  ');
  });

  it('reads the clock as HH:MM:SS', () => {
    expect(clockTime(TS)).toMatch(/^\d\d:\d\d:\d\d$/);
  });
});

describe('formatLogLine', () => {
  const pino = (fields: Record<string, unknown>) => JSON.stringify({ level: 30, time: TS, pid: 1, hostname: 'h', ...fields });

  it('prints the per-request record as the request line', () => {
    const line = pino({ msg: 'request', request: { requestId: 'r1', ...request, model: 'qwen' } });
    expect(formatLogLine(line)).toBe(formatRequestLine(request));
  });

  it('prints other records as time, level, message and their fields, without pid and hostname', () => {
    const line = JSON.stringify({ level: 40, time: TS, pid: 9, hostname: 'box', msg: 'port in use', port: 11434, file: '/tmp/a b' });
    expect(formatLogLine(line)).toBe(`${clockTime(TS)}  WARN   port in use  port=11434  file="/tmp/a b"`);
  });

  it('prints an error by its message, not its stack', () => {
    const line = pino({ level: 50, msg: 'could not record usage', err: { type: 'Error', message: 'disk full', stack: 'Error: disk full\n    at x' } });
    expect(formatLogLine(line)).toBe(`${clockTime(TS)}  ERROR  could not record usage  err="disk full"`);
  });

  it('keeps what the logger masked masked', () => {
    const line = pino({ msg: 'upstream said [redacted]', headers: { authorization: '[redacted]' } });
    const out = formatLogLine(line);
    expect(out).toContain('upstream said [redacted]');
    expect(out).toContain('{"authorization":"[redacted]"}');
  });

  it('prints a "request" record that lacks the request fields as an ordinary line', () => {
    expect(formatLogLine(pino({ msg: 'request', request: { app: 'x' } }))).toBe(`${clockTime(TS)}  INFO   request  request={"app":"x"}`);
  });

  it.each(['not json', '[1,2]', 'null', ''])('passes %j through unchanged', (line) => {
    expect(formatLogLine(line)).toBe(line);
  });
});

describe('createPrettyLogDestination', () => {
  it('writes each JSON line of a chunk as one pretty line', () => {
    const written: string[] = [];
    const destination = createPrettyLogDestination({ write: (text: string) => void written.push(text) });
    destination.write(`${JSON.stringify({ level: 30, time: TS, msg: 'a' })}\n${JSON.stringify({ level: 30, time: TS, msg: 'b' })}\n`);
    expect(written).toEqual([`${clockTime(TS)}  INFO   a\n${clockTime(TS)}  INFO   b\n`]);
  });
});
