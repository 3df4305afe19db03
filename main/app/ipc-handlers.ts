// The main-process side of the preload bridge: one handler per named call, each with a zod
// schema for its arguments and a sender check (the calling frame must be the top frame of a
// window we opened, showing the gateway's own origin). Security checklist S34. Never hands out
// a provider key, never accepts a channel name from the renderer; only types come from 'electron'.
import { z } from 'zod';
import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { IPC_CHANNELS, type AdminSession, type AppInfo, type BridgeCall, type SwitchboardBridge } from './ipc-contract.js';
import { isAppUrl, isSafeExternalUrl, MAX_URL_LENGTH, type AppOrigin } from './navigation-policy.js';

/** Argument tuples, exactly: a missing, extra or mistyped argument is refused. */
export const IPC_ARGUMENT_SCHEMAS = {
  adminSession: z.tuple([]),
  getAppInfo: z.tuple([]),
  openExternal: z.tuple([z.string().min(1).max(MAX_URL_LENGTH)]),
  setStartAtLogin: z.tuple([z.boolean()]),
} as const satisfies Record<BridgeCall, z.ZodType<unknown[]>>;

export interface IpcSender {
  /** webContents id of the sender, to check it is one of our windows. */
  webContentsId: number;
  /** URL of the frame that sent the message; undefined when the frame is gone. */
  frameUrl: string | undefined;
  /** True when the sending frame is the top frame (not an iframe). */
  isMainFrame: boolean;
}

export interface IpcHandlerDeps {
  /** The gateway origin the dashboard is loaded from; null while the gateway is not running. */
  appOrigin(): AppOrigin;
  /** True for the webContents of windows this app opened. */
  isOwnWebContents(id: number): boolean;
  /** The admin key in effect; null while the gateway is not running. Only the app's own dashboard gets it. */
  adminKey(): string | null;
  appInfo(): AppInfo;
  openExternal(url: string): Promise<void>;
  setStartAtLogin(enabled: boolean): boolean;
  log?: { warn(details: object, message: string): void };
}

export class IpcRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IpcRefusedError';
  }
}

export type IpcHandlers = {
  [K in BridgeCall]: (sender: IpcSender, args: readonly unknown[]) => Promise<Awaited<ReturnType<SwitchboardBridge[K]>>>;
};

/** Refuses a call unless it comes from the top frame of our own window, on the gateway origin. */
export function checkSender(sender: IpcSender, deps: Pick<IpcHandlerDeps, 'appOrigin' | 'isOwnWebContents'>): void {
  if (!deps.isOwnWebContents(sender.webContentsId)) throw new IpcRefusedError('IPC call refused: not a Switchboard window');
  if (!sender.isMainFrame) throw new IpcRefusedError('IPC call refused: sent from a subframe');
  if (sender.frameUrl === undefined || !isAppUrl(sender.frameUrl, deps.appOrigin())) {
    throw new IpcRefusedError('IPC call refused: the sender is not the Switchboard dashboard');
  }
}

function parseArgs<K extends BridgeCall>(call: K, args: readonly unknown[]): z.infer<(typeof IPC_ARGUMENT_SCHEMAS)[K]> {
  const result = IPC_ARGUMENT_SCHEMAS[call].safeParse(args);
  if (!result.success) throw new IpcRefusedError(`IPC call refused: invalid arguments for ${call}`);
  return result.data as z.infer<(typeof IPC_ARGUMENT_SCHEMAS)[K]>;
}

export function createIpcHandlers(deps: IpcHandlerDeps): IpcHandlers {
  // Every handler runs the same two checks first; a refusal is logged (without the arguments,
  // which could be anything the page chose to send) and thrown back to the caller.
  function guarded<K extends BridgeCall, R>(call: K, body: (args: z.infer<(typeof IPC_ARGUMENT_SCHEMAS)[K]>) => R | Promise<R>) {
    return async (sender: IpcSender, args: readonly unknown[]): Promise<R> => {
      try {
        checkSender(sender, deps);
        return await body(parseArgs(call, args));
      } catch (error) {
        if (error instanceof IpcRefusedError) deps.log?.warn({ call, frameUrl: sender.frameUrl?.slice(0, 200) }, error.message);
        throw error;
      }
    };
  }

  return {
    adminSession: guarded('adminSession', (): AdminSession => {
      const adminKey = deps.adminKey();
      if (adminKey === null) throw new Error('The gateway is not running');
      return { adminKey, desktop: true };
    }),
    getAppInfo: guarded('getAppInfo', () => deps.appInfo()),
    openExternal: guarded('openExternal', async ([url]) => {
      if (!isSafeExternalUrl(url)) return false;
      await deps.openExternal(new URL(url).href);
      return true;
    }),
    setStartAtLogin: guarded('setStartAtLogin', ([enabled]) => deps.setStartAtLogin(enabled)),
  };
}

/** What registration needs from an invoke event; IpcMainInvokeEvent satisfies it. */
export type InvokeEventLike = Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>;

export function senderOf(event: { sender: { id: number }; senderFrame: { url: string; parent: unknown } | null }): IpcSender {
  const frame = event.senderFrame;
  return { webContentsId: event.sender.id, frameUrl: frame?.url, isMainFrame: frame !== null && frame.parent === null };
}

/** Registers one ipcMain.handle per named call; returns a function that removes them. */
export function registerIpcHandlers(ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>, handlers: IpcHandlers): () => void {
  for (const call of Object.keys(IPC_CHANNELS) as BridgeCall[]) {
    ipcMain.handle(IPC_CHANNELS[call], (event: InvokeEventLike, ...args: unknown[]) => handlers[call](senderOf(event), args));
  }
  return () => {
    for (const call of Object.keys(IPC_CHANNELS) as BridgeCall[]) ipcMain.removeHandler(IPC_CHANNELS[call]);
  };
}
