// What one answer cost, right under it: tokens in and out (from the stream's usage, else the
// gateway's count), time to first token and total time as the page saw them, and the cost the
// gateway recorded for the request (its log row), formatted by the one money formatter.
import type { SpendLogRow } from '../../../../shared/api/usage-schemas.js';
import { formatUsd } from '../../../../shared/format-usd.js';
import { formatCount } from '../../format/format-count.js';
import { formatLatency } from '../../format/format-latency.js';
import type { ChatTurnResult } from './send-chat-turn.js';

export type TurnLog = { status: 'none' | 'loading' | 'missing' } | { status: 'found'; row: SpendLogRow };

export function TurnStats({ result, log }: { result: Exclude<ChatTurnResult, { kind: 'refused' }>; log: TurnLog }) {
  const row = log.status === 'found' ? log.row : null;
  const tokens = result.usage
    ? `${formatCount(result.usage.promptTokens)} in · ${formatCount(result.usage.completionTokens)} out`
    : row
      ? `${formatCount(row.prompt_tokens)} in · ${formatCount(row.completion_tokens)} out${row.usage_estimated ? ' (estimated)' : ''}`
      : log.status === 'loading'
        ? '…'
        : 'not reported';
  const cost = row ? formatUsd(row.spend_micros) : log.status === 'loading' ? '…' : 'not recorded';
  return (
    <dl className="facts turn-stats" aria-label="Last answer">
      <dt>Tokens</dt>
      <dd>{tokens}</dd>
      <dt>First token</dt>
      <dd>{formatLatency(result.timings.firstTokenMs)}</dd>
      <dt>Total time</dt>
      <dd>{formatLatency(result.timings.totalMs)}</dd>
      <dt>Cost</dt>
      <dd>{cost}</dd>
    </dl>
  );
}
