// Spend against a budget as a bar with the soft budget marked: the words carry the numbers (read
// by screen readers), the SVG beside them only draws them (aria-hidden; SVG attributes, not
// inline styles, so the strict CSP holds). Nothing is drawn when there is no budget to measure by.
import { formatUsd } from '../../../shared/format-usd.js';
import { usdToMicros } from '../../../shared/usd-to-micros.js';
import { spendBarFractions } from './spend-bar-fractions.js';

export interface SpendBarProps {
  /** USD. */
  spend: number;
  maxBudget: number | null;
  softBudget: number | null;
}

export function SpendBar({ spend, maxBudget, softBudget }: SpendBarProps) {
  const usd = (n: number) => formatUsd(usdToMicros(n));
  const bar = spendBarFractions(spend, maxBudget, softBudget);
  const tone = bar === null ? '' : bar.over ? ' spend-bar-over' : bar.pastSoft ? ' spend-bar-warn' : '';
  return (
    <div className={`spend-bar${tone}`}>
      <span className="spend-bar-text">
        {usd(spend)}
        {maxBudget === null ? <span className="muted"> / no limit</span> : <> / {usd(maxBudget)}</>}
        {softBudget !== null ? <span className="muted"> · soft {usd(softBudget)}</span> : null}
        {bar?.over ? <span className="badge badge-bad">{maxBudget === null ? 'Past soft budget' : 'Over budget'}</span> : bar?.pastSoft ? <span className="badge badge-warn">Past soft budget</span> : null}
      </span>
      {bar !== null ? (
        <svg className="spend-bar-track" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true" focusable="false">
          <rect x={0} y={0} width={100} height={10} className="spend-bar-bg" />
          <rect x={0} y={0} width={bar.spent * 100} height={10} className="spend-bar-fill" />
          {bar.soft !== null ? <line x1={bar.soft * 100} x2={bar.soft * 100} y1={0} y2={10} className="spend-bar-soft" /> : null}
        </svg>
      ) : null}
    </div>
  );
}
