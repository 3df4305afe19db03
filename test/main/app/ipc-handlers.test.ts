import { describe, expect, it, vi } from 'vitest';
import { IPC_CHANNELS, type AppInfo } from '../../../main/app/ipc-contract.js';
import {
  IPC_ARGUMENT_SCHEMAS,
  IpcRefusedError,
  createIpcHandlers,
  registerIpcHandlers,
  senderOf,
  type IpcHandlerDeps,
  type IpcSender,
} from '../../../main/app/ipc-handlers.js';

const ORIGIN = 'http://127.0.0.1:4141';
const OWN_ID = 7;
const good: IpcSender = { webContentsId: OWN_ID, frameUrl: `${ORIGIN}/keys`, isMainFrame: true };
const info: AppInfo = { version: '0.1.0', platform: 'linux', dataDir: '/home/u/.config/Switchboard', configFile: null, logFile: '/l', startAtLogin: false };

function setup(overrides: Partial<IpcHandlerDeps> = {}) {
  const warn = vi.fn();
  const deps = {
    appOrigin: () => ORIGIN,
    isOwnWebContents: (id: number) => id === OWN_ID,
    adminKey: (): string | null => 'sk-admin-secret',
    appInfo: () => info,
    openExternal: vi.fn(async () => undefined),
    setStartAtLogin: vi.fn((enabled: boolean) => enabled),
    log: { warn },
    ...overrides,
  };
  return { deps, warn, handlers: createIpcHandlers(deps) };
}

describe('ipc-handlers', () => {
  it('hands the dashboard its admin session, marked as the desktop app', async () => {
    const { handlers } = setup();
    await expect(handlers.adminSession(good, [])).resolves.toEqual({ adminKey: 'sk-admin-secret', desktop: true });
  });

  it('fails adminSession while the gateway is not running', async () => {
    const { handlers } = setup({ adminKey: () => null });
    await expect(handlers.adminSession(good, [])).rejects.toThrow('not running');
  });

  it('returns the app info and switches start-at-login', async () => {
    const { handlers, deps } = setup();
    await expect(handlers.getAppInfo(good, [])).resolves.toEqual(info);
    await expect(handlers.setStartAtLogin(good, [true])).resolves.toBe(true);
    expect(deps.setStartAtLogin).toHaveBeenCalledWith(true);
  });

  it('opens https links in the browser and refuses every other scheme', async () => {
    const { handlers, deps } = setup();
    await expect(handlers.openExternal(good, ['https://docs.litellm.ai/docs/'])).resolves.toBe(true);
    expect(deps.openExternal).toHaveBeenCalledWith('https://docs.litellm.ai/docs/');
    for (const url of ['http://example.com/', 'file:///etc/passwd', 'ms-msdt:/id x', 'javascript:alert(1)']) {
      await expect(handlers.openExternal(good, [url])).resolves.toBe(false);
    }
    expect(deps.openExternal).toHaveBeenCalledTimes(1);
  });

  type Call = keyof typeof IPC_ARGUMENT_SCHEMAS;
  it.each<[Call, unknown[]]>([
    ['adminSession', ['extra']],
    ['getAppInfo', [1]],
    ['openExternal', []],
    ['openExternal', [42]],
    ['openExternal', [{ toString: () => 'https://example.com' }]],
    ['openExternal', ['']],
    ['openExternal', [`https://example.com/${'a'.repeat(3000)}`]],
    ['openExternal', ['https://example.com', 'extra']],
    ['setStartAtLogin', []],
    ['setStartAtLogin', ['true']],
    ['setStartAtLogin', [1]],
    ['setStartAtLogin', [null]],
    ['setStartAtLogin', [true, false]],
  ])('refuses %s with arguments %j', async (call, args) => {
    const { handlers, deps } = setup();
    await expect(handlers[call](good, args)).rejects.toBeInstanceOf(IpcRefusedError);
    expect(deps.openExternal).not.toHaveBeenCalled();
    expect(deps.setStartAtLogin).not.toHaveBeenCalled();
  });

  it.each<[string, IpcSender]>([
    ['another webContents', { ...good, webContentsId: 99 }],
    ['a subframe', { ...good, isMainFrame: false }],
    ['a destroyed frame', { ...good, frameUrl: undefined }],
    ['a page on another origin', { ...good, frameUrl: 'https://evil.example/' }],
    ['a page on another port', { ...good, frameUrl: 'http://127.0.0.1:4142/' }],
    ['localhost instead of 127.0.0.1', { ...good, frameUrl: 'http://localhost:4141/' }],
    ['a file:// page', { ...good, frameUrl: 'file:///tmp/x.html' }],
    ['a data: page', { ...good, frameUrl: 'data:text/html,x' }],
    ['about:blank', { ...good, frameUrl: 'about:blank' }],
  ])('refuses every call from %s and logs it', async (_case, sender) => {
    const { handlers, deps, warn } = setup();
    await expect(handlers.adminSession(sender, [])).rejects.toBeInstanceOf(IpcRefusedError);
    await expect(handlers.getAppInfo(sender, [])).rejects.toBeInstanceOf(IpcRefusedError);
    await expect(handlers.openExternal(sender, ['https://example.com/'])).rejects.toBeInstanceOf(IpcRefusedError);
    await expect(handlers.setStartAtLogin(sender, [true])).rejects.toBeInstanceOf(IpcRefusedError);
    expect(deps.openExternal).not.toHaveBeenCalled();
    expect(deps.setStartAtLogin).not.toHaveBeenCalled();
    expect(warn).toHaveBeenCalledTimes(4);
  });

  it('refuses the dashboard while the gateway is down (no origin to match)', async () => {
    const { handlers } = setup({ appOrigin: () => null });
    await expect(handlers.adminSession(good, [])).rejects.toBeInstanceOf(IpcRefusedError);
  });

  it('never logs the arguments of a refused call', async () => {
    const { handlers, warn } = setup();
    await expect(handlers.openExternal({ ...good, webContentsId: 1 }, ['https://example.com/?token=sk-secret'])).rejects.toThrow();
    expect(warn).toHaveBeenCalledTimes(1);
    expect(JSON.stringify(warn.mock.calls)).not.toContain('sk-secret');
  });

  it('reads the sender from the invoke event: the frame URL and whether it is the top frame', () => {
    expect(senderOf({ sender: { id: 3 }, senderFrame: { url: `${ORIGIN}/`, parent: null } })).toEqual({ webContentsId: 3, frameUrl: `${ORIGIN}/`, isMainFrame: true });
    expect(senderOf({ sender: { id: 3 }, senderFrame: { url: `${ORIGIN}/`, parent: {} } }).isMainFrame).toBe(false);
    expect(senderOf({ sender: { id: 3 }, senderFrame: null })).toEqual({ webContentsId: 3, frameUrl: undefined, isMainFrame: false });
  });

  it('registers exactly one handler per named call, and nothing generic', async () => {
    const registered = new Map<string, (event: unknown, ...args: unknown[]) => Promise<unknown>>();
    const ipcMain = {
      handle: vi.fn((channel: string, listener: (event: unknown, ...args: unknown[]) => Promise<unknown>) => void registered.set(channel, listener)),
      removeHandler: vi.fn((channel: string) => void registered.delete(channel)),
    };
    const { handlers } = setup();
    const unregister = registerIpcHandlers(ipcMain as never, handlers);
    expect([...registered.keys()].sort()).toEqual(Object.values(IPC_CHANNELS).sort());
    expect(Object.keys(IPC_ARGUMENT_SCHEMAS).sort()).toEqual(Object.keys(IPC_CHANNELS).sort());

    const event = { sender: { id: OWN_ID }, senderFrame: { url: `${ORIGIN}/`, parent: null } };
    await expect(registered.get(IPC_CHANNELS.setStartAtLogin)!(event, true)).resolves.toBe(true);
    await expect(registered.get(IPC_CHANNELS.setStartAtLogin)!(event, 'yes')).rejects.toBeInstanceOf(IpcRefusedError);
    const iframe = { sender: { id: OWN_ID }, senderFrame: { url: `${ORIGIN}/`, parent: {} } };
    await expect(registered.get(IPC_CHANNELS.adminSession)!(iframe)).rejects.toBeInstanceOf(IpcRefusedError);

    unregister();
    expect(registered.size).toBe(0);
  });
});
