// The Limits cell of the Keys, Teams and Apps tables: requests and tokens per minute, and the one
// limit of the holder's own (a key's parallel requests, a team's budget per member), each on its own
// line; "none" when it has none.
import { formatCount } from '../format/format-count.js';

export interface LimitsCellProps {
  rpm: number | null;
  tpm: number | null;
  /** The holder's own limit, already worded ("2 parallel"); null when not set or not applicable. */
  extra?: string | null;
}

export function LimitsCell({ rpm, tpm, extra = null }: LimitsCellProps) {
  return (
    <td className="small" data-label="Limits">
      {rpm === null && tpm === null && extra === null ? (
        <span className="muted">none</span>
      ) : (
        <>
          {rpm !== null ? <div>{formatCount(rpm)} req/min</div> : null}
          {tpm !== null ? <div>{formatCount(tpm)} tok/min</div> : null}
          {extra !== null ? <div>{extra}</div> : null}
        </>
      )}
    </td>
  );
}
