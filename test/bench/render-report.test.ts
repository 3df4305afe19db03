import { describe, expect, it } from 'vitest';
import type { CheckRow } from '../../bench/gateway-checks.js';
import type { MachineInfo } from '../../bench/machine-info.js';
import { format, goalText, renderReport, type ReportInput } from '../../bench/render-report.js';
import { target } from './fake-measurements.js';

const MACHINE: MachineInfo = { date: '2026-11-25 14:00 UTC', node: 'v20.20.2', cpuModel: 'Test CPU', cores: 2, os: 'linux 6 x64', busyBefore: 0.04 };
const MB = 1024 * 1024;

const ROWS: CheckRow[] = [
  { scenario: 'gateway', metric: 'added p50 latency, c=1', unit: 'ms', value: 0.25, floor: 0.18, goal: { op: '<=', limit: 0.3 }, result: 'PASS' },
  { scenario: 'gateway + virtual key', metric: 'RPS c=16 vs gateway', unit: '%', value: 96.4, floor: undefined, goal: undefined, result: '' },
  { scenario: 'usage summary, 1,000,000 rows', metric: 'query', unit: 'ms', value: undefined, floor: undefined, goal: { op: '<', limit: 50 }, result: 'skipped' },
];

function input(overrides: Partial<ReportInput> = {}): ReportInput {
  return {
    machine: MACHINE,
    revision: 'abc1234',
    method: 'The method.',
    rows: ROWS,
    targets: [
      target('direct (mock)', 'direct', [{ p50: 0.1, requestsPerSecond: 20_000.4 }]),
      target('gateway', 'gateway', [{ p50: 0.35, cpuUsPerRequest: 190 }], {
        memoryIdle: { rssBytes: 80 * MB, peakRssBytes: 80 * MB }, memoryAfterLoad: { rssBytes: 120.5 * MB, peakRssBytes: 130 * MB }, startupMs: [310, 290, 305],
      }),
    ],
    notes: [],
    warnings: [],
    ...overrides,
  };
}

describe('render-report', () => {
  it.each([
    [0.2549, 'ms', '0.25 ms'],
    [-0.04, 'ms', '-0.04 ms'],
    [99.994, 'ms', '99.99 ms'],
    [505.4, 'ms', '505 ms'],
    [-150, 'ms', '-150 ms'],
    [194.6, 'µs', '195 µs'],
    [74.6, '%', '75 %'],
    [139.44, 'MB', '139.4 MB'],
    [1.876, 'x', '1.88x'],
    [undefined, 'ms', '—'],
    [Number.NaN, '%', '—'],
    [Number.POSITIVE_INFINITY, 'MB', '—'],
  ] as const)('format(%s, %s) is "%s"', (value, unit, text) => {
    expect(format(value, unit)).toBe(text);
  });

  it.each([
    [{ op: '<=', limit: 0.3 }, 'ms', '≤ 0.3 ms'],
    [{ op: '>=', limit: 75 }, '%', '≥ 75 %'],
    [{ op: '<', limit: 50 }, 'ms', '< 50 ms'],
    [{ op: '>', limit: 1 }, 'MB', '> 1 MB'],
    [{ op: '<=', limit: 2 }, 'x', '≤ 2x'],
    [undefined, 'ms', ''],
  ] as const)('goalText(%j, %s) is "%s"', (goal, unit, text) => {
    expect(goalText(goal, unit)).toBe(text);
  });

  it('heads the report with the date, machine, load before the run and commit, then the method', () => {
    const lines = renderReport(input()).split('\n');
    expect(lines.slice(0, 5)).toEqual([
      '### Benchmark — 2026-11-25 14:00 UTC',
      '',
      'Node v20.20.2 · Test CPU · 2 cores · linux 6 x64 · 4 % CPU busy before the run · commit abc1234',
      '',
      'The method.',
    ]);
  });

  it('says so when the load before the run is unknown', () => {
    expect(renderReport(input({ machine: { ...MACHINE, busyBefore: undefined } }))).toContain('· CPU idle share unknown ·');
  });

  it('renders one results row per check row, with its value, floor, target and result', () => {
    const lines = renderReport(input()).split('\n');
    const row = (scenario: string) => lines.find((line) => line.startsWith(`| ${scenario} `))?.split('|').map((cell) => cell.trim()).slice(1, -1);
    expect(row('gateway')?.[1]).toBe('added p50 latency, c=1');
    expect(row('gateway')?.slice(2)).toEqual(['0.25 ms', '0.18 ms', '≤ 0.3 ms', 'PASS']);
    expect(row('gateway + virtual key')?.slice(1)).toEqual(['RPS c=16 vs gateway', '96 %', '—', '', '']);
    expect(row('usage summary, 1,000,000 rows')?.slice(1)).toEqual(['query', '—', '—', '< 50 ms', 'skipped']);
  });

  it('pads every table line of a table to the same width', () => {
    const tableLines = renderReport(input()).split('\n').filter((line) => line.startsWith('|'));
    const results = tableLines.slice(0, 2 + ROWS.length);
    expect(new Set(results.map((line) => line.length)).size).toBe(1);
    const medians = tableLines.slice(2 + ROWS.length);
    expect(new Set(medians.map((line) => line.length)).size).toBe(1);
  });

  it('lists every target in the medians table, with a dash where it has no process of its own', () => {
    const text = renderReport(input());
    const direct = text.split('\n').find((line) => line.startsWith('| direct (mock)'))!.split('|').map((cell) => cell.trim());
    expect(direct.slice(1, -1)).toEqual(['direct (mock)', '0.10 ms', '2.00 ms', '0.10 ms', '2.00 ms', '20000', '—', '1.00 ms', '1.00 ms', '—', '—']);
    // The medians table comes last, so its gateway line is the last one starting so.
    const gateway = text.split('\n').filter((line) => line.startsWith('| gateway ')).at(-1)!;
    expect(gateway).toContain('190 µs');
    expect(gateway).toContain('80.0 MB');
    expect(gateway).toContain('120.5 MB');
  });

  it('prints the start-to-first-answer samples and their median for targets that have them', () => {
    expect(renderReport(input())).toContain('Start to first answer, gateway: 310, 290, 305 ms (median 305 ms).');
    expect(renderReport(input())).not.toContain('Start to first answer, direct');
  });

  it('prints notes as a list and warnings as quotes, notes first, both after the tables', () => {
    const text = renderReport(input({ notes: ['ledger held 10 rows', 'summary skipped'], warnings: ['busy machine'] }));
    expect(text.endsWith('\n- ledger held 10 rows\n- summary skipped\n\n> warning: busy machine\n')).toBe(true);
    expect(text.indexOf('- ledger held')).toBeGreaterThan(text.indexOf('Medians across rounds'));
  });

  it('prints neither notes nor warnings when there are none', () => {
    const text = renderReport(input());
    expect(text).not.toMatch(/^- |^> warning/m);
    expect(text.endsWith('(median 305 ms).\n')).toBe(true);
  });
});
