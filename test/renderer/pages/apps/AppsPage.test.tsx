// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { AppsPage } from '../../../../renderer/src/pages/apps/AppsPage.js';
import { ApiError } from '../../../../renderer/src/api/api-error.js';
import { fakeApi, sampleApp, sampleModel, sampleSettings } from '../../fake-api.js';

afterEach(cleanup);

const NOW = Date.parse('2026-03-15T12:00:00.000Z');
const rowOf = async (app: string) => (await screen.findByRole('rowheader', { name: app })).closest('tr')!;
const models = async () => ({ data: [sampleModel({ name: 'fast' }), sampleModel({ name: 'smart', id: 'model-2' })] });

describe('AppsPage', () => {
  it('says what an app is when none has called yet', async () => {
    render(<AppsPage api={fakeApi()} now={() => NOW} />);
    expect(await screen.findByText('No app has called yet.')).toBeTruthy();
  });

  it('lists each app with when it was seen, today, spend against its budget, limits, models and whether it is allowed', async () => {
    const api = fakeApi({
      listApps: async () => [
        sampleApp({ app: 'sync_notes.py', requests_today: 12, spend_today: 0.03, spend: 0.9, max_budget: 1, budget_duration: '1d', budget_reset_at: '2026-03-16T00:00:00.000Z', rpm_limit: 30, models: ['fast'], default_model: 'fast', has_rule: true, allowed: true }),
        sampleApp({ app: 'QwenCode', requests_today: 1, spend_today: 0, spend: 0 }),
      ],
    });
    render(<AppsPage api={api} now={() => NOW} />);
    const notes = await rowOf('sync_notes.py');
    expect(notes.textContent).toContain('12 requests · $0.03');
    expect(notes.textContent).toContain('$0.90 / $1.00');
    expect(notes.textContent).toContain('Resets daily');
    expect(notes.textContent).toContain('30 req/min');
    expect(notes.textContent).toContain('default fast');
    expect(notes.textContent).toContain('Allowed');
    expect(within(notes).getByRole('link', { name: 'Requests of sync_notes.py in Logs' }).getAttribute('href')).toBe('#/logs?app=sync_notes.py');
    expect(within(notes).getByRole('button', { name: 'Clear the rule for sync_notes.py' })).toBeTruthy();
    const qwen = await rowOf('QwenCode');
    expect(qwen.textContent).toContain('1 request · $0.00');
    expect(qwen.textContent).toContain('no limit');
    expect(qwen.textContent).toContain('not listed');
    // No rule yet: nothing to clear.
    expect(within(qwen).queryByRole('button', { name: 'Clear the rule for QwenCode' })).toBeNull();
    // The apps spending most today come first.
    const names = screen.getAllByRole('rowheader').map((h) => h.textContent);
    expect(names).toEqual(['sync_notes.py', 'QwenCode']);
    // Only allowed apps may call is off: no notice.
    expect(screen.queryByRole('heading', { name: 'Only allowed apps may call' })).toBeNull();
  });

  it('sets a budget and models for a listed app through /app/update, leaving its other fields as they were', async () => {
    const api = fakeApi({ listApps: async () => [sampleApp({ app: 'QwenCode' })], listModels: models });
    render(<AppsPage api={api} now={() => NOW} />);
    fireEvent.click(within(await rowOf('QwenCode')).getByRole('button', { name: 'Edit the rule for QwenCode' }));
    expect(screen.getByRole('heading', { name: 'Rule for QwenCode' })).toBeTruthy();
    // The name of a listed app is not editable.
    expect(screen.queryByLabelText('App name')).toBeNull();
    fireEvent.change(screen.getByLabelText('Budget (USD)'), { target: { value: '0.25' } });
    fireEvent.click(await screen.findByRole('checkbox', { name: 'smart' }));
    fireEvent.change(screen.getByLabelText('Default model'), { target: { value: 'smart' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save rule' }));
    await waitFor(() =>
      expect(api.updateApp).toHaveBeenCalledWith({ app: 'QwenCode', max_budget: 0.25, rpm_limit: null, tpm_limit: null, models: ['smart'], default_model: 'smart', allowed: false }),
    );
    expect((await screen.findByText('Saved the rule for QwenCode.'))).toBeTruthy();
    expect(screen.queryByRole('heading', { name: 'Rule for QwenCode' })).toBeNull();
  });

  it('adds a rule for an app that has not called yet, by its name', async () => {
    const api = fakeApi();
    render(<AppsPage api={api} now={() => NOW} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Add a rule for an app' }));
    fireEvent.click(screen.getByRole('button', { name: 'Add rule' }));
    // Nothing is sent without a name; the field says why.
    expect((await screen.findByRole('alert')).textContent).toContain('Name the app');
    expect(api.updateApp).not.toHaveBeenCalled();
    fireEvent.change(screen.getByLabelText('App name'), { target: { value: 'nightly.sh' } });
    fireEvent.change(screen.getByLabelText('Requests per minute'), { target: { value: '10' } });
    fireEvent.click(screen.getByRole('checkbox', { name: /Allowed when only allowed apps may call/ }));
    fireEvent.click(screen.getByRole('button', { name: 'Add rule' }));
    await waitFor(() => expect(api.updateApp).toHaveBeenCalledWith({ app: 'nightly.sh', rpm_limit: 10, allowed: true }));
    expect(await screen.findByText('Saved the rule for nightly.sh.')).toBeTruthy();
  });

  it('shows a refused rule in the words of the gateway, at the form', async () => {
    const api = fakeApi({
      listApps: async () => [sampleApp({ app: 'QwenCode' })],
      updateApp: async () => {
        throw new ApiError(400, 'invalid_request', 'default_model: no model "gone" is served (GET /v1/models lists them)');
      },
    });
    render(<AppsPage api={api} now={() => NOW} />);
    fireEvent.click(within(await rowOf('QwenCode')).getByRole('button', { name: 'Edit the rule for QwenCode' }));
    fireEvent.click(screen.getByRole('button', { name: 'Save rule' }));
    expect((await screen.findByRole('alert')).textContent).toContain('no model "gone" is served');
    expect(screen.getByRole('heading', { name: 'Rule for QwenCode' })).toBeTruthy();
  });

  it('clears a rule after confirmation', async () => {
    const api = fakeApi({ listApps: async () => [sampleApp({ app: 'sync_notes.py', has_rule: true, max_budget: 1 })] });
    render(<AppsPage api={api} now={() => NOW} />);
    fireEvent.click(within(await rowOf('sync_notes.py')).getByRole('button', { name: 'Clear the rule for sync_notes.py' }));
    expect(api.deleteAppRule).not.toHaveBeenCalled();
    fireEvent.click(screen.getByRole('button', { name: 'Clear' }));
    await waitFor(() => expect(api.deleteAppRule).toHaveBeenCalledWith('sync_notes.py'));
    expect(await screen.findByText('Cleared the rule for sync_notes.py.')).toBeTruthy();
  });

  it('says at the top when only allowed apps may call, and marks the apps it refuses', async () => {
    const api = fakeApi({
      settings: async () => sampleSettings({ only_allowed_apps: true }),
      listApps: async () => [sampleApp({ app: 'sync_notes.py', allowed: true, has_rule: true }), sampleApp({ app: 'QwenCode', allowed: false })],
    });
    render(<AppsPage api={api} now={() => NOW} />);
    const notice = (await screen.findByRole('heading', { name: 'Only allowed apps may call' })).closest('section')!;
    expect(notice.textContent).toContain('1 app below is not');
    expect(within(notice).getByRole('link', { name: 'Settings' }).getAttribute('href')).toBe('#/settings');
    expect((await rowOf('QwenCode')).textContent).toContain('Not allowed: refused');
    expect((await rowOf('sync_notes.py')).textContent).toContain('Allowed');
  });
});
