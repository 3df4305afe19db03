// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { KeysPage } from '../../../../renderer/src/pages/keys/KeysPage.js';
import { fakeApi, sampleKey, sampleModel, sampleTeam } from '../../fake-api.js';

afterEach(cleanup);

const NOW = Date.parse('2026-03-15T12:00:00.000Z');
const renderPage = (api = fakeApi(), extra: { onKeyCreated?: (k: string) => void; go?: () => void } = {}) =>
  render(<KeysPage api={api} onKeyCreated={extra.onKeyCreated ?? vi.fn()} go={extra.go ?? vi.fn()} now={() => NOW} />);

describe('KeysPage', () => {
  it('explains what keys are for when there are none', async () => {
    renderPage();
    expect(await screen.findByText('No app keys yet.')).toBeTruthy();
  });

  it('shows a loading state, then an error with a retry that works', async () => {
    let fail = true;
    const api = fakeApi({
      listKeys: async () => {
        if (fail) throw new Error('Switchboard did not answer. Is the gateway still running?');
        return { keys: [sampleKey()], total_count: 1, current_page: 1, total_pages: 1, page_size: 100 };
      },
    });
    renderPage(api);
    expect(screen.getByText(/Loading keys/)).toBeTruthy();
    expect((await screen.findByRole('alert')).textContent).toContain('did not answer');
    fail = false;
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByRole('rowheader', { name: 'cursor' })).toBeTruthy();
  });

  it('lists each key with its mask, models, budget used of its limit, limits, and status', async () => {
    const api = fakeApi({
      listKeys: async () => ({
        keys: [
          sampleKey({ key_alias: 'cursor', models: ['fast', 'smart'], spend: 1.5, max_budget: 2, budget_duration: '30d', rpm_limit: 60 }),
          sampleKey({ token: 'key_b', key_id: 'key_b', key_alias: 'old-script', blocked: true, key_name: 'sk-...b0b0' }),
          sampleKey({ token: 'key_c', key_id: 'key_c', key_alias: 'expired', expires: '2026-03-01T00:00:00.000Z' }),
        ],
        total_count: 3, current_page: 1, total_pages: 1, page_size: 100,
      }),
    });
    renderPage(api);
    const row = (await screen.findByRole('rowheader', { name: 'cursor' })).closest('tr')!;
    expect(row.textContent).toContain('sk-...wxyz');
    expect(row.textContent).toContain('fast, smart');
    expect(row.textContent).toContain('$1.50 / $2.00 per 30d');
    expect(row.textContent).toContain('60 req/min');
    expect(within(row).getByText('Active')).toBeTruthy();
    expect(within(row).getByRole('meter', { name: '75% of the budget used' })).toBeTruthy();
    expect(within(screen.getByRole('rowheader', { name: 'old-script' }).closest('tr')!).getByText('Blocked')).toBeTruthy();
    expect(within(screen.getByRole('rowheader', { name: 'expired' }).closest('tr')!).getByText('Expired')).toBeTruthy();
  });

  it('creates a key, shows it once with a copy button and a warning, and forgets it when dismissed', async () => {
    const api = fakeApi();
    renderPage(api);
    fireEvent.click(await screen.findByRole('button', { name: 'Create a key' }));
    fireEvent.change(screen.getByLabelText('App name'), { target: { value: 'my-script' } });
    fireEvent.change(screen.getByLabelText('Budget (USD)'), { target: { value: '10' } });
    fireEvent.change(screen.getByLabelText('Budget period'), { target: { value: '1mo' } });
    fireEvent.change(screen.getByLabelText('Requests per minute'), { target: { value: '30' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create key' }));
    expect(await screen.findByText('Copy this key now. It will not be shown again.')).toBeTruthy();
    expect(api.generateKey).toHaveBeenCalledWith({ key_alias: 'my-script', models: [], max_budget: 10, budget_duration: '1mo', rpm_limit: 30 });
    expect(screen.getByTestId('new-key').textContent).toBe('sk-new-secret-key-0001');
    expect(screen.getByRole('button', { name: 'Copy the key for my-script' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'I have copied it' }));
    expect(screen.queryByText('sk-new-secret-key-0001')).toBeNull();
  });

  it('hands a new key to the setup snippets only when asked', async () => {
    const onKeyCreated = vi.fn();
    const go = vi.fn();
    renderPage(fakeApi(), { onKeyCreated, go });
    fireEvent.click(await screen.findByRole('button', { name: 'Create a key' }));
    fireEvent.change(screen.getByLabelText('App name'), { target: { value: 'app' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create key' }));
    await screen.findByTestId('new-key');
    expect(onKeyCreated).not.toHaveBeenCalled();
    fireEvent.click(screen.getByRole('button', { name: 'Show setup for this key' }));
    expect(onKeyCreated).toHaveBeenCalledWith('sk-new-secret-key-0001');
    expect(go).toHaveBeenCalledWith('overview');
  });

  it('refuses to create a key without an app name, naming the field', async () => {
    const api = fakeApi();
    renderPage(api);
    fireEvent.click(await screen.findByRole('button', { name: 'Create a key' }));
    fireEvent.click(screen.getByRole('button', { name: 'Create key' }));
    expect((await screen.findByRole('alert')).textContent).toContain('Name the app');
    expect(screen.getByLabelText('App name').getAttribute('aria-invalid')).toBe('true');
    expect(api.generateKey).not.toHaveBeenCalled();
  });

  it('limits a key to chosen models', async () => {
    const api = fakeApi({ listModels: async () => ({ data: [sampleModel({ name: 'fast' }), sampleModel({ name: 'smart', id: 'm2' })] }) });
    renderPage(api);
    fireEvent.click(await screen.findByRole('button', { name: 'Create a key' }));
    fireEvent.change(screen.getByLabelText('App name'), { target: { value: 'app' } });
    fireEvent.click(await screen.findByRole('checkbox', { name: 'smart' }));
    fireEvent.click(screen.getByRole('button', { name: 'Create key' }));
    await screen.findByTestId('new-key');
    expect(api.generateKey).toHaveBeenCalledWith({ key_alias: 'app', models: ['smart'] });
  });

  it('edits limits, sending removed limits as null and leaving the budget period alone', async () => {
    const api = fakeApi({ listKeys: async () => ({ keys: [sampleKey({ rpm_limit: 60, budget_duration: '30d' })], total_count: 1, current_page: 1, total_pages: 1, page_size: 100 }) });
    renderPage(api);
    fireEvent.click(await screen.findByRole('button', { name: 'Edit cursor' }));
    fireEvent.change(screen.getByLabelText('Requests per minute'), { target: { value: '' } });
    fireEvent.change(screen.getByLabelText('Tokens per minute'), { target: { value: '50000' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save changes' }));
    await screen.findByText('Saved cursor.');
    expect(api.updateKey).toHaveBeenCalledWith('key_abc', { key_alias: 'cursor', models: [], max_budget: 2, rpm_limit: null, tpm_limit: 50000, max_parallel_requests: null });
  });

  it('blocks and unblocks a key', async () => {
    const api = fakeApi({ listKeys: async () => ({ keys: [sampleKey()], total_count: 1, current_page: 1, total_pages: 1, page_size: 100 }) });
    renderPage(api);
    fireEvent.click(await screen.findByRole('button', { name: 'Block cursor' }));
    expect(await screen.findByText(/Blocked cursor/)).toBeTruthy();
    expect(api.blockKey).toHaveBeenCalledWith('key_abc');
  });

  it('deletes only after confirmation, and Cancel backs out', async () => {
    const api = fakeApi({ listKeys: async () => ({ keys: [sampleKey()], total_count: 1, current_page: 1, total_pages: 1, page_size: 100 }) });
    renderPage(api);
    fireEvent.click(await screen.findByRole('button', { name: 'Delete cursor' }));
    expect(screen.getByText('Delete the key for cursor? Apps using it stop working.')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(api.deleteKey).not.toHaveBeenCalled();
    fireEvent.click(screen.getByRole('button', { name: 'Delete cursor' }));
    const confirm = screen.getByRole('button', { name: 'Delete' });
    expect(document.activeElement).toBe(confirm);
    fireEvent.click(confirm);
    expect(await screen.findByText('Deleted the key for cursor.')).toBeTruthy();
    expect(api.deleteKey).toHaveBeenCalledWith('key_abc');
  });

  it('regenerates after confirmation and shows the new key once', async () => {
    const api = fakeApi({ listKeys: async () => ({ keys: [sampleKey()], total_count: 1, current_page: 1, total_pages: 1, page_size: 100 }) });
    renderPage(api);
    fireEvent.click(await screen.findByRole('button', { name: 'Regenerate cursor' }));
    fireEvent.click(screen.getByRole('button', { name: 'Regenerate' }));
    expect((await screen.findByTestId('new-key')).textContent).toBe('sk-regenerated-key-0002');
    expect(screen.getByText('The old key stopped working.')).toBeTruthy();
  });

  it('shows an action the gateway refused as an error', async () => {
    const api = fakeApi({
      listKeys: async () => ({ keys: [sampleKey()], total_count: 1, current_page: 1, total_pages: 1, page_size: 100 }),
      blockKey: async () => {
        throw new Error('No such key');
      },
    });
    renderPage(api);
    fireEvent.click(await screen.findByRole('button', { name: 'Block cursor' }));
    await waitFor(() => expect(screen.getByRole('alert').textContent).toContain('No such key'));
  });
});

describe("KeysPage in a member's session", () => {
  it('never reads the user list (the admin\'s) and offers as teams only the ones it admins', async () => {
    const api = fakeApi({
      listTeams: async () => [sampleTeam({ team_id: 'team-1', team_alias: 'research' }), sampleTeam({ team_id: 'team-2', team_alias: 'ops' })],
      listUsers: async () => ({ users: [], total: 0, page: 1, page_size: 100, total_pages: 0 }),
    });
    render(<KeysPage api={api} onKeyCreated={vi.fn()} go={vi.fn()} now={() => NOW} memberTeams={[{ teamId: 'team-2', name: 'ops', admin: true }]} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Create a key' }));
    const team = (await screen.findByLabelText('Team')) as HTMLSelectElement;
    expect([...team.options].map((o) => o.textContent)).not.toContain('research');
    expect([...team.options].map((o) => o.textContent)).toContain('ops');
    expect(screen.queryByLabelText('User')).toBeNull();
    expect(api.listUsers).not.toHaveBeenCalled();
  });
});
