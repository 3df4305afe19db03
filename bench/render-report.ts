// Renders the results as Markdown: a header naming the machine and method, the goals table
// (one block of rows per gateway variant, the floor proxy beside it), then the raw medians of
// every target. Pure: returns text, prints nothing.
import type { CheckRow, Goal, Unit } from './gateway-checks.js';
import type { MachineInfo } from './machine-info.js';
import { medianOf, type TargetMeasurements } from './target-measurements.js';
import { median } from './percentiles.js';

export interface ReportInput {
  machine: MachineInfo;
  /** Commit the gateway was built from. */
  revision: string;
  method: string;
  rows: readonly CheckRow[];
  targets: readonly TargetMeasurements[];
  /** Facts printed under the tables (e.g. what a scenario's ledger recorded, what was skipped). */
  notes: readonly string[];
  warnings: readonly string[];
}

export function renderReport(input: ReportInput): string {
  const { machine } = input;
  const lines = [
    `### Benchmark — ${machine.date}`,
    '',
    `Node ${machine.node} · ${machine.cpuModel} · ${machine.cores} cores · ${machine.os} · ${busyText(machine.busyBefore)} · commit ${input.revision}`,
    '',
    input.method,
    '',
    table(
      ['Scenario', 'Metric', 'Value', 'Floor proxy', 'Target', 'Result'],
      input.rows.map((row) => [row.scenario, row.metric, format(row.value, row.unit), format(row.floor, row.unit), goalText(row.goal, row.unit), row.result]),
    ),
    '',
    'Medians across rounds (absolute):',
    '',
    table(
      ['Target', 'p50 c=1', 'p99 c=1', 'p50 c=16', 'p99 c=16', 'RPS c=16', 'CPU/req c=16', 'stream TTFB p50', 'stream TTFB p50 c=16', 'RSS idle', 'RSS after load'],
      input.targets.map((t) => [
        t.name,
        format(medianOf(t, 'c1', (s) => s.p50), 'ms'),
        format(medianOf(t, 'c1', (s) => s.p99), 'ms'),
        format(medianOf(t, 'c16', (s) => s.p50), 'ms'),
        format(medianOf(t, 'c16', (s) => s.p99), 'ms'),
        Math.round(medianOf(t, 'c16', (s) => s.requestsPerSecond)).toString(),
        format(medianOf(t, 'c16', (s) => s.cpuUsPerRequest), 'µs'),
        format(medianOf(t, 'stream', (s) => s.ttfbP50), 'ms'),
        format(medianOf(t, 'stream16', (s) => s.ttfbP50), 'ms'),
        t.memoryIdle ? format(t.memoryIdle.rssBytes / 1048576, 'MB') : '—',
        t.memoryAfterLoad ? format(t.memoryAfterLoad.rssBytes / 1048576, 'MB') : '—',
      ]),
    ),
  ];
  const startups = input.targets.filter((t) => t.startupMs.length > 0);
  for (const t of startups) {
    lines.push('', `Start to first answer, ${t.name}: ${t.startupMs.map((ms) => ms.toFixed(0)).join(', ')} ms (median ${median(t.startupMs).toFixed(0)} ms).`);
  }
  if (input.notes.length > 0) lines.push('', ...input.notes.map((note) => `- ${note}`));
  if (input.warnings.length > 0) lines.push('', ...input.warnings.map((w) => `> warning: ${w}`));
  return `${lines.join('\n')}\n`;
}

function busyText(busy: number | undefined): string {
  return busy === undefined ? 'CPU idle share unknown' : `${(busy * 100).toFixed(0)} % CPU busy before the run`;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [header, ...rows];
  const widths = header.map((_, col) => Math.max(3, ...all.map((row) => (row[col] ?? '').length)));
  const line = (row: readonly string[]) => `| ${row.map((cell, col) => cell.padEnd(widths[col]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

export function format(value: number | undefined, unit: Unit): string {
  if (value === undefined || !Number.isFinite(value)) return '—';
  if (unit === 'ms') return `${value.toFixed(Math.abs(value) >= 100 ? 0 : 2)} ms`;
  if (unit === 'µs') return `${value.toFixed(0)} µs`;
  if (unit === '%') return `${value.toFixed(0)} %`;
  if (unit === 'x') return `${value.toFixed(2)}x`;
  return `${value.toFixed(1)} MB`;
}

const GOAL_SIGNS: Record<Goal['op'], string> = { '<=': '≤', '>=': '≥', '<': '<', '>': '>' };

export function goalText(goal: Goal | undefined, unit: Unit): string {
  if (!goal) return '';
  return unit === 'x' ? `${GOAL_SIGNS[goal.op]} ${goal.limit}x` : `${GOAL_SIGNS[goal.op]} ${goal.limit} ${unit}`;
}
