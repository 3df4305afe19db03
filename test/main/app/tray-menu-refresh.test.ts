import { describe, expect, it } from 'vitest';
import { LINUX_COUNTER_REFRESH_MS, planTrayMenuUpdate, trayMenuMode } from '../../../main/app/tray-menu-refresh.js';
import type { TrayState } from '../../../main/app/tray-menu-template.js';

const running: TrayState = { status: 'running', address: '127.0.0.1:4141', activeModel: 'a', models: ['a', 'b'], today: { requests: 3, spendMicros: 10 }, startAtLogin: false, notifyNewApps: true, error: null };
const busier: TrayState = { ...running, today: { requests: 4, spendMicros: 12 } };

describe('tray-menu-refresh', () => {
  it('builds the Windows menu when it opens, and never replaces one', () => {
    expect(trayMenuMode('win32')).toBe('build-on-open');
    expect(planTrayMenuUpdate('win32', null, running, 0)).toEqual({ kind: 'keep' });
    expect(planTrayMenuUpdate('win32', running, { ...running, activeModel: 'b' }, 0)).toEqual({ kind: 'keep' });
  });

  it.each(['linux', 'darwin'] as const)('sets the %s menu in advance, and replaces it at once when more than the counters changed', (platform) => {
    expect(trayMenuMode(platform)).toBe('set-in-advance');
    expect(planTrayMenuUpdate(platform, null, running, 0)).toEqual({ kind: 'rebuild' });
    expect(planTrayMenuUpdate(platform, running, { ...busier, activeModel: 'b' }, 1)).toEqual({ kind: 'rebuild' });
    expect(planTrayMenuUpdate(platform, running, { ...running, status: 'paused', today: null }, 1)).toEqual({ kind: 'rebuild' });
    expect(planTrayMenuUpdate(platform, running, { ...running }, 1)).toEqual({ kind: 'keep' });
  });

  it('on Linux picks up new counters at most once a minute, and says when to ask again', () => {
    expect(planTrayMenuUpdate('linux', running, busier, 5_000)).toEqual({ kind: 'rebuild-later', inMs: LINUX_COUNTER_REFRESH_MS - 5_000 });
    expect(planTrayMenuUpdate('linux', running, busier, LINUX_COUNTER_REFRESH_MS)).toEqual({ kind: 'rebuild' });
  });

  it("treats today's per-app lines as counters (Linux: at most once a minute), and the new-app switch as a real change", () => {
    const withApps: TrayState = { ...running, today: { ...running.today!, apps: [{ app: 'sync_notes.py', requests: 3, spendMicros: 10 }] } };
    const moreApps: TrayState = { ...running, today: { ...running.today!, apps: [{ app: 'sync_notes.py', requests: 3, spendMicros: 10 }, { app: 'QwenCode', requests: 1, spendMicros: 0 }] } };
    expect(planTrayMenuUpdate('linux', withApps, moreApps, 5_000)).toEqual({ kind: 'rebuild-later', inMs: LINUX_COUNTER_REFRESH_MS - 5_000 });
    expect(planTrayMenuUpdate('linux', withApps, { ...withApps, notifyNewApps: false }, 5_000)).toEqual({ kind: 'rebuild' });
  });

  it('on Linux shows the first counters after a start at once', () => {
    expect(planTrayMenuUpdate('linux', { ...running, today: null }, running, 10)).toEqual({ kind: 'rebuild' });
  });

  it('on macOS replaces the menu for new counters too (an open menu-bar menu stays open)', () => {
    expect(planTrayMenuUpdate('darwin', running, busier, 10)).toEqual({ kind: 'rebuild' });
  });
});
