// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LogsPage } from '../../../../renderer/src/pages/logs/LogsPage.js';
import { fakeApi, sampleApp, sampleLog, sampleModel, sampleSettings, sampleTeam } from '../../fake-api.js';

afterEach(() => {
  cleanup();
  // The App filter writes the URL fragment: every test starts from none.
  window.history.replaceState(null, '', '#/');
});

const rows = [
  sampleLog({ request_id: 'r1', app: 'cursor' }),
  sampleLog({ request_id: 'r2', app: 'aider', status: 'upstream_error', http_status: 502, error_code: 'upstream_unavailable', spend: 0, spend_micros: 0 }),
  sampleLog({ request_id: 'r3', app: 'aider', requested_model: 'switchboard/active' }),
];
const logsApi = (extra: Parameters<typeof fakeApi>[0] = {}) =>
  fakeApi({
    // The gateway filters by app (app=): so does this fake.
    spendLogs: async (params = {}) => {
      const data = rows.filter((r) => params.app === undefined || r.app === params.app);
      return { data, total: data.length, page: 1, page_size: 100, total_pages: 1 };
    },
    listModels: async () => ({ data: [sampleModel({ name: 'fast' }), sampleModel({ name: 'smart', id: 'm2' })] }),
    ...extra,
  });

describe('LogsPage', () => {
  it('points to the setup when there are no requests yet', async () => {
    render(<LogsPage api={fakeApi()} go={vi.fn()} admin />);
    expect(await screen.findByText('No requests yet.')).toBeTruthy();
    expect(screen.getByRole('link', { name: 'See how to connect a client' }).getAttribute('href')).toBe('#/overview');
  });

  it('lists recent requests with app, model, outcome, tokens, cost and latency', async () => {
    render(<LogsPage api={logsApi()} go={vi.fn()} admin />);
    const table = await screen.findByRole('table', { name: 'Recent requests, newest first' });
    const [first, second, third] = within(table).getAllByRole('row').slice(1);
    expect(first!.textContent).toContain('cursor');
    expect(first!.textContent).toContain('<$0.0001');
    expect(first!.textContent).toContain('10 / 4');
    expect(first!.textContent).toContain('20 ms');
    expect(within(second!).getByText('Upstream error')).toBeTruthy();
    expect(third!.textContent).toContain('(asked switchboard/active)');
  });

  it('says a request refused at the key check never reached a model, in the row and the detail', async () => {
    const refused = sampleLog({ request_id: 'r9', app: 'curl', requested_model: '', model_group: '', custom_llm_provider: '', model_id: null, status: 'rejected', http_status: 401, error_code: 'key_blocked', spend: 0, spend_micros: 0 });
    render(<LogsPage api={fakeApi({ spendLogs: async () => ({ data: [refused], total: 1, page: 1, page_size: 100, total_pages: 1 }) })} go={vi.fn()} admin />);
    const table = await screen.findByRole('table', { name: 'Recent requests, newest first' });
    const row = within(table).getAllByRole('row')[1]!;
    expect(within(row).getByText('refused before routing')).toBeTruthy();
    expect(row.textContent).not.toContain('(asked');
    fireEvent.click(screen.getByRole('button', { name: /^Details of the curl request/ }));
    const detail = screen.getByRole('region', { name: 'Request r9' });
    expect(detail.textContent).toContain('not read: refused at the key check');
    expect(detail.textContent).toContain('none: refused before routing');
  });

  it('asks the gateway to filter by app and by model, and filters the loaded requests by outcome', async () => {
    const api = logsApi();
    render(<LogsPage api={api} go={vi.fn()} admin />);
    const table = await screen.findByRole('table');
    fireEvent.change(screen.getByLabelText('App'), { target: { value: 'aider' } });
    await waitFor(() => expect(api.spendLogs).toHaveBeenLastCalledWith({ page: 1, pageSize: 100, app: 'aider' }));
    await waitFor(() => expect(within(table).getAllByRole('row')).toHaveLength(3));
    fireEvent.change(screen.getByLabelText('Outcome'), { target: { value: 'errors' } });
    expect(within(table).getAllByRole('row')).toHaveLength(2);
    fireEvent.change(screen.getByLabelText('Outcome'), { target: { value: 'client_aborted' } });
    expect(await screen.findByText('No loaded request matches these filters.')).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Model'), { target: { value: 'smart' } });
    await waitFor(() => expect(api.spendLogs).toHaveBeenLastCalledWith({ page: 1, pageSize: 100, model: 'smart', app: 'aider' }));
  });

  it('offers every app the gateway has seen, and keeps the chosen one in the URL fragment', async () => {
    const api = logsApi({ listApps: async () => [sampleApp({ app: 'sync_notes.py' }), sampleApp({ app: 'QwenCode' })] });
    render(<LogsPage api={api} go={vi.fn()} admin />);
    await screen.findByRole('table');
    const select = screen.getByLabelText('App') as HTMLSelectElement;
    await waitFor(() => expect([...select.options].map((o) => o.value)).toEqual(['', 'QwenCode', 'aider', 'cursor', 'sync_notes.py']));
    fireEvent.change(select, { target: { value: 'sync_notes.py' } });
    expect(window.location.hash).toBe('#/logs?app=sync_notes.py');
    await screen.findByText('No requests yet from sync_notes.py.');
    fireEvent.change(select, { target: { value: '' } });
    expect(window.location.hash).toBe('#/logs');
  });

  it('opens filtered by the app its link names (#/logs?app=NAME), and follows the fragment when it changes', async () => {
    window.history.replaceState(null, '', '#/logs?app=aider');
    const api = logsApi();
    render(<LogsPage api={api} go={vi.fn()} admin />);
    await waitFor(() => expect(api.spendLogs).toHaveBeenCalledWith({ page: 1, pageSize: 100, app: 'aider' }));
    expect(api.spendLogs).not.toHaveBeenCalledWith({ page: 1, pageSize: 100 });
    expect((screen.getByLabelText('App') as HTMLSelectElement).value).toBe('aider');
    window.location.hash = '#/logs?app=cursor';
    await waitFor(() => expect((screen.getByLabelText('App') as HTMLSelectElement).value).toBe('cursor'));
    await waitFor(() => expect(api.spendLogs).toHaveBeenLastCalledWith({ page: 1, pageSize: 100, app: 'cursor' }));
  });

  it('never asks a member\'s session for /app/list (admin only): its apps come from its requests', async () => {
    const api = logsApi();
    render(<LogsPage api={api} go={vi.fn()} admin={false} />);
    await screen.findByRole('table');
    expect(api.listApps).not.toHaveBeenCalled();
    expect([...(screen.getByLabelText('App') as HTMLSelectElement).options].map((o) => o.value)).toEqual(['', 'aider', 'cursor']);
  });

  it('opens a detail view with timings, tokens, cost and the error, and closes it', async () => {
    render(<LogsPage api={logsApi()} go={vi.fn()} admin />);
    fireEvent.click((await screen.findAllByRole('button', { name: /^Details of the aider request/ }))[0]!);
    const detail = screen.getByRole('region', { name: 'Request r2' });
    expect(detail.textContent).toContain('Upstream error (HTTP 502)');
    expect(detail.textContent).toContain('upstream_unavailable');
    expect(detail.textContent).toContain('10 ms');
    expect(detail.textContent).toContain('10 in · 4 out');
    expect(detail.textContent).toContain('Retries / fallbacks0 / 0');
    expect(detail.textContent).toContain('Body logging is off');
    fireEvent.click(within(detail).getByRole('button', { name: 'Close' }));
    expect(screen.queryByRole('region', { name: 'Request r2' })).toBeNull();
  });

  it('shows a request interrupted by a crash as charged at its hold, without an HTTP status it never had', async () => {
    const api = logsApi({
      spendLogs: async () => ({
        data: [sampleLog({ request_id: 'ri', app: 'nightly', status: 'interrupted', http_status: 0, spend_micros: 300_000, spend: 0.3, prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 })],
        total: 1, page: 1, page_size: 100, total_pages: 1,
      }),
    });
    render(<LogsPage api={api} go={vi.fn()} admin />);
    fireEvent.change(await screen.findByLabelText('Outcome'), { target: { value: 'interrupted' } });
    const table = await screen.findByRole('table');
    expect(within(table).getByText('Interrupted')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: /^Details of the nightly request/ }));
    const detail = screen.getByRole('region', { name: 'Request ri' });
    expect(detail.textContent).toContain('Interrupted: Switchboard stopped before it could record this request; it was charged its reserved worst case');
    expect(detail.textContent).not.toContain('HTTP 0');
  });

  it('shows logged bodies as text, never as markup', async () => {
    const hostile = '<img src=x onerror="alert(1)"><script>alert(2)</script>';
    const api = logsApi({
      spendLogs: async () => ({ data: [sampleLog({ request_id: 'rb', app: '<b>app</b>', request_body: '{"messages":[]}', response_body: hostile })], total: 1, page: 1, page_size: 100, total_pages: 1 }),
      settings: async () => sampleSettings({ body_logging: true }),
    });
    render(<LogsPage api={api} go={vi.fn()} admin />);
    fireEvent.click(await screen.findByRole('button', { name: /^Details of the <b>app<\/b> request/ }));
    expect(screen.getByText(hostile)).toBeTruthy();
    expect(document.querySelector('img, script, b')).toBeNull();
  });

  it('loads older requests on request', async () => {
    const api = logsApi({ spendLogs: async () => ({ data: rows, total: 250, page: 1, page_size: 100, total_pages: 3 }) });
    render(<LogsPage api={api} go={vi.fn()} admin />);
    fireEvent.click(await screen.findByRole('button', { name: 'Load older requests' }));
    await waitFor(() => expect(api.spendLogs).toHaveBeenLastCalledWith({ page: 1, pageSize: 200 }));
  });

  it('words $0 on a model without a price as free, and $0 on a priced one as $0.00', async () => {
    const local = { ...sampleModel({ name: 'local', id: 'local-1' }) };
    local.model_info = { ...local.model_info, priced: false };
    const priced = { ...sampleModel({ name: 'fast', id: 'model-1' }) };
    priced.model_info = { ...priced.model_info, priced: true };
    const api = fakeApi({
      spendLogs: async () => ({
        data: [
          sampleLog({ request_id: 'l1', app: 'notes', model: 'local', model_group: 'local', requested_model: 'local', model_id: 'local-1', spend: 0, spend_micros: 0 }),
          sampleLog({ request_id: 'p1', app: 'code', spend: 0, spend_micros: 0 }),
        ],
        total: 2, page: 1, page_size: 100, total_pages: 1,
      }),
      listModels: async () => ({ data: [local, priced] }),
    });
    render(<LogsPage api={api} go={vi.fn()} admin />);
    const table = await screen.findByRole('table', { name: 'Recent requests, newest first' });
    await waitFor(() => expect(within(table).getAllByRole('row')[1]!.textContent).toContain('free'));
    expect(within(table).getAllByRole('row')[2]!.textContent).toContain('$0.00');
  });

  it('has no Team filter while the gateway has no team', async () => {
    const api = logsApi();
    render(<LogsPage api={api} go={vi.fn()} admin />);
    await waitFor(() => expect(api.listTeams).toHaveBeenCalled());
    await screen.findByLabelText('Model');
    expect(screen.queryByLabelText('Team')).toBeNull();
  });

  it("asks the gateway for the chosen team's requests only", async () => {
    const api = logsApi({ listTeams: async () => [sampleTeam({ team_id: 'team-1', team_alias: 'research' })] });
    render(<LogsPage api={api} go={vi.fn()} admin />);
    fireEvent.change(await screen.findByLabelText('Team'), { target: { value: 'team-1' } });
    await waitFor(() => expect(api.spendLogs).toHaveBeenCalledWith(expect.objectContaining({ teamId: 'team-1' })));
    fireEvent.change(screen.getByLabelText('Team'), { target: { value: '' } });
    await waitFor(() => expect(api.spendLogs.mock.calls.at(-1)?.[0]).not.toHaveProperty('teamId'));
  });
});

describe("LogsPage in a member's session", () => {
  it('never asks for the gateway settings (admin only) and still lists the requests', async () => {
    const api = fakeApi({ spendLogs: async () => ({ data: [sampleLog()], total: 1, page: 1, page_size: 100, total_pages: 1 }) });
    render(<LogsPage api={api} go={vi.fn()} admin={false} />);
    expect((await screen.findAllByRole('cell', { name: 'cursor' })).length).toBe(1);
    expect(api.spendLogs).toHaveBeenCalled();
    expect(api.settings).not.toHaveBeenCalled();
  });
});
