// The notification glue with 'electron' mocked.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { AppNotification } from '../../../main/app/app-notifications.js';

const electron = vi.hoisted(() => {
  class FakeNotification {
    static supported = true;
    static shown: FakeNotification[] = [];
    static isSupported = () => FakeNotification.supported;
    listeners = new Map<string, (...args: unknown[]) => void>();
    constructor(public options: { title: string; body: string; silent?: boolean; icon?: string }) {}
    on(event: string, listener: (...args: unknown[]) => void) {
      this.listeners.set(event, listener);
    }
    show() {
      FakeNotification.shown.push(this);
    }
  }
  return { FakeNotification };
});

vi.mock('electron', () => ({ Notification: electron.FakeNotification }));

const { createNotifier } = await import('../../../main/app/notifier.js');

const portInUse: AppNotification = { kind: 'start-failed', failure: { kind: 'port-in-use', message: 'Port 4141 is in use.', fix: { kind: 'use-port', port: 4142 } } };

describe('notifier', () => {
  beforeEach(() => {
    electron.FakeNotification.shown = [];
    electron.FakeNotification.supported = true;
  });

  it('shows the text and reports a click with the notification it came from', () => {
    const onClick = vi.fn();
    createNotifier({ iconPath: '/icon.png', onClick, log: { warn: vi.fn() } })(portInUse);
    const shown = electron.FakeNotification.shown[0]!;
    expect(shown.options).toEqual({ title: 'Switchboard could not start', body: 'Port 4141 is in use. Click to start on port 4142 instead.', icon: '/icon.png', silent: false });
    shown.listeners.get('click')!();
    expect(onClick).toHaveBeenCalledWith(portInUse);
  });

  it('confirms a model switch silently', () => {
    createNotifier({ onClick: vi.fn(), log: { warn: vi.fn() } })({ kind: 'model-switched', model: 'b' });
    expect(electron.FakeNotification.shown[0]!.options.silent).toBe(true);
  });

  it('does nothing where notifications are not supported', () => {
    electron.FakeNotification.supported = false;
    createNotifier({ onClick: vi.fn(), log: { warn: vi.fn() } })(portInUse);
    expect(electron.FakeNotification.shown).toEqual([]);
  });

  it('logs a notification Windows could not show (the \'failed\' event), naming its kind', () => {
    const warn = vi.fn();
    createNotifier({ onClick: vi.fn(), log: { warn } })(portInUse);
    electron.FakeNotification.shown[0]!.listeners.get('failed')!({}, 'The notification platform is unavailable.');
    expect(warn).toHaveBeenCalledWith({ kind: 'start-failed', error: 'The notification platform is unavailable.' }, 'a notification could not be shown');
  });
});
