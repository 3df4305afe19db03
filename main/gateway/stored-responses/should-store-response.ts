// OpenAI's `store` rule for POST /v1/responses: a response is stored unless the request says
// `store: false` (Codex always does, and resends its whole history instead). Reads the parsed
// body only; never looks at headers.

export function shouldStoreResponse(request: { readonly store?: unknown }): boolean {
  return request.store !== false;
}
