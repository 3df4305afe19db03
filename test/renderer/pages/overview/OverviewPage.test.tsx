// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { OverviewPage } from '../../../../renderer/src/pages/overview/OverviewPage.js';
import { fakeApi, sampleGroup, sampleKey, sampleModel, sampleSettings, sampleSummary } from '../../fake-api.js';

afterEach(cleanup);

const ORIGIN = 'http://127.0.0.1:4141';
const NOW = Date.parse('2026-03-15T12:00:00.000Z');
const renderPage = (api = fakeApi(), recentKey: string | null = null) => render(<OverviewPage api={api} go={() => undefined} recentKey={recentKey} origin={ORIGIN} now={() => NOW} />);

const busyApi = () =>
  fakeApi({
    listModels: async () => ({ data: [sampleModel({ name: 'fast' })] }),
    listKeys: async () => ({ keys: [sampleKey()], total_count: 1, current_page: 1, total_pages: 1, page_size: 100 }),
    activeModel: async () => ({ alias: 'switchboard/active', model: 'fast', aliases: { 'switchboard/active': 'fast' }, models: ['fast', 'smart'] }),
    usageSummary: async (groupBy, start, end) =>
      end - start < 86_400_000
        ? sampleSummary(groupBy, [sampleGroup('cursor', { requests: 3, spend: 0.42, spend_micros: 420_000, errors: 2 })])
        : sampleSummary(groupBy, [sampleGroup('cursor', { spend: 4.2, spend_micros: 4_200_000, requests: 30 }), sampleGroup('aider', { spend: 1.1, spend_micros: 1_100_000, requests: 7 })]),
    health: async () => ({
      healthy_endpoints: [{ model: 'openai/gpt-4o-mini', model_group: 'fast', api_base: 'x', deployment_id: 'fast#0', latency_ms: 80 }],
      unhealthy_endpoints: [{ model: 'ollama_chat/llama3.2', model_group: 'local', api_base: 'x', deployment_id: 'local#0', latency_ms: 2, error: 'Connection refused' }],
      healthy_count: 1, unhealthy_count: 1, checked_at: '2026-03-15T11:59:00.000Z',
    }),
  });

describe('OverviewPage', () => {
  it('leads a new user through adding a model, creating a key and sending a request', async () => {
    renderPage();
    const guide = await screen.findByRole('region', { name: 'Get started' });
    const links = within(guide).getAllByRole('link');
    expect(links.map((l) => l.getAttribute('href'))).toEqual(['#/models', '#/keys', '#setup', '#/settings']);
    // The keyless choice Ollama-only IDEs force, with what it costs, and where it is made.
    expect(within(guide).getByText(/They send no key/).textContent).toMatch(/any program you run\s+can spend on those models/);
    expect(within(guide).getByRole('link', { name: 'Choose in Settings' }).getAttribute('href')).toBe('#/settings');
    expect(within(guide).getByRole('link', { name: 'Go to Models' }).className).toContain('button-primary');
    expect(await screen.findByText(/No requests in the last 7 days/)).toBeTruthy();
    expect(await screen.findByText(/No deployments yet/)).toBeTruthy();
  });

  it('marks steps done and leaves the guide once everything has happened', async () => {
    const api = busyApi();
    renderPage(api);
    await screen.findByText(/Total \$5\.30 over 37 requests/);
    expect(screen.queryByRole('region', { name: 'Get started' })).toBeNull();
  });

  it("shows the address with a copy button, the active model, today's numbers and spend per app this week", async () => {
    const api = busyApi();
    renderPage(api);
    expect(screen.getByText(`${ORIGIN}/v1`)).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Copy the gateway address' })).toBeTruthy();
    const today = await screen.findByRole('region', { name: 'Today' });
    expect(await within(today).findByText('$0.42')).toBeTruthy();
    expect(within(today).getByText('2').closest('.stat')!.className).toContain('stat-bad');
    expect(await screen.findByText('fast', { selector: 'dd' , exact: false })).toBeTruthy();
    // Today starts at local midnight; the week is the last 7 days up to now.
    const calls = api.usageSummary.mock.calls;
    const midnight = new Date(NOW);
    midnight.setHours(0, 0, 0, 0);
    expect(calls).toContainEqual(['app', midnight.getTime(), NOW]);
    expect(calls).toContainEqual(['app', NOW - 7 * 86_400_000, NOW]);
    const week = screen.getByRole('region', { name: 'Spend per app, last 7 days' });
    expect(within(week).getByText('cursor')).toBeTruthy();
    expect(within(week).getByText('$4.20 · 30 req')).toBeTruthy();
  });

  it('shows the health of every deployment, unhealthy first with the reason, and re-checks on request', async () => {
    const api = busyApi();
    renderPage(api);
    const health = await screen.findByRole('region', { name: 'Deployment health' });
    const items = await within(health).findAllByRole('listitem');
    expect(items[0]!.textContent).toContain('local');
    expect(items[0]!.textContent).toContain('Connection refused');
    expect(items[1]!.textContent).toContain('Healthy');
    fireEvent.click(within(health).getByRole('button', { name: 'Check now' }));
    await within(health).findByRole('button', { name: 'Check now' });
    expect(api.health).toHaveBeenCalledWith(false);
  });

  it('keeps the rest of the page when one block fails', async () => {
    const api = busyApi();
    api.health.mockRejectedValue(new Error('Switchboard did not answer. Is the gateway still running?'));
    renderPage(api);
    const health = await screen.findByRole('region', { name: 'Deployment health' });
    expect((await within(health).findByRole('alert')).textContent).toContain('did not answer');
    expect(await screen.findByText(/Total \$5\.30/)).toBeTruthy();
  });

  it('fills the setup snippet with the base URL, the chosen model and a key created in this tab', async () => {
    renderPage(busyApi(), 'sk-just-created-0001');
    const setup = await screen.findByRole('region', { name: 'Connect a client' });
    const code = () => within(setup).getByLabelText(/setup$/, { selector: 'pre' }).textContent ?? '';
    await within(setup).findByRole('option', { name: 'smart' });
    expect(code()).toContain('base_url="http://127.0.0.1:4141/v1"');
    expect(code()).toContain('api_key="sk-just-created-0001"');
    expect(code()).toContain('model="switchboard/active"');
    fireEvent.change(within(setup).getByLabelText('Model'), { target: { value: 'smart' } });
    fireEvent.change(within(setup).getByLabelText('Client'), { target: { value: 'curl' } });
    expect(code()).toContain("curl http://127.0.0.1:4141/v1/chat/completions");
    expect(code()).toContain("'Authorization: Bearer sk-just-created-0001'");
    expect(code()).toContain('"model":"smart"');
  });

  it("points Ollama clients at the Ollama listener when it is on, and at the gateway's origin otherwise", async () => {
    const withListener = fakeApi({
      activeModel: async () => ({ alias: 'switchboard/active', model: 'fast', aliases: {}, models: ['fast'] }),
      settings: async () => sampleSettings({ ollama_api: { allow_without_key: true, models: ['fast'], listener_port: 11434 } }),
    });
    renderPage(withListener);
    let setup = screen.getByRole('region', { name: 'Connect a client' });
    fireEvent.change(within(setup).getByLabelText('Client'), { target: { value: 'zed' } });
    await within(setup).findByText(/127\.0\.0\.1:11434/, { selector: 'code' });
    cleanup();
    renderPage(fakeApi());
    setup = screen.getByRole('region', { name: 'Connect a client' });
    fireEvent.change(within(setup).getByLabelText('Client'), { target: { value: 'copilot-chat' } });
    expect(within(setup).getByLabelText(/setup$/, { selector: 'pre' }).textContent).toBe('"github.copilot.chat.byok.ollamaEndpoint": "http://127.0.0.1:4141"');
  });

  it('shows Codex its config.toml, the key export and the catalog step, each with its own copy button', async () => {
    renderPage(busyApi(), 'sk-just-created-0001');
    const setup = await screen.findByRole('region', { name: 'Connect a client' });
    fireEvent.change(within(setup).getByLabelText('Client'), { target: { value: 'codex' } });
    const blocks = within(setup).getAllByLabelText(/^Codex CLI setup/, { selector: 'pre' });
    expect(blocks.map((block) => block.getAttribute('aria-label'))).toEqual(['Codex CLI setup', 'Codex CLI setup, step 2', 'Codex CLI setup, step 3']);
    expect(blocks[0]!.textContent).toContain('wire_api = "responses"');
    expect(blocks[1]!.textContent).toBe('export SWITCHBOARD_API_KEY=sk-just-created-0001\ncodex');
    expect(blocks[2]!.textContent).toMatch(/^codex debug models --bundled \| node -e /);
    expect(within(setup).getByRole('button', { name: 'Copy the Codex CLI setup, step 2' })).toBeTruthy();
    expect(within(setup).getByText(/without the freeform apply_patch tool/, { selector: 'p' })).toBeTruthy();
  });

  it('uses a placeholder key until one is pasted', async () => {
    renderPage(busyApi());
    const setup = await screen.findByRole('region', { name: 'Connect a client' });
    expect(within(setup).getByLabelText(/setup$/, { selector: 'pre' }).textContent).toContain('sk-your-app-key');
    fireEvent.change(within(setup).getByLabelText('App key'), { target: { value: 'sk-pasted' } });
    expect(within(setup).getByLabelText(/setup$/, { selector: 'pre' }).textContent).toContain('sk-pasted');
  });
});
