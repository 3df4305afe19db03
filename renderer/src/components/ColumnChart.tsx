// Columns over time (one per day): plain SVG, no chart library; hidden from screen readers
// because the table beside it carries the same numbers.
import type { Bar } from './HorizontalBarChart.js';
import { useDrawnWidth } from './use-drawn-width.js';

export interface ColumnChartProps {
  bars: readonly Bar[];
  title: string;
}

const HEIGHT = 160;
const AXIS = 20;
const WIDTH = 640;
/** Room for one axis label ("03-15") at its real size. */
const LABEL_SPACING = 48;

export function ColumnChart({ bars, title }: ColumnChartProps) {
  // Drawn at its real width, so labels keep 12 px in a narrow window instead of shrinking to 7.
  const [ref, drawn] = useDrawnWidth<SVGSVGElement>(WIDTH);
  const max = Math.max(0, ...bars.map((b) => b.value));
  const slot = bars.length === 0 ? drawn : drawn / bars.length;
  const width = Math.max(2, Math.min(48, slot * 0.7));
  const labelEvery = Math.max(1, Math.ceil(bars.length / 10), Math.ceil(LABEL_SPACING / slot));
  return (
    <figure className="chart">
      <figcaption className="chart-title">{title}</figcaption>
      <svg ref={ref} viewBox={`0 0 ${drawn} ${HEIGHT + AXIS}`} width="100%" height={HEIGHT + AXIS} aria-hidden="true" focusable="false" preserveAspectRatio="xMinYMin meet">
        <line x1={0} x2={drawn} y1={HEIGHT + 0.5} y2={HEIGHT + 0.5} className="chart-axis" />
        {bars.map((bar, i) => {
          const h = max > 0 ? Math.max(bar.value > 0 ? 2 : 0, (bar.value / max) * (HEIGHT - 18)) : 0;
          const x = i * slot + (slot - width) / 2;
          return (
            <g key={`${bar.label}-${i}`}>
              <rect x={x} y={HEIGHT - h} width={width} height={h} rx={2} className="chart-bar">
                <title>{`${bar.label}: ${bar.display}`}</title>
              </rect>
              {i % labelEvery === 0 ? (
                <text x={x + width / 2} y={HEIGHT + 14} className="chart-label" textAnchor="middle">
                  {bar.label.slice(5)}
                </text>
              ) : null}
            </g>
          );
        })}
        {bars.length > 0 && max > 0 ? (
          <text x={drawn - 2} y={12} className="chart-value" textAnchor="end">
            max {bars.reduce((a, b) => (b.value > a.value ? b : a)).display}
          </text>
        ) : null}
      </svg>
    </figure>
  );
}
