// Renders the per-stage CPU breakdown as Markdown: rows = stages, columns = scenarios, each cell
// "µs per request (share of busy samples)", then the profiled pass's CPU per request, the floor
// proxy's total for reference, and a legend of what each stage holds. Pure: returns text.
import { STAGES, type StageId } from './stage-rules.js';
import type { StagePassResult } from './stage-pass.js';

export interface StageColumn {
  name: string;
  share: Record<StageId, number>;
  usPerRequest: Record<StageId, number>;
  cpuUsPerRequest: number;
  busySamples: number;
}

/** Shares of busy samples, scaled by the pass's CPU per request. */
export function stageColumn(result: StagePassResult): StageColumn {
  const share = {} as Record<StageId, number>;
  const usPerRequest = {} as Record<StageId, number>;
  for (const stage of STAGES) {
    share[stage.id] = result.counts.busySamples > 0 ? result.counts.samples[stage.id] / result.counts.busySamples : 0;
    usPerRequest[stage.id] = share[stage.id] * result.cpuUsPerRequest;
  }
  return { name: result.name, share, usPerRequest, cpuUsPerRequest: result.cpuUsPerRequest, busySamples: result.counts.busySamples };
}

/** The stages of one column with the most µs per request, most first. */
export function topStages(column: StageColumn, n: number): { id: StageId; label: string; us: number; share: number }[] {
  return STAGES.map((stage) => ({ id: stage.id, label: stage.label, us: column.usPerRequest[stage.id], share: column.share[stage.id] }))
    .sort((a, b) => b.us - a.us).slice(0, n);
}

/**
 * measuredCpuUs: each scenario's CPU per request in the measured (unprofiled) rounds, by name,
 * shown beside the profiled pass's so the reader can scale a share to the real cost.
 */
export function renderStageTable(results: readonly StagePassResult[], intervalUs: number, measuredCpuUs: ReadonlyMap<string, number> = new Map()): string {
  const floor = results.find((r) => r.role === 'floor');
  const columns = results.filter((r) => r.role === 'gateway').map(stageColumn);
  if (columns.length === 0) return '';
  const cell = (us: number, share: number) => (Number.isFinite(us) ? `${us.toFixed(0)} µs (${(share * 100).toFixed(1)} %)` : `— (${(share * 100).toFixed(1)} %)`);
  const rows = STAGES.map((stage) => [stage.label, ...columns.map((c) => cell(c.usPerRequest[stage.id], c.share[stage.id]))]);
  rows.push(['**CPU per request, profiled pass**', ...columns.map((c) => (Number.isFinite(c.cpuUsPerRequest) ? `${c.cpuUsPerRequest.toFixed(0)} µs` : '—'))]);
  rows.push(['CPU per request, measured rounds (unprofiled)', ...columns.map((c) => usText(measuredCpuUs.get(c.name)))]);
  rows.push(['busy samples', ...columns.map((c) => String(c.busySamples))]);
  const header = ['Stage', ...columns.map((c) => c.name)];
  const lines = [
    '#### Per-stage CPU breakdown (profiled pass, c=16 chat)',
    '',
    `Each scenario started once more under \`node --cpu-prof\` (sampling every ${intervalUs} µs) after the measured rounds, warmed up, then loaded `
      + 'with the c=16 chat shape; every sample inside the load window is attributed to the innermost frame of its stack that a rule of '
      + '`bench/stage-rules.ts` names (shared code counts for its caller). Cells: µs of CPU per request (share of busy samples × the pass\'s '
      + 'CPU per request, all threads but V8\'s profiler thread) and the share. Profiling inflates the CPU per request (compare the two CPU rows): compare shares, and µs '
      + 'between columns and runs of this table; a share × the measured CPU per request estimates the stage\'s real cost.',
    '',
    table(header, rows),
  ];
  if (floor) {
    lines.push('', `Floor proxy for reference, same pass: ${usText(floor.cpuUsPerRequest)} CPU per request (measured rounds: ${usText(measuredCpuUs.get(floor.name))}) `
      + `(its framework, upstream and relay shares: ${(['framework', 'upstream', 'relay', 'parse'] as const).map((id) => `${id} ${(stageColumn(floor).share[id] * 100).toFixed(0)} %`).join(', ')}).`);
  }
  const plain = columns[0]!;
  const measured = measuredCpuUs.get(plain.name);
  const scaled = (share: number) => (measured !== undefined && Number.isFinite(measured) ? `, ≈ ${(share * measured).toFixed(0)} µs unprofiled` : '');
  lines.push('', `Top 3 stages, ${plain.name}: ${topStages(plain, 3).map((s) => `${s.label} ${s.us.toFixed(0)} µs (${(s.share * 100).toFixed(1)} %${scaled(s.share)})`).join('; ')}.`);
  for (const result of results) if (result.windowNote) lines.push(`- ${result.name}: ${result.windowNote}.`);
  lines.push('', 'Stages: ' + STAGES.map((s) => `**${s.label}** = ${s.covers}`).join('; ') + '.');
  return `${lines.join('\n')}\n`;
}

function usText(us: number | undefined): string {
  return us !== undefined && Number.isFinite(us) ? `${us.toFixed(0)} µs` : '—';
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [header, ...rows];
  const widths = header.map((_, col) => Math.max(3, ...all.map((row) => (row[col] ?? '').length)));
  const line = (row: readonly string[]) => `| ${row.map((cell, col) => cell.padEnd(widths[col]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}
