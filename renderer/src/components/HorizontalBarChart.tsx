// Bars for a ranking (spend per app, per model...): plain SVG, no chart library. Labels are SVG
// text nodes (never markup), and the chart is hidden from screen readers because the table
// beside it carries the same numbers.
export interface Bar {
  label: string;
  value: number;
  /** The value as shown at the end of the bar. */
  display: string;
}

export interface HorizontalBarChartProps {
  bars: readonly Bar[];
  /** Shown above the chart and used as its title. */
  title: string;
  maxBars?: number;
}

const ROW = 26;
const LABEL_WIDTH = 170;
const VALUE_WIDTH = 90;
const WIDTH = 640;

export function HorizontalBarChart({ bars, title, maxBars = 10 }: HorizontalBarChartProps) {
  const shown = bars.slice(0, maxBars);
  const max = Math.max(0, ...shown.map((b) => b.value));
  const barSpace = WIDTH - LABEL_WIDTH - VALUE_WIDTH;
  const height = Math.max(1, shown.length) * ROW;
  return (
    <figure className="chart">
      <figcaption className="chart-title">{title}</figcaption>
      <svg viewBox={`0 0 ${WIDTH} ${height}`} width="100%" height={height} aria-hidden="true" focusable="false" preserveAspectRatio="xMinYMin meet">
        {shown.map((bar, i) => {
          const width = max > 0 ? Math.max(bar.value > 0 ? 2 : 0, (bar.value / max) * barSpace) : 0;
          const y = i * ROW;
          return (
            <g key={`${bar.label}-${i}`}>
              <text x={LABEL_WIDTH - 8} y={y + ROW / 2} className="chart-label" textAnchor="end" dominantBaseline="middle">
                {truncate(bar.label, 24)}
              </text>
              <rect x={LABEL_WIDTH} y={y + 5} width={width} height={ROW - 10} rx={3} className="chart-bar" />
              <text x={LABEL_WIDTH + width + 6} y={y + ROW / 2} className="chart-value" dominantBaseline="middle">
                {bar.display}
              </text>
            </g>
          );
        })}
      </svg>
      {bars.length > maxBars ? <p className="muted small">Top {maxBars} of {bars.length}; the table lists all.</p> : null}
    </figure>
  );
}

function truncate(text: string, max: number): string {
  const shown = text === '' ? '(none)' : text;
  return shown.length > max ? `${shown.slice(0, max - 1)}…` : shown;
}
