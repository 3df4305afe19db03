// Bars for a ranking (spend per app, per model...): a list laid out by CSS grid, each row the
// name, the bar (an SVG rect, so no inline style is needed under the strict CSP) and the value.
// Names and values are HTML text that wraps, never cut: in a narrow window the value moves beside
// the name and the bar goes under both. Hidden from screen readers: the table beside it carries
// the same numbers.
export interface Bar {
  label: string;
  value: number;
  /** The value as shown beside the bar. */
  display: string;
}

export interface HorizontalBarChartProps {
  bars: readonly Bar[];
  /** Shown above the chart and used as its title. */
  title: string;
  maxBars?: number;
}

export function HorizontalBarChart({ bars, title, maxBars = 10 }: HorizontalBarChartProps) {
  const shown = bars.slice(0, maxBars);
  const max = Math.max(0, ...shown.map((b) => b.value));
  return (
    <figure className="chart">
      <figcaption className="chart-title">{title}</figcaption>
      <ol className="hbar-chart" aria-hidden="true">
        {shown.map((bar, i) => {
          // A non-zero value keeps a sliver of bar, so "tiny" never reads as "none".
          const share = max > 0 ? Math.max(bar.value > 0 ? 0.5 : 0, (bar.value / max) * 100) : 0;
          return (
            <li key={`${bar.label}-${i}`} className="hbar-row">
              <span className="hbar-label">{bar.label === '' ? '(none)' : bar.label}</span>
              <svg className="hbar-track" viewBox="0 0 100 10" preserveAspectRatio="none" focusable="false">
                <rect x={0} y={0} width={share} height={10} className="chart-bar" />
              </svg>
              <span className="hbar-value">{bar.display}</span>
            </li>
          );
        })}
      </ol>
      {bars.length > maxBars ? <p className="muted small">Top {maxBars} of {bars.length}; the table lists all.</p> : null}
    </figure>
  );
}
