// Who is calling: the result of authentication, attached to each request. Never holds the
// presented key itself, only what was looked up with its hash.
export type Principal =
  /** No admin key is configured: local-only open mode. */
  | { kind: 'open' }
  | { kind: 'master' }
  | {
      kind: 'virtual';
      keyId: string;
      /** The app's name (key_alias). */
      alias: string | null;
      /** Allowed model groups or patterns (`anthropic/*`); empty means all. */
      models: readonly string[];
      rpmLimit: number | null;
      tpmLimit: number | null;
      maxParallelRequests: number | null;
      /** The key has a budget of its own: admission reserves worst-case cost against it (and refuses unpriced models). */
      hasBudget: boolean;
      /** The user owning the key (LiteLLM's user_id), whose roles apply on the management API. */
      userId?: string | null;
      /**
       * The key belongs to a team or a user, whose budgets apply too: admission reserves against
       * them even when the key has no budget of its own. Absent = false (an ownerless key).
       */
      ownerBudgets?: boolean;
      /**
       * The key's team's rpm/tpm limits, counted over all the team's keys together beside the
       * key's own. Absent: no team, or a team without rate limits.
       */
      team?: { id: string; name: string; rpmLimit: number | null; tpmLimit: number | null };
      /**
       * The models the key's owner allows besides the key's own list (both must admit a model):
       * the team's for a team key, the user's for a key with a user and no team. `owner` names it
       * in refusals ("team 'research'"). Absent: no owner, or an owner allowing every model.
       */
      ownerModels?: { models: readonly string[]; owner: string };
    }
  /**
   * A loopback Ollama client that sent no key, let in on /api/* by
   * general_settings.ollama_api.allow_without_key; may use `models` only (empty = none, unlike a
   * virtual key's list), attributed by its User-Agent.
   */
  | { kind: 'keyless'; models: readonly string[] };

/** Management routes: the admin key, or anyone in open mode (no admin key configured). */
export function isAdmin(principal: Principal): boolean {
  return principal.kind === 'master' || principal.kind === 'open';
}
