// The dashboard window's preload: exposes `window.switchboard`, the few named calls of
// SwitchboardBridge, through contextBridge. A sandboxed preload runs as CommonJS and can load no
// file of ours, so channel names are repeated here and checked against the contract by the type
// checker. Never exposes ipcRenderer itself or a generic invoke(channel, ...).
import electron = require('electron');
import type { BridgeCall, IpcChannel, SwitchboardBridge } from './ipc-contract.js';

const channels = {
  adminSession: 'switchboard:admin-session',
  getAppInfo: 'switchboard:get-app-info',
  openExternal: 'switchboard:open-external',
  setStartAtLogin: 'switchboard:set-start-at-login',
} as const satisfies Record<BridgeCall, IpcChannel>;

const invoke = electron.ipcRenderer.invoke.bind(electron.ipcRenderer);

// Each call passes exactly its own arguments, unconverted: the main process is the one that
// validates them (zod) and checks which frame sent them.
const bridge: SwitchboardBridge = {
  adminSession: () => invoke(channels.adminSession),
  getAppInfo: () => invoke(channels.getAppInfo),
  openExternal: (url: string) => invoke(channels.openExternal, url),
  setStartAtLogin: (enabled: boolean) => invoke(channels.setStartAtLogin, enabled),
};

electron.contextBridge.exposeInMainWorld('switchboard', Object.freeze(bridge));
