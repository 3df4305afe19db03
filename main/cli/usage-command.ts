// `switchboard usage`: requests, tokens and spend per app for today (since local midnight) and
// the last 7 days, side by side in one aligned table, from GET /usage/summary?group_by=app.
import type { UsageSummary, UsageSummaryGroup } from '../../shared/api/usage-schemas.js';
import { formatUsd } from '../../shared/format-usd.js';
import type { CommandIO } from './command-io.js';
import type { Connection } from './connect-to-gateway.js';
import { formatTable } from './format-table.js';

const WEEK_MS = 7 * 24 * 60 * 60 * 1000;

export async function usageCommand({ client }: Connection, io: CommandIO, now: number = Date.now()): Promise<number> {
  const midnight = new Date(now);
  midnight.setHours(0, 0, 0, 0);
  const end = now + 1;
  const [today, week] = await Promise.all([
    client.get<UsageSummary>(`/usage/summary?group_by=app&start=${midnight.getTime()}&end=${end}`),
    client.get<UsageSummary>(`/usage/summary?group_by=app&start=${end - WEEK_MS}&end=${end}`),
  ]);
  if (week.totals.requests === 0) {
    io.out('No requests in the last 7 days.\n');
    return 0;
  }
  const todayByApp = new Map(today.groups.map((group) => [group.group, group]));
  const cells = (group: UsageSummaryGroup | undefined) => group === undefined
    ? ['0', '0', formatUsd(0)]
    : [String(group.requests), String(group.total_tokens), formatUsd(group.spend_micros)];
  const rows = week.groups.map((group) => [group.group, ...cells(todayByApp.get(group.group)), ...cells(group)]);
  rows.push(['total', ...cells(today.totals), ...cells(week.totals)]);
  io.out(formatTable(
    [
      { title: 'APP' },
      { title: 'TODAY REQS', align: 'right' }, { title: 'TOKENS', align: 'right' }, { title: 'SPEND', align: 'right' },
      { title: '7 DAYS REQS', align: 'right' }, { title: 'TOKENS', align: 'right' }, { title: 'SPEND', align: 'right' },
    ],
    rows,
  ));
  return 0;
}
