// The tray glue with 'electron' mocked: the icon file per status, the tooltip, and the menu built
// from buildTrayMenuTemplate, when tray-menu-refresh.ts says (an open menu replaced closes).
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { usageLine, type TrayState } from '../../../main/app/tray-menu-template.js';

const electron = vi.hoisted(() => {
  class FakeTray {
    static created: FakeTray[] = [];
    images: string[] = [];
    tooltip = '';
    menu: { template: Array<{ label?: string; click?: () => void }> } | undefined;
    menusSet = 0;
    poppedUp: Array<{ template: Array<{ label?: string; click?: () => void }> }> = [];
    listeners = new Map<string, () => void>();
    destroyed = false;
    constructor(image: { path: string }) {
      this.images.push(image.path);
      FakeTray.created.push(this);
    }
    setImage(image: { path: string }) {
      this.images.push(image.path);
    }
    setToolTip(text: string) {
      this.tooltip = text;
    }
    setContextMenu(menu: { template: Array<{ label?: string; click?: () => void }> }) {
      this.menu = menu;
      this.menusSet += 1;
    }
    popUpContextMenu(menu: { template: Array<{ label?: string; click?: () => void }> }) {
      this.poppedUp.push(menu);
    }
    on(event: string, listener: () => void) {
      this.listeners.set(event, listener);
    }
    destroy() {
      this.destroyed = true;
    }
  }
  return {
    FakeTray,
    nativeImage: { createFromPath: vi.fn((path: string) => ({ path })) },
    Menu: { buildFromTemplate: (template: unknown[]) => ({ template }) },
  };
});

vi.mock('electron', () => ({ Tray: electron.FakeTray, nativeImage: electron.nativeImage, Menu: electron.Menu }));

const { createAppTray } = await import('../../../main/app/tray.js');

const state: TrayState = { status: 'starting', address: '127.0.0.1:4141', activeModel: null, models: [], today: null, startAtLogin: false, notifyNewApps: true, error: null };

describe('tray', () => {
  beforeEach(() => {
    electron.FakeTray.created = [];
    electron.nativeImage.createFromPath.mockClear();
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('shows the icon, tooltip and menu for each state it is given', () => {
    const dispatch = vi.fn();
    const tray = createAppTray({ iconDir: '/assets/tray', platform: 'linux', dispatch, initial: state });
    const fake = electron.FakeTray.created[0]!;
    expect(fake.images.at(-1)).toBe(join('/assets/tray', 'tray-paused.png'));
    expect(fake.tooltip).toBe('Switchboard: Starting on 127.0.0.1:4141…');

    tray.update({ ...state, status: 'running', activeModel: 'a', models: ['a', 'b'] });
    expect(fake.images.at(-1)).toBe(join('/assets/tray', 'tray-running.png'));
    expect(fake.menu!.template[0]!.label).toBe('Running on 127.0.0.1:4141');
    fake.menu!.template.find((i) => i.label === 'b')!.click!();
    expect(dispatch).toHaveBeenCalledWith({ type: 'switch-model', model: 'b' });

    tray.update({ ...state, status: 'error', error: { message: 'port busy', fix: null } });
    expect(fake.images.at(-1)).toBe(join('/assets/tray', 'tray-error.png'));
    // Each icon file is loaded once and reused.
    expect(electron.nativeImage.createFromPath).toHaveBeenCalledTimes(3);
    tray.destroy();
    expect(fake.destroyed).toBe(true);
  });

  it('opens the dashboard on a left click on Windows only', () => {
    const dispatch = vi.fn();
    createAppTray({ iconDir: '/i', platform: 'win32', dispatch, initial: state });
    electron.FakeTray.created[0]!.listeners.get('click')!();
    expect(dispatch).toHaveBeenCalledWith({ type: 'open-dashboard' });
    createAppTray({ iconDir: '/i', platform: 'darwin', dispatch, initial: state });
    expect(electron.FakeTray.created[1]!.listeners.has('click')).toBe(false);
  });

  it('on Windows builds the menu when it is right-clicked, from the latest state, and never replaces an open one', () => {
    const tray = createAppTray({ iconDir: '/i', platform: 'win32', dispatch: vi.fn(), initial: { ...state, status: 'running' } });
    const fake = electron.FakeTray.created[0]!;
    tray.update({ ...state, status: 'running', today: { requests: 1, spendMicros: 0 } });
    tray.update({ ...state, status: 'running', today: { requests: 2, spendMicros: 0 } });
    expect(fake.menusSet).toBe(0);
    fake.listeners.get('right-click')!();
    expect(fake.poppedUp).toHaveLength(1);
    expect(fake.poppedUp[0]!.template.map((i) => i.label)).toContain(usageLine({ requests: 2, spendMicros: 0 }));
  });

  it('on Linux keeps an open menu while only the counters change, and shows them within a minute', () => {
    vi.useFakeTimers();
    let now = 1_000_000;
    const running: TrayState = { ...state, status: 'running', today: { requests: 1, spendMicros: 0 } };
    const tray = createAppTray({ iconDir: '/i', platform: 'linux', dispatch: vi.fn(), initial: running, now: () => now });
    const fake = electron.FakeTray.created[0]!;
    expect(fake.menusSet).toBe(1);
    now += 5_000;
    tray.update({ ...running, today: { requests: 2, spendMicros: 0 } });
    now += 5_000;
    tray.update({ ...running, today: { requests: 3, spendMicros: 0 } });
    expect(fake.menusSet).toBe(1);
    // Something other than the counters: at once, with the latest counters.
    tray.update({ ...running, today: { requests: 3, spendMicros: 0 }, startAtLogin: true });
    expect(fake.menusSet).toBe(2);
    now += 1_000;
    tray.update({ ...running, today: { requests: 4, spendMicros: 0 }, startAtLogin: true });
    expect(fake.menusSet).toBe(2);
    now += 59_000;
    vi.advanceTimersByTime(59_000);
    expect(fake.menusSet).toBe(3);
    expect(fake.menu!.template.map((i) => i.label)).toContain(usageLine({ requests: 4, spendMicros: 0 }));
    tray.destroy();
  });

  it('ignores states that arrive after the icon was removed (quit hides it before the gateway has stopped)', () => {
    const tray = createAppTray({ iconDir: '/i', platform: 'linux', dispatch: vi.fn(), initial: state });
    const fake = electron.FakeTray.created[0]!;
    tray.destroy();
    const images = fake.images.length;
    tray.update({ ...state, status: 'stopping' });
    expect(fake.images).toHaveLength(images);
    tray.destroy();
    expect(fake.destroyed).toBe(true);
  });
});
