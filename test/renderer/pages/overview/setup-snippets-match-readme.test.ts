// The setup snippets the dashboard hands out and the README say the same thing (issue 14, item
// 12): the Claude Code variables of current Claude Code (2.x per-tier model variables, not the
// deprecated ANTHROPIC_SMALL_FAST_MODEL) and the Codex provider block for /v1/responses that the
// real-Codex e2e test runs with.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildSetupSnippet } from '../../../../renderer/src/pages/overview/build-setup-snippets.js';

const README = readFileSync('README.md', 'utf8');
const input = { origin: 'http://127.0.0.1:4141', key: 'sk-abc', model: 'switchboard/active' };

/** The text of a README section, from its heading to the next heading of the same or a higher level (code blocks skipped). */
function section(heading: string): string {
  const lines = README.split('\n');
  const start = lines.indexOf(heading);
  expect(start, heading).toBeGreaterThanOrEqual(0);
  const level = heading.split(' ')[0]!.length;
  let fenced = false;
  let end = lines.length;
  for (let i = start + 1; i < lines.length; i++) {
    if (lines[i]!.startsWith('```')) fenced = !fenced;
    const match = fenced ? null : /^(#+) /.exec(lines[i]!);
    if (match && match[1]!.length <= level) {
      end = i;
      break;
    }
  }
  return lines.slice(start + 1, end).join('\n');
}

const exported = (text: string) => new Set([...text.matchAll(/^export ([A-Z_]+)=/gm)].map((m) => m[1]!));
const unset = (text: string) => new Set([...text.matchAll(/^unset ([A-Z_]+)/gm)].map((m) => m[1]!));

/** `table.key -> value` for every assignment in a TOML text (comments dropped). */
function tomlAssignments(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let table = '';
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\s+#.*$/, '').trim();
    if (line === '' || line.startsWith('#')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) table = `${header[1]}.`;
    else {
      const [key, ...value] = line.split('=');
      out.set(`${table}${key!.trim()}`, value.join('=').trim());
    }
  }
  return out;
}

describe('setup snippets and the README', () => {
  it('give Claude Code the same variables, the current ones', () => {
    const snippet = buildSetupSnippet('claude-code', input).code;
    const readme = section('## Claude Code and the Anthropic SDK');
    expect(exported(snippet)).toEqual(exported(readme));
    expect([...exported(snippet)]).toEqual(expect.arrayContaining(['ANTHROPIC_BASE_URL', 'ANTHROPIC_AUTH_TOKEN', 'ANTHROPIC_MODEL', 'ANTHROPIC_DEFAULT_HAIKU_MODEL', 'ANTHROPIC_DEFAULT_SONNET_MODEL', 'ANTHROPIC_DEFAULT_OPUS_MODEL']));
    expect(snippet).not.toContain('ANTHROPIC_SMALL_FAST_MODEL');
    expect(unset(snippet)).toEqual(unset(readme));
    expect(snippet).toContain('export ANTHROPIC_BASE_URL=http://127.0.0.1:4141\n');
  });

  it('give Codex the same config.toml and key variable, on the Responses API', () => {
    const snippet = buildSetupSnippet('codex', input);
    const readme = section('### Connecting Codex');
    const readmeToml = /```toml\n([\s\S]*?)```/.exec(readme)![1]!;
    const readmeShell = /```sh\n([\s\S]*?)```/.exec(readme)![1]!;
    expect(tomlAssignments(snippet.code)).toEqual(tomlAssignments(readmeToml));
    expect(tomlAssignments(snippet.code).get('model_providers.switchboard.wire_api')).toBe('"responses"');
    expect(exported(snippet.steps![0]!.code)).toEqual(exported(readmeShell));
  });
});
