// The body a native pass-through sends upstream: the client's own request with only `model`
// replaced by the deployment's. As the client's bytes with the model rewritten in place when they
// are known and the rewrite can prove the result (rewrite-request-text.ts), else the parsed body
// serialised again. An agent's request is 100-300 KB (Claude Code's conversation, Codex's
// instructions and tools): serialising 171 KB again took ~160 µs here, plus encoding the string.

import type { ClientBody } from '../providers/provider-adapter.js';
import { rewriteClientBody } from '../providers/openai-format/rewrite-request-text.js';

export function upstreamBody(body: Record<string, unknown>, clientBody: ClientBody | undefined, model: string): string | Buffer {
  const forwarded = clientBody === undefined ? undefined : rewriteClientBody(clientBody, { model, includeUsage: false });
  return forwarded ?? JSON.stringify({ ...body, model });
}
