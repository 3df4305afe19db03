// The desktop app's state machine, without Electron: starts, pauses and resumes the in-process
// gateway, keeps the tray state (status, address, active model, today's usage) fresh by polling
// the management API, switches the model through that API, and raises the notifications (budgets,
// and a new app's first call unless the user switched that off). The
// Electron glue renders its state and forwards clicks. Lifecycle operations run one at a time.
import type { Log } from '../storage/log.js';
import { checkBudgets, type BudgetLevel } from '../metering/budget-thresholds.js';
import type { AppNotification } from './app-notifications.js';
import { createGatewayClient, type GatewayClient } from './gateway-client.js';
import { describeStartFailure } from './gateway-start-failure.js';
import { DESKTOP_HOST, type StartedGateway } from './launch-gateway.js';
import type { StartAtLogin } from './start-at-login.js';
import type { TrayState } from './tray-menu-template.js';

/** The tray refreshes this often: a switch made in the dashboard shows up within this time. */
export const POLL_INTERVAL_MS = 5_000;

/** What the gateway reports to the app while it runs. */
export interface GatewayEvents {
  /** An app name the gateway has never seen before made its first call (once per name, ever). */
  onNewApp(name: string): void;
}

export interface AppControllerDeps {
  launch(port: number, events: GatewayEvents): Promise<StartedGateway>;
  /** The port to start on first. */
  port: number;
  /** Remembers a port the user chose (after a conflict) for the next start. */
  savePort(port: number): void;
  startAtLogin: StartAtLogin;
  /** The saved "Notify when a new app calls" preference (on unless switched off). */
  notifyNewApps: boolean;
  /** Remembers that preference for the next start. */
  saveNotifyNewApps(enabled: boolean): void;
  notify(notification: AppNotification): void;
  configFile: string | null;
  log: Log;
  now(): number;
  /** Start of the local day containing `now` (epoch ms). */
  startOfDay(now: number): number;
  /** Runs `tick` every `intervalMs` until the returned function is called. */
  schedule(tick: () => void, intervalMs: number): () => void;
  createClient?: (gateway: StartedGateway) => GatewayClient;
  pollIntervalMs?: number;
}

export interface AppController {
  state(): TrayState;
  /** Called with the new state whenever it changes (not on every poll). */
  subscribe(listener: (state: TrayState) => void): () => void;
  /** The running gateway's origin and admin key, or null while it is not running. */
  session(): { gatewayUrl: string; adminKey: string } | null;
  /** Starts the gateway (first start, Resume, Try again). */
  start(): Promise<void>;
  pause(): Promise<void>;
  /** Saves the port and restarts on it (the fix offered for a port conflict). */
  usePort(port: number): Promise<void>;
  switchModel(model: string): Promise<void>;
  setStartAtLogin(enabled: boolean): boolean;
  /** Switches the new-app notification on or off (saved); returns the setting now in effect. */
  setNotifyNewApps(enabled: boolean): boolean;
  /** One poll: active model, today's usage, budgets. */
  refresh(): Promise<void>;
  /** For quit: stops polling and closes the gateway (flush usage, close the database, stop the server). */
  stop(): Promise<void>;
  /** For a system shutdown: stops polling, writes queued usage and closes the database synchronously. */
  stopNow(): void;
  /** Writes the running gateway's queued usage synchronously (Windows may end the session without a quit). */
  flushNow(): void;
}

interface Current {
  gateway: StartedGateway;
  client: GatewayClient;
}

export function startOfLocalDay(now: number): number {
  const day = new Date(now);
  day.setHours(0, 0, 0, 0);
  return day.getTime();
}

export function createAppController(deps: AppControllerDeps): AppController {
  const createClient = deps.createClient ?? ((g: StartedGateway) => createGatewayClient({ inject: g.inject, port: g.port, adminKey: g.adminKey }));
  const listeners = new Set<(state: TrayState) => void>();
  let port = deps.port;
  let state: TrayState = {
    status: 'paused',
    address: `${DESKTOP_HOST}:${port}`,
    activeModel: null,
    models: [],
    today: null,
    startAtLogin: safeStartAtLogin(),
    notifyNewApps: deps.notifyNewApps,
    error: null,
  };
  let lastEmitted = '';
  let current: Current | null = null;
  let cancelPoll: (() => void) | null = null;
  let refreshing: Promise<void> | null = null;
  let stopped = false;
  let announced: ReadonlyMap<string, BudgetLevel> = new Map();
  let lastRefreshError: string | null = null;
  // Lifecycle operations (start, pause, port change, stop) are chained: a Resume clicked while a
  // Pause is still closing the database waits for it instead of racing it for the port.
  let queue: Promise<void> = Promise.resolve();
  const serial = (operation: () => Promise<void>): Promise<void> => {
    const next = queue.then(operation, operation);
    queue = next.catch(() => undefined);
    return next;
  };

  function safeStartAtLogin(): boolean {
    try {
      return deps.startAtLogin.isEnabled();
    } catch (error) {
      deps.log.warn({ err: error }, 'could not read the start-at-login setting');
      return false;
    }
  }

  function update(change: Partial<TrayState>): void {
    state = { ...state, ...change };
    // Rebuilding a tray menu closes it if it is open (Windows, Linux): only emit real changes.
    const serialized = JSON.stringify(state);
    if (serialized === lastEmitted) return;
    lastEmitted = serialized;
    for (const listener of listeners) listener(state);
  }

  function stopPolling(): void {
    cancelPoll?.();
    cancelPoll = null;
  }

  async function closeCurrent(): Promise<void> {
    stopPolling();
    const closing = current;
    current = null;
    if (closing === null) return;
    try {
      await closing.gateway.close();
    } catch (error) {
      deps.log.error({ err: error }, 'error while stopping the gateway');
    }
  }

  async function startOn(target: number): Promise<void> {
    if (stopped) return;
    await closeCurrent();
    port = target;
    update({ status: 'starting', address: `${DESKTOP_HOST}:${port}`, error: null, today: null });
    let gateway: StartedGateway;
    try {
      gateway = await deps.launch(port, events);
    } catch (error) {
      const failure = describeStartFailure(error, { host: DESKTOP_HOST, port, configFile: deps.configFile });
      deps.log.error({ err: error, kind: failure.kind, port }, 'the gateway failed to start');
      update({ status: 'error', error: { message: failure.message, fix: failure.fix } });
      deps.notify({ kind: 'start-failed', failure });
      return;
    }
    if (stopped) {
      // Quit was requested while starting: do not leave a server and a database open.
      await gateway.close();
      return;
    }
    current = { gateway, client: createClient(gateway) };
    port = gateway.port;
    update({ status: 'running', address: `${DESKTOP_HOST}:${gateway.port}`, error: null });
    await refresh();
    if (current?.gateway === gateway && !stopped) {
      cancelPoll = deps.schedule(() => void refresh(), deps.pollIntervalMs ?? POLL_INTERVAL_MS);
    }
  }

  // Read at call time, so switching the notification off takes effect without a restart.
  const events: GatewayEvents = {
    onNewApp(name) {
      if (state.notifyNewApps && !stopped) deps.notify({ kind: 'new-app', app: name });
    },
  };

  function refresh(): Promise<void> {
    // One poll at a time: a slow read is not stacked by the next tick.
    refreshing ??= (async () => {
      const polled = current;
      if (polled === null) return;
      const now = deps.now();
      const [active, usage, budgets] = await Promise.allSettled([
        polled.client.activeModel(),
        polled.client.usage(deps.startOfDay(now), now + 1),
        polled.client.keyBudgets(),
      ]);
      // The gateway was paused or restarted meanwhile: these answers describe the old one.
      if (current !== polled) return;
      const change: Partial<TrayState> = {};
      if (active.status === 'fulfilled') {
        change.activeModel = active.value.model;
        change.models = active.value.models;
      }
      if (usage.status === 'fulfilled') change.today = usage.value;
      update(change);
      if (budgets.status === 'fulfilled') {
        const result = checkBudgets(budgets.value, announced);
        announced = result.announced;
        for (const alert of result.alerts) deps.notify({ kind: 'budget', alert });
      }
      const failed = [active, usage, budgets].find((r): r is PromiseRejectedResult => r.status === 'rejected');
      const message = failed === undefined ? null : String((failed.reason as Error)?.message ?? failed.reason);
      // Log a failing poll once, not every five seconds.
      if (message !== null && message !== lastRefreshError) deps.log.warn({ error: message }, 'tray refresh failed');
      lastRefreshError = message;
    })().finally(() => {
      refreshing = null;
    });
    return refreshing;
  }

  return {
    state: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    session: () => (current === null ? null : { gatewayUrl: current.gateway.url, adminKey: current.gateway.adminKey }),
    start: () => serial(() => startOn(port)),
    pause: () =>
      serial(async () => {
        if (current === null) return;
        update({ status: 'stopping' });
        await closeCurrent();
        update({ status: 'paused', today: null });
      }),
    usePort: (target) =>
      serial(async () => {
        deps.savePort(target);
        await startOn(target);
      }),
    async switchModel(model) {
      const target = current;
      if (target === null || model === state.activeModel) return;
      try {
        const view = await target.client.switchModel(model);
        if (current === target) update({ activeModel: view.model, models: view.models });
        deps.notify({ kind: 'model-switched', model: view.model ?? model });
      } catch (error) {
        deps.log.warn({ err: error, model }, 'switching the active model failed');
        deps.notify({ kind: 'switch-failed', model, message: (error as Error).message ?? String(error) });
      }
    },
    setStartAtLogin(enabled) {
      let now = state.startAtLogin;
      try {
        now = deps.startAtLogin.setEnabled(enabled);
      } catch (error) {
        deps.log.warn({ err: error }, 'could not change the start-at-login setting');
      }
      update({ startAtLogin: now });
      return now;
    },
    setNotifyNewApps(enabled) {
      try {
        deps.saveNotifyNewApps(enabled);
      } catch (error) {
        // Still in effect until the app quits; only the next start forgets it.
        deps.log.warn({ err: error }, 'could not save the new-app notification setting');
      }
      update({ notifyNewApps: enabled });
      return enabled;
    },
    refresh,
    stop() {
      // Set at once, not in the queue: a start still waiting for the port sees it and closes
      // what it opened instead of leaving a server running behind a quitting app.
      stopped = true;
      stopPolling();
      return serial(async () => {
        if (current !== null) update({ status: 'stopping' });
        await closeCurrent();
      });
    },
    stopNow() {
      // No queue: a system shutdown cannot wait for a start or a pause in progress. A start that
      // finishes later sees `stopped` and closes what it opened.
      stopped = true;
      stopPolling();
      const closing = current;
      current = null;
      closing?.gateway.closeNow();
    },
    flushNow() {
      current?.gateway.flushUsage();
    },
  };
}
