// The /model/info entry a member's or team admin's key is shown: the admin's shape, less what is the
// admin's business. api_base is blanked (a private server's address, maybe with a token in its path
// or query, says where the admin's servers are and is no use to a caller of the gateway), api_key's
// reference (which environment variable or keychain entry holds a provider key) is left out, and
// source_file (a path on the gateway's disk) is null. Never adds anything; the provider key itself
// is never in any entry.
import type { ModelInfoEntry } from '../../../shared/api/model-schemas.js';

export function memberModelInfo(entry: ModelInfoEntry): ModelInfoEntry {
  const { api_key: _reference, ...params } = entry.litellm_params;
  return {
    ...entry,
    litellm_params: { ...params, api_base: '' },
    model_info: { ...entry.model_info, source_file: null },
  };
}
