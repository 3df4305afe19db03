// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { SettingsPage } from '../../../../renderer/src/pages/settings/SettingsPage.js';
import { ApiError } from '../../../../renderer/src/api/api-error.js';
import { fakeApi, sampleSettings } from '../../fake-api.js';

afterEach(cleanup);

describe('SettingsPage', () => {
  it('shows the live settings and what was fixed at start, marked restart-required', async () => {
    render(<SettingsPage api={fakeApi({ settings: async () => sampleSettings({ allowed_origins: ['http://localhost:3000'] }) })} desktop={false} />);
    expect(((await screen.findByLabelText('Keep request logs for (days)')) as HTMLInputElement).value).toBe('30');
    expect((screen.getByLabelText('Log request and response bodies') as HTMLInputElement).checked).toBe(false);
    expect(screen.getByText('http://localhost:3000')).toBeTruthy();
    const server = screen.getByRole('region', { name: 'Server' });
    expect(within(server).getAllByText('Changing this needs a restart')).toHaveLength(2);
    expect(server.textContent).toContain('127.0.0.1:4141');
    expect(server.textContent).toContain('LAN accessOff');
    expect(server.textContent).toContain('Desktop app only');
  });

  it('saves retention, body logging and origins in one update', async () => {
    const api = fakeApi();
    render(<SettingsPage api={api} desktop={false} />);
    fireEvent.change(await screen.findByLabelText('Keep request logs for (days)'), { target: { value: '7' } });
    fireEvent.click(screen.getByLabelText('Log request and response bodies'));
    fireEvent.change(screen.getByLabelText('Add an origin'), { target: { value: 'http://localhost:5173/' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add' }));
    fireEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    expect(await screen.findByText('Saved.')).toBeTruthy();
    expect(api.updateSettings).toHaveBeenCalledWith({ retention_days: 7, body_logging: true, allowed_origins: ['http://localhost:5173'] });
  });

  it.each(['*', 'null', 'http://localhost:3000/app', 'localhost:3000', 'file:///x'])('refuses %j as an origin before sending anything', async (origin) => {
    const api = fakeApi();
    render(<SettingsPage api={api} desktop={false} />);
    fireEvent.change(await screen.findByLabelText('Add an origin'), { target: { value: origin } });
    fireEvent.click(screen.getByRole('button', { name: 'Add' }));
    expect((await screen.findByRole('alert')).textContent).toContain('exact origin');
    expect(screen.getByText('None: no web page can call the gateway.')).toBeTruthy();
  });

  it('removes an origin', async () => {
    const api = fakeApi({ settings: async () => sampleSettings({ allowed_origins: ['http://localhost:3000'] }) });
    render(<SettingsPage api={api} desktop={false} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Remove http://localhost:3000' }));
    fireEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    await screen.findByText('Saved.');
    expect(api.updateSettings).toHaveBeenCalledWith({ retention_days: 30, body_logging: false, allowed_origins: [] });
  });

  it('refuses a retention outside 1 to 3650 days', async () => {
    const api = fakeApi();
    render(<SettingsPage api={api} desktop={false} />);
    fireEvent.change(await screen.findByLabelText('Keep request logs for (days)'), { target: { value: '0' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    expect((await screen.findByRole('alert')).textContent).toContain('1 to 3650 days');
    expect(api.updateSettings).not.toHaveBeenCalled();
  });

  it("shows the gateway's reason when it refuses the update", async () => {
    const api = fakeApi({
      updateSettings: async () => {
        throw new ApiError(503, 'storage_busy', 'The database is busy; try again');
      },
    });
    render(<SettingsPage api={api} desktop={false} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Save settings' }));
    expect((await screen.findByRole('alert')).textContent).toContain('The database is busy');
    expect(screen.queryByText('Saved.')).toBeNull();
  });

  it('explains that LAN access needs an admin key and keeps the checks', async () => {
    render(<SettingsPage api={fakeApi()} desktop={true} />);
    const server = await screen.findByRole('region', { name: 'Server' });
    expect(server.textContent).toContain('--host 0.0.0.0: this needs an admin key, and the Host/Origin checks stay on');
    expect(server.textContent).toContain('Start at loginSwitched in the tray menu');
  });

  describe('Ollama-compatible API', () => {
    const withOllama = (ollama: { allow_without_key: boolean; models: string[]; listener_port: number | null }) => fakeApi({
      settings: async () => sampleSettings({ ollama_api: ollama }),
      activeModel: async () => ({ alias: 'switchboard/active', model: 'cheap', aliases: {}, models: ['cheap', 'premium'] }),
    });

    it('turns keyless access on with the chosen models, saving only its own fields', async () => {
      const api = withOllama({ allow_without_key: false, models: [], listener_port: null });
      render(<SettingsPage api={api} desktop={false} />);
      const section = await screen.findByRole('form', { name: 'Ollama-compatible API' });
      const cheap = (await within(section).findByLabelText('cheap')) as HTMLInputElement;
      expect(cheap.disabled).toBe(true);
      fireEvent.click(within(section).getByLabelText('Let apps on this machine use it without a key'));
      expect(cheap.disabled).toBe(false);
      fireEvent.click(cheap);
      fireEvent.click(within(section).getByRole('button', { name: 'Save Ollama settings' }));
      expect(await within(section).findByText('Saved.')).toBeTruthy();
      expect(api.updateSettings).toHaveBeenCalledWith({ ollama_api: { allow_without_key: true, models: ['cheap'] } });
    });

    it('explains the trade-off and that the listener port needs a restart', async () => {
      render(<SettingsPage api={withOllama({ allow_without_key: true, models: ['premium'], listener_port: 11434 })} desktop={false} />);
      const section = await screen.findByRole('form', { name: 'Ollama-compatible API' });
      expect(section.textContent).toContain('any program on this machine can use the models ticked below without a key, and spend on them');
      expect(section.textContent).toContain('None ticked means none');
      expect(section.textContent).toContain('On, http://127.0.0.1:11434');
      expect(section.textContent).toContain('--ollama-port 11434');
      expect(((await within(section).findByLabelText('premium')) as HTMLInputElement).checked).toBe(true);
      expect((within(section).getByLabelText('cheap') as HTMLInputElement).checked).toBe(false);
    });

    it('unticks a model and saves the shorter list', async () => {
      const api = withOllama({ allow_without_key: true, models: ['premium', 'cheap'], listener_port: null });
      render(<SettingsPage api={api} desktop={false} />);
      const section = await screen.findByRole('form', { name: 'Ollama-compatible API' });
      fireEvent.click(await within(section).findByLabelText('premium'));
      fireEvent.click(within(section).getByRole('button', { name: 'Save Ollama settings' }));
      await within(section).findByText('Saved.');
      expect(api.updateSettings).toHaveBeenCalledWith({ ollama_api: { allow_without_key: true, models: ['cheap'] } });
    });
  });

  describe('Only allowed apps may call', () => {
    // A gateway that keeps what is saved: the page reloads the settings after a save.
    const withSetting = (on: boolean, adminKeySet = false) => {
      let current = on;
      const view = () => sampleSettings({ only_allowed_apps: current, server: { host: '127.0.0.1', port: 4141, lan_access: false, admin_key_set: adminKeySet } });
      return fakeApi({
        settings: async () => view(),
        updateSettings: async (patch) => {
          if (patch.only_allowed_apps !== undefined) current = patch.only_allowed_apps;
          return view();
        },
      });
    };

    it('turns it on, saving only its own field, and says what it does and its limits', async () => {
      const api = withSetting(false);
      render(<SettingsPage api={api} desktop={false} />);
      const section = await screen.findByRole('form', { name: 'Apps without a key' });
      const box = within(section).getByLabelText('Only allowed apps may call') as HTMLInputElement;
      expect(box.checked).toBe(false);
      expect(section.textContent).toContain('refused unless its app is marked allowed on the Apps page');
      expect(section.textContent).toContain('not a security boundary');
      expect(section.textContent).toContain('same user');
      fireEvent.click(box);
      fireEvent.click(within(section).getByRole('button', { name: 'Save' }));
      await waitFor(() => expect(api.settings).toHaveBeenCalledTimes(2));
      // Still saying so after the settings were read again with the new value.
      expect(await within(screen.getByRole('form', { name: 'Apps without a key' })).findByText('Saved.')).toBeTruthy();
      expect((within(screen.getByRole('form', { name: 'Apps without a key' })).getByLabelText('Only allowed apps may call') as HTMLInputElement).checked).toBe(true);
      expect(api.updateSettings).toHaveBeenCalledWith({ only_allowed_apps: true });
    });

    it('says it applies only in open mode when an admin key is set', async () => {
      render(<SettingsPage api={withSetting(true, true)} desktop={false} />);
      const section = await screen.findByRole('form', { name: 'Apps without a key' });
      expect((within(section).getByLabelText('Only allowed apps may call') as HTMLInputElement).checked).toBe(true);
      expect(section.textContent).toContain('applies only while the gateway is open');
    });

    it('is not shown by a gateway that does not report the setting', async () => {
      render(<SettingsPage api={fakeApi()} desktop={false} />);
      await screen.findByRole('form', { name: 'Data and access' });
      expect(screen.queryByRole('form', { name: 'Apps without a key' })).toBeNull();
    });
  });
});
