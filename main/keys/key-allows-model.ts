// keyAllowsModel: whether a key's `models` allow-list admits a requested model name (LiteLLM
// semantics: empty list = all models, `*` = all, `anthropic/*` = every name with that prefix).
// Matches whole names only: `gpt-4o` does not admit `gpt-4o-mini`.

export function keyAllowsModel(allowed: readonly string[], model: string): boolean {
  if (allowed.length === 0) return true;
  for (const pattern of allowed) {
    if (pattern === '*' || pattern === 'all-proxy-models' || pattern === model) return true;
    if (pattern.endsWith('*') && model.startsWith(pattern.slice(0, -1)) && model.length >= pattern.length) return true;
  }
  return false;
}
