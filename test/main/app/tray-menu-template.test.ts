import { describe, expect, it, vi } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import {
  INLINE_MODEL_LIMIT,
  TRAY_APP_LIMIT,
  appUsageLines,
  buildTrayMenuTemplate,
  trayIconName,
  trayTooltip,
  type GatewayStatus,
  type TrayAction,
  type TrayState,
} from '../../../main/app/tray-menu-template.js';

const running: TrayState = {
  status: 'running',
  address: '127.0.0.1:4141',
  activeModel: 'gpt-4o',
  models: ['gpt-4o', 'claude-sonnet', 'llama3.2'],
  today: { requests: 42, spendMicros: 1_234_567 },
  startAtLogin: false, notifyNewApps: true,
  error: null,
};

function build(state: TrayState) {
  const dispatch = vi.fn<(action: TrayAction) => void>();
  return { template: buildTrayMenuTemplate(state, dispatch), dispatch };
}

const labels = (template: MenuItemConstructorOptions[]) => template.filter((i) => i.type !== 'separator').map((i) => i.label);
const find = (template: MenuItemConstructorOptions[], label: string) => {
  const found = template.find((i) => i.label === label);
  if (!found) throw new Error(`no item "${label}" in ${JSON.stringify(labels(template))}`);
  return found;
};
const click = (item: MenuItemConstructorOptions) => (item.click as () => void)();

describe('tray-menu-template', () => {
  it('shows a running gateway: address, today\'s usage, the model radio list and every action', () => {
    const { template } = build(running);
    expect(labels(template)).toEqual([
      'Running on 127.0.0.1:4141',
      'Today: 42 requests · $1.23',
      'Active model',
      'gpt-4o',
      'claude-sonnet',
      'llama3.2',
      'Open dashboard',
      'Copy base URL',
      'Copy setup snippet',
      'Pause gateway',
      'Start at login',
      'Notify when a new app calls',
      'Quit Switchboard',
    ]);
    expect(template[0]!.enabled).toBe(false);
    expect(template[1]!.enabled).toBe(false);
  });

  it('checks the active model and only it', () => {
    const { template } = build(running);
    const radios = template.filter((i) => i.type === 'radio');
    expect(radios.map((r) => [r.label, r.checked, r.enabled])).toEqual([
      ['gpt-4o', true, true],
      ['claude-sonnet', false, true],
      ['llama3.2', false, true],
    ]);
  });

  it('switches the model when another radio item is clicked', () => {
    const { template, dispatch } = build(running);
    click(find(template, 'claude-sonnet'));
    expect(dispatch).toHaveBeenCalledWith({ type: 'switch-model', model: 'claude-sonnet' });
  });

  it('does not switch when the already active model is clicked', () => {
    const { template, dispatch } = build(running);
    click(find(template, 'gpt-4o'));
    expect(dispatch).not.toHaveBeenCalled();
  });

  it('reflects a model switched elsewhere (the dashboard) when rebuilt from the new state', () => {
    const { template } = build({ ...running, activeModel: 'llama3.2' });
    expect(template.filter((i) => i.type === 'radio' && i.checked).map((i) => i.label)).toEqual(['llama3.2']);
  });

  it.each<[string, TrayAction]>([
    ['Open dashboard', { type: 'open-dashboard' }],
    ['Copy base URL', { type: 'copy-base-url' }],
    ['Copy setup snippet', { type: 'copy-setup-snippet' }],
    ['Pause gateway', { type: 'pause' }],
    ['Start at login', { type: 'set-start-at-login', enabled: true }],
    ['Notify when a new app calls', { type: 'set-notify-new-apps', enabled: false }],
    ['Quit Switchboard', { type: 'quit' }],
  ])('"%s" dispatches %o', (label, action) => {
    const { template, dispatch } = build(running);
    click(find(template, label));
    expect(dispatch).toHaveBeenCalledWith(action);
  });

  it('shows Start at login as a checkbox that turns it off when checked', () => {
    const { template, dispatch } = build({ ...running, startAtLogin: true });
    const item = find(template, 'Start at login');
    expect(item.type).toBe('checkbox');
    expect(item.checked).toBe(true);
    click(item);
    expect(dispatch).toHaveBeenCalledWith({ type: 'set-start-at-login', enabled: false });
  });

  it('shows a paused gateway: no usage line, models visible but disabled, Resume instead of Pause', () => {
    const { template, dispatch } = build({ ...running, status: 'paused', today: null });
    expect(template[0]!.label).toBe('Paused (127.0.0.1:4141 is not listening)');
    expect(labels(template)).not.toContain('Pause gateway');
    expect(template.filter((i) => i.type === 'radio').every((r) => r.enabled === false)).toBe(true);
    expect(find(template, 'Open dashboard').enabled).toBe(false);
    // The address is still known, so a tool can be set up while paused.
    expect(find(template, 'Copy base URL').enabled).not.toBe(false);
    click(find(template, 'Resume gateway'));
    expect(dispatch).toHaveBeenCalledWith({ type: 'resume' });
  });

  it('shows a port conflict with the fix offered, and Try again', () => {
    const { template, dispatch } = build({
      ...running,
      status: 'error',
      today: null,
      error: { message: 'Port 4141 on 127.0.0.1 is already in use (another Switchboard, or another program).', fix: { kind: 'use-port', port: 4142 } },
    });
    expect(template[0]!.label).toMatch(/^Not running: Port 4141 on 127\.0\.0\.1 is already in use/);
    expect(template[0]!.label!.length).toBeLessThanOrEqual('Not running: '.length + 60);
    click(find(template, 'Start on port 4142 instead'));
    expect(dispatch).toHaveBeenCalledWith({ type: 'apply-fix', fix: { kind: 'use-port', port: 4142 } });
    click(find(template, 'Try again'));
    expect(dispatch).toHaveBeenCalledWith({ type: 'resume' });
  });

  it('offers to open the config file when the config is broken', () => {
    const { template, dispatch } = build({ ...running, status: 'error', error: { message: 'bad yaml', fix: { kind: 'open-config', file: '/c/config.yaml' } } });
    click(find(template, 'Open the config file'));
    expect(dispatch).toHaveBeenCalledWith({ type: 'apply-fix', fix: { kind: 'open-config', file: '/c/config.yaml' } });
  });

  it.each<[GatewayStatus, string]>([
    ['starting', 'Starting on 127.0.0.1:4141…'],
    ['stopping', 'Stopping…'],
  ])('while %s, shows "%s" and a disabled Pause', (status, line) => {
    const { template } = build({ ...running, status });
    expect(template[0]!.label).toBe(line);
    expect(find(template, 'Pause gateway').enabled).toBe(false);
    expect(labels(template)).not.toContain('Resume gateway');
  });

  it('says when no model is configured', () => {
    const { template } = build({ ...running, models: [], activeModel: null });
    expect(labels(template)).toContain('Active model: none configured');
    expect(template.some((i) => i.type === 'radio')).toBe(false);
  });

  it(`moves more than ${INLINE_MODEL_LIMIT} models into a submenu named after the active one`, () => {
    const models = Array.from({ length: INLINE_MODEL_LIMIT + 1 }, (_, i) => `model-${i}`);
    const { template, dispatch } = build({ ...running, models, activeModel: 'model-3' });
    const submenu = find(template, 'Active model: model-3').submenu as MenuItemConstructorOptions[];
    expect(submenu).toHaveLength(models.length);
    click(submenu[5]!);
    expect(dispatch).toHaveBeenCalledWith({ type: 'switch-model', model: 'model-5' });
  });

  it('clips very long model names in labels but switches to the full name', () => {
    const long = `openrouter/${'x'.repeat(100)}`;
    const { template, dispatch } = build({ ...running, models: ['a', long] });
    const item = template.find((i) => i.type === 'radio' && i.label !== 'a')!;
    expect(item.label!.length).toBe(60);
    click(item);
    expect(dispatch).toHaveBeenCalledWith({ type: 'switch-model', model: long });
  });

  it.each([
    [{ requests: 0, spendMicros: 0 }, 'Today: 0 requests · $0.00'],
    [{ requests: 1, spendMicros: 420 }, 'Today: 1 request · $0.00042'],
    [{ requests: 2, spendMicros: 9_999 }, 'Today: 2 requests · $0.01'],
    [{ requests: 3, spendMicros: 1_234_567 }, 'Today: 3 requests · $1.23'],
    [{ requests: 12_345, spendMicros: 1_500_000_000 }, 'Today: 12,345 requests · $1,500.00'],
  ])('words today\'s usage %o as "%s"', (today, line) => {
    expect(labels(build({ ...running, today }).template)[1]).toBe(line);
  });

  it('lists today\'s top apps under the today line, by spend then requests, disabled like it', () => {
    const apps = [
      { app: 'curl', requests: 40, spendMicros: 0 },
      { app: 'sync_notes.py', requests: 12, spendMicros: 30_000 },
      { app: 'Claude Code', requests: 3, spendMicros: 1_250_000 },
      { app: 'QwenCode', requests: 1, spendMicros: 0 },
    ];
    const { template } = build({ ...running, today: { requests: 56, spendMicros: 1_280_000, apps } });
    expect(labels(template).slice(0, 7)).toEqual([
      'Running on 127.0.0.1:4141',
      'Today: 56 requests · $1.28',
      'Claude Code — 3 requests · $1.25',
      'sync_notes.py — 12 requests · $0.03',
      'curl — 40 requests · $0.00',
      'QwenCode — 1 request · $0.00',
      'Active model',
    ]);
    expect(template.slice(0, 6).every((i) => i.enabled === false && i.click === undefined)).toBe(true);
  });

  it('lists five apps and counts the rest as "and N more"; an app with no request today is not listed', () => {
    const apps = Array.from({ length: 8 }, (_, i) => ({ app: `tool-${i}`, requests: i + 1, spendMicros: 0 }));
    const lines = appUsageLines([...apps, { app: 'idle', requests: 0, spendMicros: 0 }]);
    expect(lines).toEqual([
      'tool-7 — 8 requests · $0.00',
      'tool-6 — 7 requests · $0.00',
      'tool-5 — 6 requests · $0.00',
      'tool-4 — 5 requests · $0.00',
      'tool-3 — 4 requests · $0.00',
      'and 3 more',
    ]);
    expect(appUsageLines(apps.slice(0, TRAY_APP_LIMIT))).toHaveLength(TRAY_APP_LIMIT);
    expect(appUsageLines(undefined)).toEqual([]);
  });

  it('clips a long app name and names an empty one', () => {
    const [long, empty] = appUsageLines([
      { app: 'x'.repeat(100), requests: 2, spendMicros: 10 },
      { app: '', requests: 1, spendMicros: 0 },
    ]);
    expect(long).toBe(`${'x'.repeat(59)}… — 2 requests · <$0.0001`);
    expect(empty).toBe('(unnamed) — 1 request · $0.00');
  });

  it('shows no app lines while paused, like the today line', () => {
    const apps = [{ app: 'sync_notes.py', requests: 12, spendMicros: 30_000 }];
    const paused = labels(build({ ...running, status: 'paused', today: { requests: 12, spendMicros: 30_000, apps } }).template);
    expect(paused.some((l) => l?.startsWith('sync_notes.py'))).toBe(false);
  });

  it('shows "Notify when a new app calls" as a checkbox that turns it on when unchecked', () => {
    const { template, dispatch } = build({ ...running, notifyNewApps: false });
    const item = find(template, 'Notify when a new app calls');
    expect(item.type).toBe('checkbox');
    expect(item.checked).toBe(false);
    click(item);
    expect(dispatch).toHaveBeenCalledWith({ type: 'set-notify-new-apps', enabled: true });
  });

  it('omits the usage line until usage has been read', () => {
    expect(labels(build({ ...running, today: null }).template)[1]).toBe('Active model');
  });

  it.each<[GatewayStatus, string]>([
    ['running', 'tray-running'],
    ['paused', 'tray-paused'],
    ['starting', 'tray-paused'],
    ['stopping', 'tray-paused'],
    ['error', 'tray-error'],
  ])('uses the %s icon %s', (status, icon) => {
    expect(trayIconName(status)).toBe(icon);
  });

  it('puts the status in the tooltip', () => {
    expect(trayTooltip(running)).toBe('Switchboard: Running on 127.0.0.1:4141');
  });
});
