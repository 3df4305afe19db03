import { describe, expect, it } from 'vitest';
import { ANTHROPIC_BETA_ALLOWLIST, filterAnthropicBetas } from '../../../../main/gateway/anthropic-inbound/anthropic-beta-allowlist.js';

describe('filterAnthropicBetas', () => {
  it.each([
    ['no header', undefined, undefined],
    ['an empty header', '', undefined],
    ['only unknown flags', 'made-up-2099-01-01', undefined],
    ['a known flag', 'claude-code-20250219', 'claude-code-20250219'],
    [
      "Claude Code's usual set",
      'claude-code-20250219,interleaved-thinking-2025-05-14,fine-grained-tool-streaming-2025-05-14',
      'claude-code-20250219,interleaved-thinking-2025-05-14,fine-grained-tool-streaming-2025-05-14',
    ],
    ['known and unknown mixed, spaces around', ' context-1m-2025-08-07 , made-up , prompt-caching-2024-07-31', 'context-1m-2025-08-07,prompt-caching-2024-07-31'],
    ['a repeated flag', 'output-128k-2025-02-19,output-128k-2025-02-19', 'output-128k-2025-02-19'],
    ['the header sent twice', ['token-efficient-tools-2025-02-19', 'claude-code-20250219'], 'token-efficient-tools-2025-02-19,claude-code-20250219'],
    ['the OAuth flag (the gateway never sends the client token)', 'oauth-2025-04-20', undefined],
    ['the MCP connector flag (makes Anthropic reach URLs)', 'mcp-client-2025-04-04', undefined],
    ['a near miss (prefix of a known flag)', 'claude-code', undefined],
    ['a near miss (case)', 'Claude-Code-20250219', undefined],
    ['a flag with header injection', 'claude-code-20250219\r\nx-api-key: stolen', undefined],
  ] as const)('keeps only allowlisted flags: %s', (_name, header, expected) => {
    expect(filterAnthropicBetas(header as string | string[] | undefined)).toBe(expected);
  });

  it('allows every flag Claude Code sends by default', () => {
    for (const flag of ['claude-code-20250219', 'interleaved-thinking-2025-05-14', 'fine-grained-tool-streaming-2025-05-14', 'context-management-2025-06-27', 'context-1m-2025-08-07']) {
      expect(ANTHROPIC_BETA_ALLOWLIST.has(flag)).toBe(true);
    }
  });

  it('holds only dated flag tokens', () => {
    for (const flag of ANTHROPIC_BETA_ALLOWLIST) expect(flag).toMatch(/^[a-z0-9-]+-\d{8}$|^[a-z0-9-]+-\d{4}-\d{2}-\d{2}$/);
  });
});
