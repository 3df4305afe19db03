import { describe, expect, it } from 'vitest';
import { emptyStageCounts } from '../../bench/attribute-profile-stages.js';
import { renderStageTable, stageColumn, topStages } from '../../bench/render-stage-table.js';
import type { StagePassResult } from '../../bench/stage-pass.js';
import type { StageId } from '../../bench/stage-rules.js';

function result(name: string, role: StagePassResult['role'], cpuUsPerRequest: number, samples: Partial<Record<StageId, number>>): StagePassResult {
  const counts = emptyStageCounts();
  for (const [stage, n] of Object.entries(samples)) counts.samples[stage as StageId] = n;
  counts.busySamples = Object.values(samples).reduce((a, b) => a + b, 0);
  return { name, role, counts, cpuUsPerRequest, requests: 1000, profiles: 1 };
}

const GATEWAY = result('gateway', 'gateway', 400, { ledger: 50, relay: 30, upstream: 15, other: 5 });
const FLOOR = result('floor proxy', 'floor', 150, { framework: 40, upstream: 40, relay: 20 });

describe('render-stage-table', () => {
  it('scales each stage\'s share of busy samples by the pass\'s CPU per request', () => {
    const column = stageColumn(GATEWAY);
    expect(column.share.ledger).toBeCloseTo(0.5, 10);
    expect(column.usPerRequest.ledger).toBeCloseTo(200, 10);
    expect(column.usPerRequest.relay).toBeCloseTo(120, 10);
    expect(column.usPerRequest.auth).toBe(0);
  });

  it('ranks the top stages by µs per request', () => {
    expect(topStages(stageColumn(GATEWAY), 3).map((s) => s.id)).toEqual(['ledger', 'relay', 'upstream']);
  });

  it('has one column per gateway scenario, a row per stage, the floor\'s total and the plain gateway\'s top 3', () => {
    const measured = new Map([['gateway', 200], ['floor proxy', 90]]);
    const text = renderStageTable([FLOOR, GATEWAY, result('gateway + virtual key', 'gateway', 500, { auth: 10, ledger: 10 })], 100, measured);
    const header = text.split('\n').find((line) => line.startsWith('| Stage'))!;
    expect(header).toMatch(/\| gateway +\| gateway \+ virtual key +\|/);
    expect(header).not.toContain('floor proxy');
    expect(text).toMatch(/\| ledger flush +\| 200 µs \(50\.0 %\) +\| 250 µs \(50\.0 %\) +\|/);
    expect(text).toMatch(/\| auth +\| 0 µs \(0\.0 %\) +\| 250 µs \(50\.0 %\) +\|/);
    expect(text).toMatch(/\| CPU per request, measured rounds \(unprofiled\) +\| 200 µs +\| — +\|/);
    expect(text).toContain('Floor proxy for reference, same pass: 150 µs CPU per request (measured rounds: 90 µs)');
    expect(text).toContain('Top 3 stages, gateway: ledger flush 200 µs (50.0 %, ≈ 100 µs unprofiled); relay 120 µs (30.0 %, ≈ 60 µs unprofiled); '
      + 'upstream call 60 µs (15.0 %, ≈ 30 µs unprofiled).');
    expect(text).toContain('sampling every 100 µs');
  });

  it('shows a dash when the CPU time could not be read, and says when the window was not applied', () => {
    const text = renderStageTable([{ ...result('gateway', 'gateway', Number.NaN, { relay: 1 }), windowNote: 'the clock did not match' }], 100);
    expect(text).toMatch(/\| relay +\| — \(100\.0 %\) +\|/);
    expect(text).toContain('- gateway: the clock did not match.');
  });

  it('renders nothing without a gateway scenario', () => {
    expect(renderStageTable([FLOOR], 100)).toBe('');
  });
});
