// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { UsagePage } from '../../../../renderer/src/pages/usage/UsagePage.js';
import { fakeApi, sampleGroup, sampleSummary, sampleTeam } from '../../fake-api.js';

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

const NOW = Date.parse('2026-03-15T12:00:00.000Z');
const api = () =>
  fakeApi({
    usageSummary: async (groupBy, start, end) =>
      sampleSummary(
        groupBy,
        groupBy === 'day'
          ? [sampleGroup('2026-03-14', { spend: 2, spend_micros: 2_000_000 }), sampleGroup('2026-03-15', { spend: 0.5, spend_micros: 500_000 })]
          : groupBy === 'app'
            ? [sampleGroup('cursor', { spend: 0.5, spend_micros: 500_000, requests: 90 }), sampleGroup('=HYPERLINK("http://evil")', { spend: 2, spend_micros: 2_000_000, requests: 1 })]
            : [sampleGroup(groupBy === 'model' ? 'fast' : 'openai')],
        start,
        end,
      ),
  });

describe('UsagePage', () => {
  it('reads every breakdown from /usage/summary over one shared range, never raw rows', async () => {
    const client = api();
    render(<UsagePage api={client} now={() => NOW} />);
    await screen.findByRole('region', { name: 'Per day' });
    await waitFor(() => expect(client.usageSummary).toHaveBeenCalledTimes(5));
    const groups = client.usageSummary.mock.calls.map((c) => c[0]).sort();
    expect(groups).toEqual(['app', 'day', 'model', 'provider', 'provider']);
    expect(new Set(client.usageSummary.mock.calls.map((c) => `${c[1]}-${c[2]}`))).toEqual(new Set([`${NOW - 7 * 86_400_000}-${NOW}`]));
    expect(client.spendLogs).not.toHaveBeenCalled();
  });

  it('shows each breakdown as a chart and a table with totals', async () => {
    render(<UsagePage api={api()} now={() => NOW} />);
    const perApp = await screen.findByRole('region', { name: 'Per app' });
    const row = (await within(perApp).findByRole('rowheader', { name: 'cursor' })).closest('tr')!;
    expect(row.textContent).toContain('90');
    expect(row.textContent).toContain('$0.50');
    expect(within(perApp).getByText('Spend per app')).toBeTruthy();
    expect(within(perApp).getByRole('rowheader', { name: 'Total' }).closest('tr')!.textContent).toContain('$2.50');
    // Days without requests still get a column; the table lists the days with data.
    const perDay = screen.getByRole('region', { name: 'Per day' });
    expect(await within(perDay).findByText('Spend per day')).toBeTruthy();
    expect(perDay.querySelectorAll('rect').length).toBe(8);
  });

  it("links each app in the per-app table to that app's requests in Logs, and nothing else", async () => {
    render(<UsagePage api={api()} now={() => NOW} />);
    const perApp = await screen.findByRole('region', { name: 'Per app' });
    const link = await within(perApp).findByRole('link', { name: 'cursor' });
    expect(link.getAttribute('href')).toBe('#/logs?app=cursor');
    expect(within(perApp).getByRole('link', { name: '=HYPERLINK("http://evil")' }).getAttribute('href')).toBe('#/logs?app=%3DHYPERLINK%28%22http%3A%2F%2Fevil%22%29');
    const perModel = screen.getByRole('region', { name: 'Per model' });
    await within(perModel).findByRole('rowheader', { name: 'fast' });
    expect(within(perModel).queryAllByRole('link')).toEqual([]);
  });

  it('changes the measure every chart shows', async () => {
    render(<UsagePage api={api()} now={() => NOW} />);
    await screen.findByText('Spend per app');
    fireEvent.change(screen.getByLabelText('Chart'), { target: { value: 'requests' } });
    expect(await screen.findByText('Requests per app')).toBeTruthy();
    expect(screen.getByText('Requests per model')).toBeTruthy();
  });

  it('queries whole local days for a custom range and refuses one that ends before it starts', async () => {
    const client = api();
    render(<UsagePage api={client} now={() => NOW} />);
    fireEvent.change(screen.getByLabelText('Range'), { target: { value: 'custom' } });
    fireEvent.change(screen.getByLabelText('From'), { target: { value: '2026-03-01' } });
    fireEvent.change(screen.getByLabelText('To'), { target: { value: '2026-03-02' } });
    const start = new Date(2026, 2, 1).getTime();
    const end = new Date(2026, 2, 3).getTime();
    await waitFor(() => expect(client.usageSummary).toHaveBeenCalledWith('app', start, end, {}));
    fireEvent.change(screen.getByLabelText('From'), { target: { value: '2026-03-05' } });
    expect((await screen.findByRole('alert')).textContent).toContain('on or before');
  });

  it('exports a breakdown as CSV, defusing cells a spreadsheet would run as formulas', async () => {
    const created: Blob[] = [];
    vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
      created.push(blob as Blob);
      return 'blob:x';
    });
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => undefined);
    const clicks = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => undefined);
    render(<UsagePage api={api()} now={() => NOW} />);
    const perApp = await screen.findByRole('region', { name: 'Per app' });
    await within(perApp).findByRole('rowheader', { name: 'cursor' });
    fireEvent.click(within(perApp).getByRole('button', { name: 'Export usage per app as CSV' }));
    expect(clicks).toHaveBeenCalledTimes(1);
    const text = await created[0]!.text();
    expect(text.split('\r\n')[0]).toBe('app,label,requests,errors,rejected,prompt_tokens,completion_tokens,total_tokens,cached_tokens,reasoning_tokens,spend_usd,p50_latency_ms,p95_latency_ms');
    expect(text).toContain('cursor,,90,1,0,1000,200,1200,0,0,0.500000,420,900');
    expect(text).toContain(`"'=HYPERLINK(""http://evil"")"`);
  });

  it('says so when a range has no requests', async () => {
    render(<UsagePage api={fakeApi()} now={() => NOW} />);
    // Per app over time, per app, per model, per provider, per day.
    expect((await screen.findAllByText('No requests in this range.')).length).toBe(5);
  });

  it('opens on requests when nothing in the range cost money, and keeps the measure the user picks', async () => {
    const free = fakeApi({ usageSummary: async (groupBy, start, end) => sampleSummary(groupBy, [sampleGroup(groupBy === 'day' ? '2026-03-15' : 'local-app', { spend: 0, spend_micros: 0, requests: 7 })], start, end) });
    render(<UsagePage api={free} now={() => NOW} />);
    expect(await screen.findByText('Requests per app')).toBeTruthy();
    expect((screen.getByLabelText('Chart') as HTMLSelectElement).value).toBe('requests');
    fireEvent.change(screen.getByLabelText('Chart'), { target: { value: 'tokens' } });
    expect(await screen.findByText('Tokens per app')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Refresh' }));
    await waitFor(() => expect(free.usageSummary.mock.calls.length).toBeGreaterThan(5));
    expect((screen.getByLabelText('Chart') as HTMLSelectElement).value).toBe('tokens');
  });

  it('stacks apps over time with a legend, a text summary and a table', async () => {
    const DAY = 86_400_000;
    const first = Math.floor((NOW - 7 * DAY) / DAY) * DAY;
    const client = fakeApi({
      usageSummary: api().usageSummary,
      usageTimeline: async (bucket, start, end) => ({
        start, end, bucket, apps: ['notes-app', 'zed'],
        buckets: Array.from({ length: 8 }, (_, i) => first + i * DAY),
        points: [
          { bucket_start: first + DAY, app: 'notes-app', requests: 3, errors: 0, total_tokens: 30, spend_micros: 4_200 },
          { bucket_start: first + DAY, app: 'zed', requests: 1, errors: 0, total_tokens: 10, spend_micros: 65 },
          { bucket_start: first + 2 * DAY, app: 'zed', requests: 2, errors: 1, total_tokens: 20, spend_micros: 0 },
        ],
      }),
    });
    render(<UsagePage api={client} now={() => NOW} />);
    const region = await screen.findByRole('region', { name: 'Apps over time' });
    const figure = await within(region).findByRole('figure', { name: 'Spend per day by app' });
    expect(client.usageTimeline).toHaveBeenCalledWith('day', NOW - 7 * DAY, NOW, {});
    const legend = within(region).getByRole('list', { name: 'Apps' });
    expect(legend.textContent).toContain('notes-app $0.0042');
    expect(legend.textContent).toContain('zed <$0.0001');
    expect(figure.querySelectorAll('rect.series-0').length).toBe(1);
    expect(figure.querySelectorAll('rect.series-1').length).toBe(1);
    expect(document.getElementById(figure.getAttribute('aria-describedby')!)!.textContent).toBe('Spend per day by app: notes-app $0.0042, zed <$0.0001 in all.');
    expect(within(region).getAllByRole('row').length).toBe(4);
  });

  it('has no Team filter while the gateway has no team', async () => {
    const client = api();
    render(<UsagePage api={client} now={() => NOW} />);
    await waitFor(() => expect(client.listTeams).toHaveBeenCalled());
    await screen.findByLabelText('Range');
    expect(screen.queryByLabelText('Team')).toBeNull();
  });

  it("narrows every figure to the chosen team's keys", async () => {
    const client = api();
    client.listTeams.mockImplementation(async () => [sampleTeam({ team_id: 'team-1', team_alias: 'research' })]);
    render(<UsagePage api={client} now={() => NOW} />);
    const select = await screen.findByLabelText('Team');
    fireEvent.change(select, { target: { value: 'team-1' } });
    await waitFor(() => expect(client.usageSummary).toHaveBeenCalledWith('app', expect.any(Number), expect.any(Number), { teamId: 'team-1' }));
    for (const groupBy of ['provider', 'model', 'day']) expect(client.usageSummary).toHaveBeenCalledWith(groupBy, expect.any(Number), expect.any(Number), { teamId: 'team-1' });
    expect(client.usageTimeline).toHaveBeenCalledWith(expect.any(String), expect.any(Number), expect.any(Number), { teamId: 'team-1' });
  });
});
