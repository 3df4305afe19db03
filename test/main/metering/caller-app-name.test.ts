// The precedence table of callerAppName (docs/app-attribution.md), row by row.
import { describe, expect, it } from 'vitest';
import { callerAppName } from '../../../main/metering/caller-app-name.js';
import type { CallerProcess } from '../../../main/attribution/caller-process.js';

const proc = (name: string, via?: 'docker' | 'wsl'): CallerProcess => ({ name, pid: 7, exePath: `/usr/bin/${name}`, ...(via ? { via } : {}) });

describe('callerAppName', () => {
  it.each([
    // [key, userAgent, headers, caller, expected]
    [{ id: 'k1', alias: 'billing' }, 'OpenAI/Python 1.54.3', {}, proc('sync_notes.py'), 'billing'],
    [{ id: 'k1', alias: null }, undefined, {}, proc('sync_notes.py'), 'k1'],
    [null, 'claude-cli/2.0.69 (external, cli)', {}, proc('node'), 'claude-code'],
    [null, 'claude-cli/2.0.69 (external, cli)', {}, proc('claude-code'), 'claude-code'],
    [null, 'Cline/3.0', {}, proc('vscode'), 'cline'],
    [null, 'codex_cli_rs/0.50.0 (Linux; x86_64)', {}, proc('codex'), 'codex'],
    [null, 'OpenAI/JS 6.1.0', { originator: 'codex_exec' }, proc('node'), 'codex'],
    [null, 'QwenCode/0.15.10 (linux; x64)', {}, proc('node'), 'qwen-code'],
    [null, 'OpenAI/Python 1.54.3', {}, proc('sync_notes.py'), 'sync_notes.py'],
    [null, 'python-requests/2.32', {}, proc('sync_notes.py'), 'sync_notes.py'],
    [null, 'curl/8.5.0', {}, proc('curl'), 'curl'],
    [null, 'OpenAI/JS 6.1.0', {}, proc('nightly-report.mjs'), 'nightly-report.mjs'],
    [null, 'MyTool/1.2', {}, proc('sync_notes.py'), 'sync_notes.py'],
    [null, 'Mozilla/5.0 (X11; Linux x86_64)', {}, proc('firefox'), 'firefox'],
    [null, undefined, {}, proc('sync_notes.py'), 'sync_notes.py'],
    [null, 'Python-urllib/3.12', {}, proc('sync_notes.py'), 'sync_notes.py'],
    [null, 'OpenAI/Python 1.54.3', {}, proc('python3'), 'openai-python'],
    [null, 'MyTool/1.2', {}, proc('node'), 'MyTool'],
    [null, undefined, {}, proc('python3'), 'python3'],
    [null, 'OpenAI/Python 1.54.3', {}, proc('docker', 'docker'), 'docker'],
    [null, 'claude-cli/2.0.69', {}, proc('docker', 'docker'), 'claude-code'],
    [null, 'OpenAI/Python 1.54.3', {}, null, 'openai-python'],
    [null, 'MyTool/1.2', {}, undefined, 'MyTool'],
    [null, undefined, {}, null, 'unknown'],
  ] as const)('key %j, UA %j, headers %j, process %j -> %s', (key, userAgent, headers, caller, expected) => {
    expect(callerAppName({ key, userAgent, headers, caller })).toBe(expected);
  });
});
