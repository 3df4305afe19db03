import { describe, expect, it } from 'vitest';
import { csvCell, csvFileName, usageToCsv } from '../../../../renderer/src/pages/usage/usage-csv.js';
import { sampleGroup, sampleSummary } from '../../fake-api.js';

describe('usageToCsv', () => {
  it('writes a header and one row per group with exact money', () => {
    const csv = usageToCsv(sampleSummary('key', [sampleGroup('key_1', { label: 'cursor', spend_micros: 1, spend: 0.000001, p50_latency_ms: null })]));
    expect(csv).toBe(
      'key,label,requests,errors,rejected,prompt_tokens,completion_tokens,total_tokens,cached_tokens,reasoning_tokens,spend_usd,p50_latency_ms,p95_latency_ms\r\n' +
        'key_1,cursor,10,1,0,1000,200,1200,0,0,0.000001,,900\r\n',
    );
  });
});

describe('csvCell', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['line\nbreak', '"line\nbreak"'],
    ['=1+1', "'=1+1"],
    ['+SUM(A1)', "'+SUM(A1)"],
    ['-2', "'-2"],
    ['@cmd', "'@cmd"],
    ['\tx', "'\tx"],
  ])('%j becomes %j', (text, cell) => {
    expect(csvCell(text)).toBe(cell);
  });
});

describe('csvFileName', () => {
  it('names the grouping and the UTC dates', () => {
    expect(csvFileName('app', Date.UTC(2026, 2, 1), Date.UTC(2026, 2, 8))).toBe('switchboard-usage-by-app-2026-03-01-to-2026-03-08.csv');
  });
});
