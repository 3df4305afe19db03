import { describe, expect, it } from 'vitest';
import { guessApp } from '../../../main/metering/guess-app.js';

describe('guess-app', () => {
  it.each([
    ['claude-cli/2.0.69 (external, cli)', 'claude-code'],
    ['claude-cli/2.1.220 (external, sdk-ts)', 'claude-code'],
    // Codex: `{originator}/{version} ({os}; {arch}) {terminal}` (get_codex_user_agent(),
    // codex-rs/login/src/auth/default_client.rs); the codex-tui string as Codex 0.145 sends it.
    ['codex_cli_rs/0.38.0 (Ubuntu 24.04.2 LTS; x86_64) WindowsTerminal', 'codex'],
    ['codex_exec/0.46.0 (Mac OS 15.1.0; arm64) iTerm.app/3.5.10', 'codex'],
    ['codex_vscode/0.4.21 (Windows 10.0.26100; x86_64) vscode/1.104.0', 'codex'],
    ['codex-tui/0.145.0 (Mac OS 26.5.0; arm64) iTerm.app/3.6.10 (codex-tui; 0.145.0)', 'codex'],
    ['Codex Desktop/0.154.0 (Mac OS 26.5.1; arm64) unknown', 'codex'],
    // opencode: `opencode/${Installation.VERSION}` (packages/opencode/src/session/llm.ts).
    ['opencode/1.1.36', 'opencode'],
    // Qwen Code: `QwenCode/${version} (${process.platform}; ${process.arch})` (packages/core
    // openaiContentGenerator provider buildHeaders()).
    ['QwenCode/0.0.14 (linux; x64)', 'qwen-code'],
    ['QwenCode/unknown (darwin; arm64)', 'qwen-code'],
    // Near-misses of known apps are not those apps: their own product token names them.
    ['codexbar/1.0', 'codexbar'],
    ['opencodex/1.0', 'opencodex'],
    ['Cursor/1.7.44', 'cursor'],
    ['Continue/1.2.8', 'continue'],
    ['Cline/3.32.5', 'cline'],
    ['RooCode/3.28.0', 'roo-code'],
    ['Kilo-Code/4.103.0', 'kilo-code'],
    ['langchainjs-openai/1.0.0 ((node/v20.18.0; win32; x64))', 'langchain'],
    ['Zed/0.206.7 (macos; aarch64)', 'zed'],
    ['litellm/1.79.1', 'litellm'],
    ['OpenAI/Python 1.54.3', 'openai-python'],
    ['AsyncOpenAI/Python 1.109.1', 'openai-python'],
    ['AzureOpenAI/Python 1.54.3', 'openai-python'],
    ['AsyncAzureOpenAI/Python 2.3.0', 'openai-python'],
    ['OpenAI/JS 6.49.0', 'openai-js'],
    ['ollama-js/0.6.4 (x64 linux Node.js/v20.20.2)', 'ollama-js'],
    ['ollama-python/0.4.7 (x86_64 linux) Python/3.12.3', 'ollama-python'],
    ['AzureOpenAI/JS 4.104.0', 'openai-js'],
    ['Anthropic/Python 0.39.0', 'anthropic-python'],
    ['AsyncAnthropic/Python 0.69.0', 'anthropic-python'],
    ['AnthropicBedrock/Python 0.69.0', 'anthropic-python'],
    ['Anthropic/JS 1.14.0', 'anthropic-js'],
    ['python-requests/2.32.3', 'python-requests'],
    ['python-httpx/0.27.2', 'python-httpx'],
    ['Python/3.11 aiohttp/3.9.5', 'python-aiohttp'],
    ['curl/8.7.1', 'curl'],
    ['node', 'node-fetch'],
    ['undici', 'node-fetch'],
    ['node-fetch/1.0 (+https://github.com/bitinn/node-fetch)', 'node-fetch'],
    ['node-fetch', 'node-fetch'],
    ['Go-http-client/1.1', 'go-http-client'],
    ['Go-http-client/2.0', 'go-http-client'],
    ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36', 'browser'],
    // Any other client: its product token, as written (issue 19: never `unknown` when one exists).
    ['Wget/1.21.4', 'Wget'],
    ['nodejs-app/1.0', 'nodejs-app'],
    ['precursor/1.0', 'precursor'],
    ['raider-bot/2.0', 'raider-bot'],
    ['sync_notes.py/0.1 (+local)', 'sync_notes.py'],
    ['JetBrains-AI/252.1', 'JetBrains-AI'],
    // Not a product token: no version, spaces or punctuation in the name, too long, no letter first.
    ['my tool', 'unknown'],
    ['MyTool', 'unknown'],
    ['My Tool/1.0', 'unknown'],
    ['<b>x</b>/1.0', 'unknown'],
    ['"quoted"/1.0', 'unknown'],
    ['1password/8', 'unknown'],
    [`${'a'.repeat(33)}/1.0`, 'unknown'],
    ['tool/', 'unknown'],
    ['tool/ 1.0', 'unknown'],
    ['', 'unknown'],
    ['   ', 'unknown'],
    [undefined, 'unknown'],
  ])('attributes %j to %s', (userAgent, app) => {
    expect(guessApp(userAgent)).toBe(app);
  });

  it.each([
    ['OpenAI/JS 4.77.0', { 'x-title': 'Cline', 'http-referer': 'https://cline.bot' }, 'cline'],
    ['OpenAI/JS 4.77.0', { 'x-title': 'Kilo Code' }, 'kilo-code'],
    ['OpenAI/JS 4.77.0', { 'http-referer': 'https://kilocode.ai' }, 'kilo-code'],
    ['OpenAI/Python 1.54.3', { 'x-title': 'Aider' }, 'aider'],
    ['OpenAI/Python 1.54.3', { 'http-referer': 'https://aider.chat' }, 'aider'],
    ['Python/3.11 aiohttp/3.9.5', { 'x-openwebui-user-id': 'u1', 'x-openwebui-user-name': 'Ann' }, 'open-webui'],
    ['Python/3.11 aiohttp/3.9.5', { 'x-title': 'Open WebUI' }, 'open-webui'],
    [undefined, { originator: 'codex_cli_rs' }, 'codex'],
    ['reqwest/0.12', { originator: 'codex_exec' }, 'codex'],
    [undefined, { originator: 'codex-tui' }, 'codex'],
    [undefined, { originator: 'Codex Desktop' }, 'codex'],
    [undefined, { originator: 'codexbar' }, 'unknown'],
    ['reqwest/0.12', { originator: 'codexbar' }, 'reqwest'],
    ['OpenAI/JS 4.77.0', { 'x-title': ['Cline', 'Other'] }, 'cline'],
    ['OpenAI/JS 4.77.0', { 'x-title': 'My Homemade Tool' }, 'openai-js'],
    // The dashboard's Playground, from a browser whose User-Agent names no app.
    ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36', { 'x-title': 'Switchboard Playground' }, 'playground'],
    ['OpenAI/JS 4.77.0', { 'http-referer': 'https://evil.example/cline.bot' }, 'openai-js'],
    ['OpenAI/JS 4.77.0', { originator: 'something-else' }, 'openai-js'],
  ])('uses identifying headers: %j with %j is %s', (userAgent, headers, app) => {
    expect(guessApp(userAgent, headers)).toBe(app);
  });

  it('prefers an app that names itself in the User-Agent over a conflicting X-Title', () => {
    expect(guessApp('claude-cli/2.0.69 (external, cli)', { 'x-title': 'Cline' })).toBe('claude-code');
  });

  it('returns a closed-set member or a plain short product token, never other header text', () => {
    const hostile = [
      '<script>alert(1)</script>', '\u0000\u0001', 'x'.repeat(100_000), 'OpenAI/Python\r\nX-Injected: 1',
      'evil\r\n/1.0', 'a/\u0000', 'tool\u202e/1.0', 'caf\u00e9/1.0', 'x;rm -rf/1', 'a,b/1', '=cmd|x/1',
    ];
    for (const ua of hostile) {
      const app = guessApp(ua, { 'x-title': ua, 'http-referer': ua, originator: ua });
      expect(app).toMatch(/^[A-Za-z][A-Za-z0-9._-]{0,31}$/);
    }
    expect(guessApp('OpenAI/Python\r\nX-Injected: 1')).toBe('openai-python');
    expect(guessApp('evil\r\n/1.0')).toBe('unknown');
    expect(guessApp('=cmd|x/1')).toBe('unknown');
  });

  it('looks only at the start of a very long User-Agent', () => {
    expect(guessApp(`${'x'.repeat(600)} claude-cli/2.0.0`)).toBe('unknown');
    expect(guessApp(`claude-cli/2.0.0 ${'x'.repeat(100_000)}`)).toBe('claude-code');
  });
});
