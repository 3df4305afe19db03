// Process names people recognise, from recorded exe paths and command lines.
import { describe, expect, it } from 'vitest';
import type { SocketOwner } from '../../../main/attribution/caller-process.js';
import { nameCallerProcess, needsAncestors, sanitiseProcessName } from '../../../main/attribution/name-caller-process.js';

const owner = (exePath: string, argv: string[], extra: Partial<SocketOwner> = {}): SocketOwner => ({ pid: 42, exePath, argv, ppid: 1, startTime: '1', ...extra });

describe('nameCallerProcess', () => {
  it.each([
    ['/usr/bin/python3.11', ['python3', 'sync_notes.py'], 'sync_notes.py'],
    ['/usr/bin/python3.11', ['python3', '-u', '-W', 'ignore', '/home/a/bin/sync_notes.py', '--all'], 'sync_notes.py'],
    ['/usr/bin/python3', ['python3', '-m', 'aider.main', '--model', 'x'], 'aider'],
    ['/home/a/.venv/bin/python', ['/home/a/.venv/bin/python', '/home/a/.venv/bin/aider'], 'aider'],
    ['/usr/bin/node', ['node', 'nightly-report.mjs'], 'nightly-report.mjs'],
    ['/usr/bin/node', ['node', '--import', 'tsx', 'scripts/report.ts'], 'report.ts'],
    ['/usr/bin/node', ['node', '/usr/lib/node_modules/@anthropic-ai/claude-code/cli.js'], 'claude-code'],
    ['/usr/bin/node', ['node', '/home/a/.local/bin/claude'], 'claude-code'],
    ['/home/a/.local/share/claude/versions/2.0.69', ['claude', '-p', 'hi'], 'claude-code'],
    ['/usr/bin/node', ['node', '/usr/lib/node_modules/@openai/codex/bin/codex.js', 'exec'], 'codex'],
    ['/usr/lib/node_modules/@openai/codex/vendor/x86_64-unknown-linux-musl/codex/codex', ['codex', 'exec', 'hi'], 'codex'],
    ['/usr/bin/node', ['node', '/usr/lib/node_modules/@qwen-code/qwen-code/cli.js', '-p', 'hi'], 'qwen-code'],
    ['/usr/bin/node', ['node', '/home/a/.npm-global/bin/qwen'], 'qwen-code'],
    ['/usr/bin/node', ['node', '/usr/lib/node_modules/npm/bin/npx-cli.js', 'my-tool@1.2.0'], 'my-tool'],
    ['/usr/bin/node', ['node', '/work/app/node_modules/.bin/eval-runner', '--fast'], 'eval-runner'],
    ['/usr/bin/node', ['node', '/work/app/node_modules/@acme/agent/dist/index.js'], 'agent'],
    ['/usr/bin/bun', ['bun', 'run', 'agent.ts'], 'agent.ts'],
    ['/usr/bin/deno', ['deno', 'run', '--allow-net', 'bot.ts'], 'bot.ts'],
    ['/usr/bin/ruby3.2', ['ruby', 'summarise.rb'], 'summarise.rb'],
    ['/usr/bin/bash', ['bash', './ask.sh', 'q'], 'ask.sh'],
    ['/usr/bin/java', ['java', '-Xmx1g', '-jar', '/opt/app/llm-client.jar'], 'llm-client.jar'],
    ['/usr/bin/curl', ['curl', '-s', 'http://127.0.0.1:4141/v1/models'], 'curl'],
    ['/opt/My Tool/my tool\u0007', ['my tool'], 'my-tool'],
    ['/usr/bin/python3', ['python3', '-c', 'import openai'], 'python3'],
    ['/usr/bin/node', ['node', '-e', 'fetch()'], 'node'],
    ['/usr/bin/node (deleted)', ['node', 'x.mjs'], 'x.mjs'],
  ])('%s %j -> %s', (exe, argv, name) => {
    expect(nameCallerProcess(owner(exe, argv))?.name).toBe(name);
  });

  it.each([
    ['/usr/bin/docker-proxy', ['/usr/bin/docker-proxy', '-proto', 'tcp'], 'docker', 'docker'],
    ['/usr/bin/rootlessport', ['rootlessport'], 'docker', 'docker'],
    ['/usr/bin/slirp4netns', ['slirp4netns'], 'docker', 'docker'],
    ['/init', ['wslrelay.exe'], 'wsl', 'wsl'],
  ])('%s is a relay: %s via %s', (exe, argv, name, via) => {
    expect(nameCallerProcess(owner(exe, argv))).toMatchObject({ name, via });
  });

  it('names an editor by its executable', () => {
    expect(nameCallerProcess(owner('/usr/share/code/code', ['/usr/share/code/code', '--type=utility', '--utility-sub-type=node.mojom.NodeService']))?.name).toBe('vscode');
    expect(nameCallerProcess(owner('/opt/cursor/cursor', ['/opt/cursor/cursor', '--type=utility']))?.name).toBe('cursor');
    expect(nameCallerProcess(owner('/Applications/Visual Studio Code.app/Contents/Frameworks/Code Helper (Plugin).app/Contents/MacOS/Code Helper (Plugin)', []))?.name).toBe('vscode');
    expect(nameCallerProcess(owner('/opt/pycharm/jbr/bin/java', ['/opt/pycharm/jbr/bin/java', '-Didea.platform.prefix=PyCharmCore', '-Xmx2g']))?.name).toBe('pycharmcore');
  });

  it('does not take a directory called code for VS Code', () => {
    expect(nameCallerProcess(owner('/home/a/code/bin/tool', ['/home/a/code/bin/tool']))?.name).toBe('tool');
  });

  it("names a helper or a bare interpreter after the nearest editor among its ancestors", () => {
    const helper = owner('/usr/bin/node', ['node', '-e', 'require("x")']);
    expect(needsAncestors(helper)).toBe(true);
    const chain = [owner('/usr/bin/bash', ['bash'], { pid: 41 }), owner('/usr/share/code/code', ['/usr/share/code/code'], { pid: 40 })];
    expect(nameCallerProcess(helper, chain)).toMatchObject({ name: 'vscode', pid: 42 });
    // No editor above it: the interpreter's own name.
    expect(nameCallerProcess(helper, [owner('/usr/bin/bash', ['bash'], { pid: 41 })])?.name).toBe('node');
    const electronChild = owner('/opt/some-app/some-app', ['/opt/some-app/some-app', '--type=renderer']);
    expect(needsAncestors(electronChild)).toBe(true);
    expect(nameCallerProcess(electronChild, [owner('/opt/windsurf/windsurf', ['windsurf'], { pid: 7 })])?.name).toBe('windsurf');
  });

  it('does not ask for ancestors of a process it can name on its own', () => {
    expect(needsAncestors(owner('/usr/bin/python3', ['python3', 'sync_notes.py']))).toBe(false);
    expect(needsAncestors(owner('/usr/bin/curl', ['curl']))).toBe(false);
    // An ancestor never renames a process with a script of its own.
    expect(nameCallerProcess(owner('/usr/bin/python3', ['python3', 'a.py']), [owner('/usr/share/code/code', [])])?.name).toBe('a.py');
  });

  it('gives null when nothing printable is left', () => {
    expect(nameCallerProcess(owner('/x/\u0001\u0002', []))).toBeNull();
  });
});

describe('sanitiseProcessName', () => {
  it.each([
    ['sync_notes.py', 'sync_notes.py'],
    ['my tool (beta)', 'my-tool-beta'],
    ["x'; DROP TABLE usage_log;--", 'x-DROP-TABLE-usage_log'],
    ['日本語.py', 'py'],
    ['a\nb\r\tc', 'a-b-c'],
    ['-leading', 'leading'],
    ['x'.repeat(100), 'x'.repeat(48)],
  ])('%j -> %j', (name, clean) => {
    expect(sanitiseProcessName(name)).toBe(clean);
  });
});
