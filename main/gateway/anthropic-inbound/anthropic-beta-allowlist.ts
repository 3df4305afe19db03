// Which `anthropic-beta` values a client's /v1/messages request may pass on to an Anthropic
// deployment (native pass-through only). Unknown values are dropped, never forwarded: the API
// answers an unknown flag with 400 "invalid beta flag" (litellm #20021), and a flag can switch on
// behaviour the operator never agreed to. Never forwards anything to a non-Anthropic upstream.
//
// Sources (search corpus): BerriAI/litellm litellm/anthropic_beta_headers_config.json ("anthropic"
// column: the flags Anthropic's own API accepts), the beta-headers page of Anthropic's docs, and
// what Claude Code sends (claude-code-20250219, interleaved-thinking-2025-05-14,
// fine-grained-tool-streaming-2025-05-14, context-1m-2025-08-07, context-management-2025-06-27...).

/**
 * Flags a Claude Code or Anthropic SDK request may carry through to api.anthropic.com.
 * Left out on purpose: `oauth-2025-04-20` (the gateway authenticates with the deployment's API key,
 * never the client's OAuth token), the MCP connector and Files/Skills betas (they make Anthropic
 * reach URLs or account objects the operator did not configure), and `computer-use-2024-10-22`
 * and other superseded flags.
 */
export const ANTHROPIC_BETA_ALLOWLIST: ReadonlySet<string> = new Set([
  'claude-code-20250219',
  'interleaved-thinking-2025-05-14',
  'fine-grained-tool-streaming-2025-05-14',
  'context-1m-2025-08-07',
  'context-management-2025-06-27',
  'prompt-caching-2024-07-31',
  'prompt-caching-scope-2026-01-05',
  'token-efficient-tools-2025-02-19',
  'output-128k-2025-02-19',
  'effort-2025-11-24',
  'advanced-tool-use-2025-11-20',
  'tool-examples-2025-10-29',
  'structured-outputs-2025-11-13',
  'web-search-2025-03-05',
  'web-fetch-2025-09-10',
  'code-execution-2025-08-25',
  'computer-use-2025-01-24',
  'computer-use-2025-11-24',
  'compact-2026-01-12',
]);

/**
 * The allowed flags of an incoming `anthropic-beta` header (comma-separated, possibly sent more
 * than once), in order and without duplicates, joined for the upstream; undefined when none is left.
 * Matching is exact (after trimming): a flag is a fixed token, never a pattern.
 */
export function filterAnthropicBetas(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  const values = (Array.isArray(header) ? header : [header]).flatMap((value) => value.split(','));
  const kept: string[] = [];
  for (const raw of values) {
    const flag = raw.trim();
    if (ANTHROPIC_BETA_ALLOWLIST.has(flag) && !kept.includes(flag)) kept.push(flag);
  }
  return kept.length > 0 ? kept.join(',') : undefined;
}
