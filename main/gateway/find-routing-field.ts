// The request fields that could steer where a request goes or what credentials it carries
// (S13: CVE-2024-6587, litellm #24952, Portkey CVE-2025-66405). Shared by every inbound format
// so one list decides, at the top level and one level down (e.g. extra_body.api_base, metadata.url).
export const ROUTING_FIELDS: ReadonlySet<string> = new Set([
  'api_base', 'base_url', 'api_key', 'api_version', 'headers', 'extra_headers', 'extra_query', 'extra_body',
  'organization', 'custom_llm_provider', 'aws_access_key_id', 'aws_secret_access_key', 'vertex_credentials',
]);
/** Nested one level down, a `url`/`endpoint`/`proxy` is as dangerous as a top-level api_base. */
const NESTED_ONLY: ReadonlySet<string> = new Set(['url', 'endpoint', 'proxy']);

/** The first routing field in a body, as a dotted path (`api_base`, `metadata.url`), or undefined. */
export function findRoutingField(body: Record<string, unknown>): string | undefined {
  for (const key of Object.keys(body)) {
    if (ROUTING_FIELDS.has(key)) return key;
    const value = body[key];
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      for (const inner of Object.keys(value)) {
        if (ROUTING_FIELDS.has(inner) || NESTED_ONLY.has(inner)) return `${key}.${inner}`;
      }
    }
  }
  return undefined;
}
