// One headline number with its label ("Spend today  $0.42").
export interface StatTileProps {
  label: string;
  value: string;
  hint?: string;
  tone?: 'normal' | 'bad';
}

export function StatTile({ label, value, hint, tone = 'normal' }: StatTileProps) {
  return (
    <div className={`stat ${tone === 'bad' ? 'stat-bad' : ''}`}>
      <div className="stat-label">{label}</div>
      <div className="stat-value">{value}</div>
      {hint ? <div className="stat-hint">{hint}</div> : null}
    </div>
  );
}
