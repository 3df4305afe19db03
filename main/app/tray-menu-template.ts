// The tray menu as a pure function of the app's state: status line, today's usage and its top
// apps, the Active model radio list, and the actions. Clicking an item dispatches a TrayAction; this module
// never performs one. Only types come from 'electron', so it is tested without Electron.
import type { MenuItemConstructorOptions } from 'electron';
import { formatUsd } from '../../shared/format-usd.js';
import type { StartFailureFix } from './gateway-start-failure.js';

/** One app's requests and spend today (the app as the gateway names it in Usage). */
export interface AppUsageToday {
  app: string;
  requests: number;
  spendMicros: number;
}

export type GatewayStatus = 'starting' | 'running' | 'paused' | 'stopping' | 'error';

export interface TrayState {
  status: GatewayStatus;
  /** `127.0.0.1:4141`: where the gateway listens (or will, or did). */
  address: string;
  /** The group `switchboard/active` points at; null when unknown or none is configured. */
  activeModel: string | null;
  /** The model groups, in config order. */
  models: readonly string[];
  /** Today's totals (local day) and, when read, each app's share; null until the first read succeeds. */
  today: { requests: number; spendMicros: number; apps?: readonly AppUsageToday[] } | null;
  startAtLogin: boolean;
  /** Whether a desktop notification says so the first time a new app calls (app preferences). */
  notifyNewApps: boolean;
  /** Set in status 'error'. */
  error: { message: string; fix: StartFailureFix | null } | null;
}

export type TrayAction =
  | { type: 'switch-model'; model: string }
  | { type: 'open-dashboard' }
  | { type: 'copy-base-url' }
  | { type: 'copy-setup-snippet' }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'apply-fix'; fix: StartFailureFix }
  | { type: 'set-start-at-login'; enabled: boolean }
  | { type: 'set-notify-new-apps'; enabled: boolean }
  | { type: 'quit' };

export type TrayIconName = 'tray-running' | 'tray-paused' | 'tray-error';

/** Above this many model groups the radio list moves into a submenu, so the menu fits on screen. */
export const INLINE_MODEL_LIMIT = 10;
const MAX_LABEL = 60;
/** The apps listed under the today line; the rest are counted ("and 3 more"). */
export const TRAY_APP_LIMIT = 5;

export function trayIconName(status: GatewayStatus): TrayIconName {
  switch (status) {
    case 'running':
      return 'tray-running';
    case 'error':
      return 'tray-error';
    case 'starting':
    case 'paused':
    case 'stopping':
      return 'tray-paused';
  }
}

export function statusLine(state: TrayState): string {
  switch (state.status) {
    case 'starting':
      return `Starting on ${state.address}…`;
    case 'running':
      return `Running on ${state.address}`;
    case 'paused':
      return `Paused (${state.address} is not listening)`;
    case 'stopping':
      return 'Stopping…';
    case 'error':
      return `Not running: ${clip(state.error?.message ?? 'the gateway failed')}`;
  }
}

export function usageLine(today: TrayState['today']): string | null {
  if (today === null) return null;
  return `Today: ${countRequests(today.requests)} · ${formatUsd(today.spendMicros)}`;
}

/**
 * The lines under the today line: the top apps by spend, then requests (a free local model's apps
 * cost nothing, so requests order them), as `sync_notes.py — 12 requests · $0.03`, then
 * "and N more" for the rest. Apps with no request today are not listed.
 */
export function appUsageLines(apps: readonly AppUsageToday[] | undefined): string[] {
  const called = (apps ?? []).filter((a) => a.requests > 0);
  const ranked = [...called].sort((a, b) => b.spendMicros - a.spendMicros || b.requests - a.requests || a.app.localeCompare(b.app));
  const lines = ranked.slice(0, TRAY_APP_LIMIT).map((a) => {
    const name = a.app === '' ? '(unnamed)' : clip(a.app);
    return `${name} — ${countRequests(a.requests)} · ${formatUsd(a.spendMicros)}`;
  });
  const more = ranked.length - TRAY_APP_LIMIT;
  if (more > 0) lines.push(`and ${more} more`);
  return lines;
}

export function trayTooltip(state: TrayState): string {
  return `Switchboard: ${statusLine(state)}`;
}

export function buildTrayMenuTemplate(state: TrayState, dispatch: (action: TrayAction) => void): MenuItemConstructorOptions[] {
  const running = state.status === 'running';
  const item = (label: string, action: TrayAction, extra: MenuItemConstructorOptions = {}): MenuItemConstructorOptions => ({
    label,
    click: () => dispatch(action),
    ...extra,
  });

  const template: MenuItemConstructorOptions[] = [{ label: statusLine(state), enabled: false }];
  const usage = running ? usageLine(state.today) : null;
  if (usage !== null) {
    template.push({ label: usage, enabled: false });
    for (const line of appUsageLines(state.today?.apps)) template.push({ label: line, enabled: false });
  }
  template.push({ type: 'separator' });

  template.push(...activeModelItems(state, dispatch));
  template.push({ type: 'separator' });

  template.push(item('Open dashboard', { type: 'open-dashboard' }, { enabled: running }));
  // The address is known in every state, so these work while paused too (to set a tool up).
  template.push(item('Copy base URL', { type: 'copy-base-url' }));
  template.push(item('Copy setup snippet', { type: 'copy-setup-snippet' }));
  template.push({ type: 'separator' });

  switch (state.status) {
    case 'running':
      template.push(item('Pause gateway', { type: 'pause' }));
      break;
    case 'paused':
      template.push(item('Resume gateway', { type: 'resume' }));
      break;
    case 'error':
      if (state.error?.fix) template.push(item(fixLabel(state.error.fix), { type: 'apply-fix', fix: state.error.fix }));
      template.push(item('Try again', { type: 'resume' }));
      break;
    case 'starting':
    case 'stopping':
      template.push({ label: 'Pause gateway', enabled: false });
      break;
  }
  template.push(item('Start at login', { type: 'set-start-at-login', enabled: !state.startAtLogin }, { type: 'checkbox', checked: state.startAtLogin }));
  template.push(item('Notify when a new app calls', { type: 'set-notify-new-apps', enabled: !state.notifyNewApps }, { type: 'checkbox', checked: state.notifyNewApps }));
  template.push({ type: 'separator' });
  template.push(item('Quit Switchboard', { type: 'quit' }, { accelerator: 'CommandOrControl+Q' }));
  return template;
}

export function fixLabel(fix: StartFailureFix): string {
  return fix.kind === 'use-port' ? `Start on port ${fix.port} instead` : 'Open the config file';
}

function activeModelItems(state: TrayState, dispatch: (action: TrayAction) => void): MenuItemConstructorOptions[] {
  const running = state.status === 'running';
  if (state.models.length === 0) {
    return [{ label: running ? 'Active model: none configured' : 'Active model', enabled: false }];
  }
  const radios: MenuItemConstructorOptions[] = state.models.map((model) => ({
    label: clip(model),
    type: 'radio',
    checked: model === state.activeModel,
    // Switching needs the gateway's store; while it is down the list shows the last known state.
    enabled: running,
    click: () => {
      // A radio click on the checked item is not a switch.
      if (model !== state.activeModel) dispatch({ type: 'switch-model', model });
    },
  }));
  if (state.models.length > INLINE_MODEL_LIMIT) {
    const current = state.activeModel === null ? '' : `: ${clip(state.activeModel)}`;
    return [{ label: `Active model${current}`, submenu: radios }];
  }
  return [{ label: 'Active model', enabled: false }, ...radios];
}

function countRequests(requests: number): string {
  return requests === 1 ? '1 request' : `${requests.toLocaleString('en-US')} requests`;
}

function clip(text: string): string {
  return text.length > MAX_LABEL ? `${text.slice(0, MAX_LABEL - 1)}…` : text;
}
