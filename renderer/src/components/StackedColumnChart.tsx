// Stacked columns over time (one column per hour or day, one colour per series): plain SVG, no
// chart library. The SVG is hidden from screen readers; the caller gives a text summary and a
// table with the same numbers. Series colours come from CSS classes (.series-0 ... .series-7),
// shared with the legend, so light and dark themes both apply.
import { useDrawnWidth } from './use-drawn-width.js';

export interface StackedColumn {
  /** Axis label, e.g. "03-15" or "14:00". */
  label: string;
  /** The column's tooltip heading, e.g. "2026-03-15 (UTC)". */
  title: string;
  /** One value per series, in the series order. */
  values: readonly number[];
}

export interface StackedSeries {
  name: string;
  /** 0..7: the colour class. */
  colour: number;
}

export interface StackedColumnChartProps {
  columns: readonly StackedColumn[];
  series: readonly StackedSeries[];
  /** Formats a value for tooltips and the maximum label. */
  display: (value: number) => string;
}

export const SERIES_COLOURS = 8;

const HEIGHT = 160;
const AXIS = 20;
const WIDTH = 640;
/** Room for one axis label ("14:00", "03-15") at its real size. */
const LABEL_SPACING = 48;

export function StackedColumnChart({ columns, series, display }: StackedColumnChartProps) {
  // Drawn at its real width, so labels keep 12 px in a narrow window instead of shrinking to 7.
  const [ref, drawn] = useDrawnWidth<SVGSVGElement>(WIDTH);
  const totals = columns.map((c) => c.values.reduce((a, v) => a + v, 0));
  const max = Math.max(0, ...totals);
  const slot = columns.length === 0 ? drawn : drawn / columns.length;
  const width = Math.max(2, Math.min(48, slot * 0.7));
  const labelEvery = Math.max(1, Math.ceil(columns.length / 8), Math.ceil(LABEL_SPACING / slot));
  const scale = (v: number) => (max > 0 ? (v / max) * (HEIGHT - 18) : 0);
  return (
    <svg ref={ref} viewBox={`0 0 ${drawn} ${HEIGHT + AXIS}`} width="100%" height={HEIGHT + AXIS} aria-hidden="true" focusable="false" preserveAspectRatio="xMinYMin meet">
      <line x1={0} x2={drawn} y1={HEIGHT + 0.5} y2={HEIGHT + 0.5} className="chart-axis" />
      {columns.map((column, i) => {
        const x = i * slot + (slot - width) / 2;
        let top = HEIGHT;
        const tip = [column.title, ...series.flatMap((s, j) => ((column.values[j] ?? 0) > 0 ? [`${s.name}: ${display(column.values[j] ?? 0)}`] : []))].join('\n');
        return (
          <g key={`${column.title}-${i}`}>
            <title>{tip}</title>
            {series.map((s, j) => {
              const value = column.values[j] ?? 0;
              if (value <= 0) return null;
              const h = Math.max(1, scale(value));
              top -= h;
              return <rect key={s.name} x={x} y={top} width={width} height={h} className={`chart-series series-${s.colour}`} />;
            })}
            {i % labelEvery === 0 ? (
              <text x={x + width / 2} y={HEIGHT + 14} className="chart-label" textAnchor="middle">
                {column.label}
              </text>
            ) : null}
          </g>
        );
      })}
      {max > 0 ? (
        <text x={drawn - 2} y={12} className="chart-value" textAnchor="end">
          max {display(max)}
        </text>
      ) : null}
    </svg>
  );
}
