import { describe, expect, it, vi } from 'vitest';
import { createAppController, startOfLocalDay, type AppControllerDeps, type GatewayEvents } from '../../../main/app/app-controller.js';
import type { AppNotification } from '../../../main/app/app-notifications.js';
import type { KeyBudget } from '../../../main/metering/budget-thresholds.js';
import type { GatewayClient } from '../../../main/app/gateway-client.js';
import type { StartedGateway } from '../../../main/app/launch-gateway.js';
import type { TrayState } from '../../../main/app/tray-menu-template.js';
import { captureLog } from '../storage/storage-test-kit.js';

const NOW = Date.UTC(2026, 2, 15, 12, 0, 0);

/** A gateway whose management API is a small in-memory model of the real one. */
function fakeGateway(port: number) {
  const server = {
    active: 'gpt-4o' as string | null,
    models: ['gpt-4o', 'llama3.2'],
    today: { requests: 3, spendMicros: 1_500, apps: [{ app: 'sync_notes.py', requests: 3, spendMicros: 1_500 }] },
    budgets: [] as KeyBudget[],
    failActiveModel: null as Error | null,
    /** When set, GET /active-model waits for it (a slow read). */
    activeModelGate: null as Promise<void> | null,
    closed: 0,
    closedNow: 0,
    flushed: 0,
    usageQueries: [] as [number, number][],
  };
  const client: GatewayClient = {
    activeModel: async () => {
      if (server.activeModelGate) await server.activeModelGate;
      if (server.failActiveModel) throw server.failActiveModel;
      return { model: server.active, models: [...server.models] };
    },
    switchModel: async (model) => {
      if (!server.models.includes(model)) throw new Error(`There is no model group "${model}"`);
      server.active = model;
      return { model, models: [...server.models] };
    },
    usage: async (start, end) => {
      server.usageQueries.push([start, end]);
      return { ...server.today };
    },
    keyBudgets: async () => server.budgets.map((b) => ({ ...b })),
  };
  const gateway: StartedGateway = {
    url: `http://127.0.0.1:${port}`,
    port,
    adminKey: 'sk-admin-x',
    adminKeySource: 'keychain',
    inject: async () => ({ statusCode: 500, body: '' }),
    close: async () => {
      server.closed += 1;
    },
    closeNow: () => {
      server.closedNow += 1;
    },
    flushUsage: () => {
      server.flushed += 1;
    },
  };
  return { server, client, gateway };
}

function setup(options: { launch?: AppControllerDeps['launch']; notifyNewApps?: boolean } = {}) {
  const gateways: ReturnType<typeof fakeGateway>[] = [];
  const notifications: AppNotification[] = [];
  const states: TrayState[] = [];
  const ticks: (() => void)[] = [];
  const cancelled: number[] = [];
  const log = captureLog();
  let loginEnabled = false;
  /** What each launch was told to report to (the gateway calls onNewApp on an app's first call). */
  const events: GatewayEvents[] = [];
  const deps: AppControllerDeps = {
    launch: options.launch ?? (async (port, reporting) => {
      const created = fakeGateway(port);
      gateways.push(created);
      events.push(reporting);
      return created.gateway;
    }),
    port: 4141,
    savePort: vi.fn(),
    startAtLogin: { isEnabled: () => loginEnabled, setEnabled: (on) => (loginEnabled = on) },
    notifyNewApps: options.notifyNewApps ?? true,
    saveNotifyNewApps: vi.fn(),
    notify: (n) => notifications.push(n),
    configFile: null,
    log,
    now: () => NOW,
    startOfDay: () => NOW - 12 * 3_600_000,
    schedule: (tick) => {
      const index = ticks.push(tick) - 1;
      return () => cancelled.push(index);
    },
    createClient: (g) => gateways.find((x) => x.gateway === g)!.client,
  };
  const controller = createAppController(deps);
  controller.subscribe((s) => states.push(s));
  /** Runs the latest poll tick, as the interval would. */
  const tick = async () => {
    ticks.at(-1)!();
    await controller.refresh();
  };
  return { controller, deps, gateways, notifications, states, ticks, cancelled, log, tick, events };
}

/** Lets every queued promise callback run (no timers involved). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

const errno = (code: string) => Object.assign(new Error(`listen ${code}`), { code, syscall: 'listen' });

describe('app-controller', () => {
  it('starts the gateway and shows it running with the active model and today\'s usage', async () => {
    const { controller, states, ticks, gateways } = setup();
    expect(controller.session()).toBeNull();
    await controller.start();
    expect(states.map((s) => s.status)).toEqual(['starting', 'running', 'running']);
    expect(controller.state()).toEqual({
      status: 'running', address: '127.0.0.1:4141', activeModel: 'gpt-4o', models: ['gpt-4o', 'llama3.2'],
      today: { requests: 3, spendMicros: 1_500, apps: [{ app: 'sync_notes.py', requests: 3, spendMicros: 1_500 }] }, startAtLogin: false, notifyNewApps: true, error: null,
    });
    expect(controller.session()).toEqual({ gatewayUrl: 'http://127.0.0.1:4141', adminKey: 'sk-admin-x' });
    expect(ticks).toHaveLength(1);
    // "Today" runs from the start of the local day to now, inclusive.
    expect(gateways[0]!.server.usageQueries[0]).toEqual([NOW - 12 * 3_600_000, NOW + 1]);
  });

  it('picks up a model switched in the dashboard on the next poll, without a notification', async () => {
    const { controller, gateways, notifications, tick } = setup();
    await controller.start();
    gateways[0]!.server.active = 'llama3.2';
    await tick();
    expect(controller.state().activeModel).toBe('llama3.2');
    expect(notifications).toEqual([]);
  });

  it('does not re-emit the state when a poll finds nothing new (an open tray menu stays open)', async () => {
    const { controller, states, tick } = setup();
    await controller.start();
    const before = states.length;
    await tick();
    await tick();
    expect(states.length).toBe(before);
  });

  it('switches the model through the API, updates the menu and confirms it', async () => {
    const { controller, gateways, notifications } = setup();
    await controller.start();
    await controller.switchModel('llama3.2');
    expect(gateways[0]!.server.active).toBe('llama3.2');
    expect(controller.state().activeModel).toBe('llama3.2');
    expect(notifications).toEqual([{ kind: 'model-switched', model: 'llama3.2' }]);
  });

  it('reports a switch the gateway refuses, and keeps the old model', async () => {
    const { controller, notifications } = setup();
    await controller.start();
    await controller.switchModel('gone');
    expect(controller.state().activeModel).toBe('gpt-4o');
    expect(notifications).toEqual([{ kind: 'switch-failed', model: 'gone', message: 'There is no model group "gone"' }]);
  });

  it('ignores a switch while the gateway is not running', async () => {
    const { controller, notifications } = setup();
    await controller.switchModel('llama3.2');
    expect(notifications).toEqual([]);
  });

  it('shows a port conflict as an error with the fix, and notifies', async () => {
    const { controller, notifications, log } = setup({ launch: async () => Promise.reject(errno('EADDRINUSE')) });
    await controller.start();
    expect(controller.state().status).toBe('error');
    expect(controller.state().error).toEqual({ message: 'Port 4141 on 127.0.0.1 is already in use (another Switchboard, or another program).', fix: { kind: 'use-port', port: 4142 } });
    expect(notifications).toEqual([{ kind: 'start-failed', failure: { kind: 'port-in-use', message: expect.any(String), fix: { kind: 'use-port', port: 4142 } } }]);
    expect(log.lines.some((l) => l.level === 'error')).toBe(true);
    expect(controller.session()).toBeNull();
  });

  it('applies the port fix: remembers the port and starts on it', async () => {
    let attempts = 0;
    const ports: number[] = [];
    const harness = setup({
      launch: async (port) => {
        ports.push(port);
        attempts += 1;
        if (attempts === 1) throw errno('EADDRINUSE');
        const created = fakeGateway(port);
        harness.gateways.push(created);
        return created.gateway;
      },
    });
    await harness.controller.start();
    await harness.controller.usePort(4142);
    expect(ports).toEqual([4141, 4142]);
    expect(harness.deps.savePort).toHaveBeenCalledWith(4142);
    expect(harness.controller.state()).toMatchObject({ status: 'running', address: '127.0.0.1:4142', error: null });
  });

  it('pauses: closes the gateway (usage flushed, database closed), stops polling, then resumes', async () => {
    const { controller, gateways, cancelled, states } = setup();
    await controller.start();
    await controller.pause();
    expect(gateways[0]!.server.closed).toBe(1);
    expect(cancelled).toEqual([0]);
    expect(controller.state()).toMatchObject({ status: 'paused', today: null });
    expect(states.map((s) => s.status)).toEqual(['starting', 'running', 'running', 'stopping', 'paused']);
    expect(controller.session()).toBeNull();
    await controller.start();
    expect(gateways).toHaveLength(2);
    expect(controller.state().status).toBe('running');
  });

  it('runs a Resume clicked during a Pause after the Pause has closed the gateway', async () => {
    const events: string[] = [];
    const harness = setup({
      launch: async (port) => {
        events.push(`launch ${port}`);
        const created = fakeGateway(port);
        harness.gateways.push(created);
        return created.gateway;
      },
    });
    const { controller, gateways } = harness;
    await controller.start();
    let releaseClose!: () => void;
    gateways[0]!.gateway.close = () => {
      events.push('close begins');
      return new Promise<void>((resolve) => (releaseClose = () => {
        events.push('close ends');
        resolve();
      }));
    };
    const pausing = controller.pause();
    const resuming = controller.start();
    await settle();
    releaseClose();
    await Promise.all([pausing, resuming]);
    expect(events).toEqual(['launch 4141', 'close begins', 'close ends', 'launch 4141']);
    expect(controller.state().status).toBe('running');
  });

  it('discards a poll that answers after the gateway was paused', async () => {
    const { controller, gateways } = setup();
    await controller.start();
    let answer!: () => void;
    gateways[0]!.server.activeModelGate = new Promise<void>((resolve) => (answer = resolve));
    gateways[0]!.server.active = 'llama3.2';
    const polling = controller.refresh();
    await controller.pause();
    answer();
    await polling;
    expect(controller.state()).toMatchObject({ status: 'paused', activeModel: 'gpt-4o' });
  });

  it('notifies each app crossing 80% and 100% of its budget once', async () => {
    const { controller, gateways, notifications, tick } = setup();
    await controller.start();
    const server = gateways[0]!.server;
    server.budgets = [{ keyId: 'key_1', app: 'Cursor', spendMicros: 8_000_000, maxBudgetMicros: 10_000_000 }];
    await tick();
    await tick();
    server.budgets[0]!.spendMicros = 10_000_000;
    await tick();
    expect(notifications.map((n) => (n.kind === 'budget' ? [n.alert.app, n.alert.level] : n.kind))).toEqual([['Cursor', 80], ['Cursor', 100]]);
  });

  it('keeps the last known state when a poll fails, and logs the failure once', async () => {
    const { controller, gateways, log, tick } = setup();
    await controller.start();
    gateways[0]!.server.failActiveModel = new Error('database is locked');
    gateways[0]!.server.today = { requests: 4, spendMicros: 2_000, apps: [] };
    await tick();
    await tick();
    expect(controller.state()).toMatchObject({ status: 'running', activeModel: 'gpt-4o', today: { requests: 4 } });
    expect(log.lines.filter((l) => l.msg === 'tray refresh failed')).toHaveLength(1);
  });

  it('stops for quit: closes the gateway and stops polling', async () => {
    const { controller, gateways, cancelled } = setup();
    await controller.start();
    await controller.stop();
    expect(gateways[0]!.server.closed).toBe(1);
    expect(cancelled).toEqual([0]);
    await controller.start();
    expect(gateways).toHaveLength(1); // nothing starts after quit
  });

  it('closes a gateway that finishes starting after quit was requested', async () => {
    let finishLaunch!: (g: StartedGateway) => void;
    const late = fakeGateway(4141);
    const { controller } = setup({ launch: () => new Promise((resolve) => (finishLaunch = resolve)) });
    const starting = controller.start();
    await settle();
    expect(controller.state().status).toBe('starting');
    const stopping = controller.stop();
    finishLaunch(late.gateway);
    await Promise.all([starting, stopping]);
    expect(late.server.closed).toBe(1);
    expect(controller.session()).toBeNull();
  });

  it('stops at once for a system shutdown, even behind a start still in progress, and starts nothing afterwards', async () => {
    const { controller, gateways, cancelled } = setup();
    await controller.start();
    controller.stopNow();
    expect(gateways[0]!.server.closedNow).toBe(1);
    expect(cancelled).toEqual([0]);
    expect(controller.session()).toBeNull();
    await controller.start();
    expect(gateways).toHaveLength(1);
  });

  it('writes the running gateway\'s queued usage on request, and does nothing while none runs', async () => {
    const { controller, gateways } = setup();
    controller.flushNow();
    await controller.start();
    controller.flushNow();
    expect(gateways[0]!.server.flushed).toBe(1);
    expect(gateways[0]!.server.closed).toBe(0);
  });

  it('turns start-at-login on and off and shows it in the menu state', () => {
    const { controller } = setup();
    expect(controller.setStartAtLogin(true)).toBe(true);
    expect(controller.state().startAtLogin).toBe(true);
    expect(controller.setStartAtLogin(false)).toBe(false);
  });

  it('keeps the setting shown when the platform refuses the change', () => {
    const { controller, deps, log } = setup();
    deps.startAtLogin.setEnabled = () => {
      throw new Error('not allowed');
    };
    expect(controller.setStartAtLogin(true)).toBe(false);
    expect(log.lines.some((l) => l.msg === 'could not change the start-at-login setting')).toBe(true);
  });

  it('says so the first time a new app calls, until the user switches it off (saved), and again once switched back on', async () => {
    const { controller, events, notifications, deps } = setup();
    await controller.start();
    events[0]!.onNewApp('sync_notes.py');
    expect(notifications).toEqual([{ kind: 'new-app', app: 'sync_notes.py' }]);
    expect(controller.setNotifyNewApps(false)).toBe(false);
    expect(deps.saveNotifyNewApps).toHaveBeenLastCalledWith(false);
    expect(controller.state().notifyNewApps).toBe(false);
    // The gateway it was started with reads the switch at call time: no restart needed.
    events[0]!.onNewApp('claude');
    expect(notifications).toHaveLength(1);
    controller.setNotifyNewApps(true);
    events[0]!.onNewApp('qwen');
    expect(notifications.at(-1)).toEqual({ kind: 'new-app', app: 'qwen' });
  });

  it('starts with the new-app notification off when the saved preference says so', async () => {
    const { controller, events, notifications } = setup({ notifyNewApps: false });
    expect(controller.state().notifyNewApps).toBe(false);
    await controller.start();
    events[0]!.onNewApp('sync_notes.py');
    expect(notifications).toEqual([]);
  });

  it('keeps the new-app switch in effect when saving it fails, and says so in the log', () => {
    const { controller, deps, log } = setup();
    vi.mocked(deps.saveNotifyNewApps).mockImplementation(() => {
      throw new Error('EACCES');
    });
    expect(controller.setNotifyNewApps(false)).toBe(false);
    expect(controller.state().notifyNewApps).toBe(false);
    expect(log.lines.map((l) => l.msg)).toContain('could not save the new-app notification setting');
  });

  it('computes the start of the local day', () => {
    const noon = new Date(2026, 2, 15, 12, 34, 56).getTime();
    expect(startOfLocalDay(noon)).toBe(new Date(2026, 2, 15).getTime());
  });
});
