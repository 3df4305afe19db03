import { describe, expect, it, vi } from 'vitest';
import { createTrayActionHandler, type TrayActionDeps } from '../../../main/app/tray-actions.js';
import type { TrayState } from '../../../main/app/tray-menu-template.js';

const state: TrayState = { status: 'running', address: '127.0.0.1:4141', activeModel: 'a', models: ['a', 'b'], today: null, startAtLogin: false, notifyNewApps: true, error: null };

function setup(platform: NodeJS.Platform = 'linux') {
  const controller = {
    state: () => state,
    switchModel: vi.fn(async () => undefined),
    pause: vi.fn(async () => undefined),
    start: vi.fn(async () => undefined),
    usePort: vi.fn(async () => undefined),
    setStartAtLogin: vi.fn((enabled: boolean) => enabled),
    setNotifyNewApps: vi.fn((enabled: boolean) => enabled),
  };
  const deps = {
    controller,
    platform,
    writeClipboard: vi.fn(),
    openDashboard: vi.fn(),
    openPath: vi.fn(),
    quit: vi.fn(),
    log: { warn: vi.fn() },
  } satisfies TrayActionDeps;
  return { deps, handler: createTrayActionHandler(deps) };
}

describe('tray-actions', () => {
  it('copies the OpenAI base URL', () => {
    const { deps, handler } = setup();
    handler.onTrayAction({ type: 'copy-base-url' });
    expect(deps.writeClipboard).toHaveBeenCalledWith('http://127.0.0.1:4141/v1');
  });

  it('copies the setup snippet in the platform\'s shell syntax', () => {
    const { deps, handler } = setup('win32');
    handler.onTrayAction({ type: 'copy-setup-snippet' });
    expect(deps.writeClipboard.mock.calls[0]![0]).toContain('$env:OPENAI_BASE_URL = "http://127.0.0.1:4141/v1"');
  });

  it('switches, pauses, resumes, toggles start-at-login and quits through the controller', () => {
    const { deps, handler } = setup();
    handler.onTrayAction({ type: 'switch-model', model: 'b' });
    handler.onTrayAction({ type: 'pause' });
    handler.onTrayAction({ type: 'resume' });
    handler.onTrayAction({ type: 'set-start-at-login', enabled: true });
    handler.onTrayAction({ type: 'open-dashboard' });
    handler.onTrayAction({ type: 'quit' });
    expect(deps.controller.switchModel).toHaveBeenCalledWith('b');
    expect(deps.controller.pause).toHaveBeenCalled();
    expect(deps.controller.start).toHaveBeenCalled();
    expect(deps.controller.setStartAtLogin).toHaveBeenCalledWith(true);
    expect(deps.openDashboard).toHaveBeenCalled();
    expect(deps.quit).toHaveBeenCalled();
  });

  it('switches the new-app notification through the controller, and opens the dashboard when one is clicked', () => {
    const { deps, handler } = setup();
    handler.onTrayAction({ type: 'set-notify-new-apps', enabled: false });
    expect(deps.controller.setNotifyNewApps).toHaveBeenCalledWith(false);
    expect(deps.openDashboard).not.toHaveBeenCalled();
    handler.onNotificationClick({ kind: 'new-app', app: 'sync_notes.py' });
    expect(deps.openDashboard).toHaveBeenCalledTimes(1);
  });

  it('applies a fix from the menu or from the notification', () => {
    const { deps, handler } = setup();
    handler.onTrayAction({ type: 'apply-fix', fix: { kind: 'use-port', port: 4142 } });
    expect(deps.controller.usePort).toHaveBeenCalledWith(4142);
    handler.onNotificationClick({ kind: 'start-failed', failure: { kind: 'config', message: 'x', fix: { kind: 'open-config', file: '/c.yaml' } } });
    expect(deps.openPath).toHaveBeenCalledWith('/c.yaml');
    handler.onNotificationClick({ kind: 'start-failed', failure: { kind: 'other', message: 'x', fix: null } });
    expect(deps.controller.usePort).toHaveBeenCalledTimes(1);
  });

  it('opens the dashboard from a budget notification, and does nothing for a switch confirmation', () => {
    const { deps, handler } = setup();
    handler.onNotificationClick({ kind: 'model-switched', model: 'b' });
    expect(deps.openDashboard).not.toHaveBeenCalled();
    handler.onNotificationClick({ kind: 'budget', alert: { keyId: 'k', app: 'Cursor', level: 80, spendMicros: 8, maxBudgetMicros: 10 } });
    expect(deps.openDashboard).toHaveBeenCalledTimes(1);
  });

  it('logs a failed action instead of leaving a rejected promise', async () => {
    const { deps, handler } = setup();
    deps.controller.pause.mockRejectedValueOnce(new Error('busy'));
    handler.onTrayAction({ type: 'pause' });
    await expect(deps.controller.pause.mock.results[0]!.value).rejects.toThrow('busy');
    await Promise.resolve(); // the handler's catch runs one microtask later
    expect(deps.log.warn).toHaveBeenCalledWith({ err: expect.any(Error) }, 'pausing the gateway failed');
  });

  it('from a not-running notice, applies the fix, or starts the gateway, or waits while it is starting', () => {
    const { deps, handler } = setup();
    handler.onNotificationClick({ kind: 'not-running', status: 'error', message: 'Port 4141 is in use.', fix: { kind: 'use-port', port: 4142 } });
    expect(deps.controller.usePort).toHaveBeenCalledWith(4142);
    handler.onNotificationClick({ kind: 'not-running', status: 'paused', message: null, fix: null });
    handler.onNotificationClick({ kind: 'not-running', status: 'error', message: 'keychain', fix: null });
    expect(deps.controller.start).toHaveBeenCalledTimes(2);
    handler.onNotificationClick({ kind: 'not-running', status: 'starting', message: null, fix: null });
    expect(deps.controller.start).toHaveBeenCalledTimes(2);
  });
});
