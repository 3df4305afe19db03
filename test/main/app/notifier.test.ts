// The notification glue with 'electron' mocked.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { AppNotification } from '../../../main/app/app-notifications.js';

const electron = vi.hoisted(() => {
  class FakeNotification {
    static supported = true;
    static shown: FakeNotification[] = [];
    static isSupported = () => FakeNotification.supported;
    listeners = new Map<string, () => void>();
    constructor(public options: { title: string; body: string; silent?: boolean; icon?: string }) {}
    on(event: string, listener: () => void) {
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
    createNotifier({ iconPath: '/icon.png', onClick })(portInUse);
    const shown = electron.FakeNotification.shown[0]!;
    expect(shown.options).toEqual({ title: 'Switchboard could not start', body: 'Port 4141 is in use. Click to start on port 4142 instead.', icon: '/icon.png', silent: false });
    shown.listeners.get('click')!();
    expect(onClick).toHaveBeenCalledWith(portInUse);
  });

  it('confirms a model switch silently', () => {
    createNotifier({ onClick: vi.fn() })({ kind: 'model-switched', model: 'b' });
    expect(electron.FakeNotification.shown[0]!.options.silent).toBe(true);
  });

  it('does nothing where notifications are not supported', () => {
    electron.FakeNotification.supported = false;
    createNotifier({ onClick: vi.fn() })(portInUse);
    expect(electron.FakeNotification.shown).toEqual([]);
  });
});
