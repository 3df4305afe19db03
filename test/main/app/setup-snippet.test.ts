import { describe, expect, it } from 'vitest';
import { buildSetupSnippet } from '../../../main/app/setup-snippet.js';

describe('setup-snippet', () => {
  it('exports OpenAI and Anthropic base URLs for POSIX shells', () => {
    const snippet = buildSetupSnippet('http://127.0.0.1:4141', 'darwin');
    expect(snippet).toContain('export OPENAI_BASE_URL="http://127.0.0.1:4141/v1"\n');
    expect(snippet).toContain('export ANTHROPIC_BASE_URL="http://127.0.0.1:4141"\n');
    expect(snippet).toContain('export OPENAI_API_KEY="<your Switchboard key>"\n');
    expect(snippet).toContain('export ANTHROPIC_AUTH_TOKEN="<your Switchboard key>"\n');
    expect(snippet).toContain('switchboard/active');
  });

  it('uses PowerShell syntax on Windows', () => {
    const snippet = buildSetupSnippet('http://127.0.0.1:4242/', 'win32');
    expect(snippet).toContain('$env:OPENAI_BASE_URL = "http://127.0.0.1:4242/v1"\n');
    expect(snippet).not.toContain('export ');
  });

  it('never contains a real key', () => {
    expect(buildSetupSnippet('http://127.0.0.1:4141', 'linux')).not.toMatch(/sk-[A-Za-z0-9]/);
  });
});
