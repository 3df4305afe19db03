// How an upstream is named in an error a person reads: the model name they configured and the
// address that was tried (scheme, host, port, path), plus the fix when there is an obvious one.
// Never includes a query string (Azure's api-version, keys some servers take there) or user:password.
import type { Deployment } from '../core/deployment.js';

/** `apiBase + path` as scheme://host:port/path: no query, no fragment, no credentials. */
export function upstreamAddress(apiBase: string, path = ''): string {
  try {
    const url = new URL(apiBase + path);
    const pathname = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '');
    return `${url.origin}${pathname}`;
  } catch {
    return '(an invalid address)';
  }
}

/** What to check when nothing answers at a deployment's address, by the server it names. */
export function startServerHint(deployment: Deployment): string {
  switch (deployment.provider) {
    case 'ollama':
    case 'ollama_chat':
      return 'is Ollama running? Start it with `ollama serve`';
    case 'lm_studio':
      return "is LM Studio's server running? Start it with `lms server start`";
    case 'hosted_vllm':
      return 'is vLLM running? Start it with `vllm serve <model>`';
    default:
      return 'is the server running, and is api_base right?';
  }
}

/**
 * The fix for an upstream 404 when one is obvious: an OpenAI-compatible base URL without `/v1`
 * (the server answers 404 at /chat/completions), or an Ollama model that was never pulled.
 */
export function notFoundHint(deployment: Deployment): string {
  if (deployment.protocol === 'openai') {
    let path = '';
    try {
      path = new URL(deployment.apiBase).pathname;
    } catch {
      return '';
    }
    if (!/\/v\d+(beta\d*)?(\/|$)/.test(path)) {
      return `; OpenAI-compatible servers usually live under /v1: try api_base ${upstreamAddress(deployment.apiBase)}/v1`;
    }
    return '';
  }
  if (deployment.protocol === 'ollama') return `; if the model is not pulled yet, run \`ollama pull ${deployment.upstreamModel}\``;
  return '';
}
