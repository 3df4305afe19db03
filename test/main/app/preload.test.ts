// The preload as Electron's sandbox runs it: compiled to CommonJS and evaluated with a require
// that only knows 'electron' (a sandboxed preload cannot load our other files).
import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import ts from 'typescript';
import { describe, expect, it, vi } from 'vitest';
import { IPC_CHANNELS, type SwitchboardBridge } from '../../../main/app/ipc-contract.js';
import { findDashboardBridge } from '../../../shared/dashboard-bridge.js';

const source = readFileSync(new URL('../../../main/app/preload.cts', import.meta.url), 'utf8');
const compiled = ts.transpileModule(source, {
  fileName: 'preload.cts',
  compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false },
}).outputText;

function loadPreload() {
  const exposed = new Map<string, unknown>();
  const invoke = vi.fn(async (..._args: unknown[]) => 'answer');
  const required: string[] = [];
  const electron = {
    contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) },
    ipcRenderer: { invoke, send: vi.fn(), on: vi.fn() },
  };
  const module = { exports: {} };
  const require = (id: string) => {
    required.push(id);
    if (id === 'electron') return electron;
    throw new Error(`a sandboxed preload cannot require "${id}"`);
  };
  runInNewContext(`(function (exports, require, module) {${compiled}\n})`, {})(module.exports, require, module);
  return { exposed, invoke, required, bridge: exposed.get('switchboard') as SwitchboardBridge };
}

describe('preload', () => {
  it('requires nothing but electron', () => {
    expect(loadPreload().required).toEqual(['electron']);
  });

  it('exposes exactly the named calls as window.switchboard, frozen', () => {
    const { exposed, bridge } = loadPreload();
    expect([...exposed.keys()]).toEqual(['switchboard']);
    expect(Object.keys(bridge).sort()).toEqual(Object.keys(IPC_CHANNELS).sort());
    expect(Object.isFrozen(bridge)).toBe(true);
  });

  it('is the bridge the dashboard looks for (shared/dashboard-bridge.ts)', async () => {
    const { bridge, invoke } = loadPreload();
    const found = findDashboardBridge({ switchboard: bridge });
    expect(found).toBe(bridge);
    await found!.adminSession();
    expect(invoke).toHaveBeenCalledWith(IPC_CHANNELS.adminSession);
  });

  it('never hands the page ipcRenderer or a generic invoke', () => {
    const { bridge } = loadPreload();
    for (const value of Object.values(bridge)) expect(typeof value).toBe('function');
    expect(bridge).not.toHaveProperty('invoke');
    expect(bridge).not.toHaveProperty('ipcRenderer');
  });

  it.each([
    ['adminSession', [], [IPC_CHANNELS.adminSession]],
    ['getAppInfo', [], [IPC_CHANNELS.getAppInfo]],
    ['openExternal', ['https://example.com/'], [IPC_CHANNELS.openExternal, 'https://example.com/']],
    ['setStartAtLogin', [true], [IPC_CHANNELS.setStartAtLogin, true]],
  ] as const)('%s invokes its own channel with exactly its arguments', async (call, args, sent) => {
    const { bridge, invoke } = loadPreload();
    await expect((bridge[call] as (...a: unknown[]) => Promise<unknown>)(...args)).resolves.toBe('answer');
    expect(invoke).toHaveBeenCalledWith(...sent);
  });
});
