// Adapts the key verifier to the gateway's authentication seam: a verified key becomes a
// Principal (with its team's rate limits and its owner's models when it has an owner); an expired
// or blocked key, or a key of a blocked team, gets its own 401 message (it proves the caller held a
// real key, so saying why leaks nothing); an unknown key gets undefined, i.e. the generic 401.
import { GatewayError } from '../core/gateway-error.js';
import type { Principal } from '../core/principal.js';
import type { KeyVerification, KeyVerifier } from './verify-key.js';
import { whenSettled, type MaybePromise } from '../core/run-maybe-async.js';
import type { AdmissionKeyRecord } from './key-repository.js';

/** The gateway's authentication seam for virtual keys. */
export interface VirtualKeyLookup {
  /**
   * Looks a presented key up (by the SHA-256 of its full text); throws GatewayError 401 when
   * refused. A Promise only for a cache miss on PostgreSQL (it rejects with the same 401).
   */
  verify(presentedKey: string): MaybePromise<Principal | undefined>;
}

export function createVirtualKeyLookup(verifier: KeyVerifier): VirtualKeyLookup {
  return {
    verify(presented) {
      return whenSettled(verifier.verify(presented), toPrincipal);
    },
  };
}

function toPrincipal(result: KeyVerification): Principal | undefined {
  if (result.ok) {
    const key = result.key;
    const principal: Extract<Principal, { kind: 'virtual' }> = {
      kind: 'virtual',
      keyId: key.id,
      alias: key.keyAlias,
      models: key.models,
      rpmLimit: key.rpmLimit,
      tpmLimit: key.tpmLimit,
      maxParallelRequests: key.maxParallelRequests,
      hasBudget: key.maxBudgetMicros !== null,
      userId: key.userId,
      // A team's or user's key is held against its owners' budgets even with none of its own;
      // an ownerless key without a budget skips the ledger altogether (the desktop's common case).
      ownerBudgets: key.teamId !== null || key.userId !== null,
    };
    // Only a key with an owner gets these: an ownerless key's principal is built as before.
    if (key.team !== null || key.user !== null) addOwnerLimits(principal, key);
    return principal;
  }
  // The refusal names the key it is about, so its usage row is that key's (and its app's).
  const refusedKey = result.keyId === null ? undefined : { id: result.keyId, alias: result.keyAlias };
  if (result.reason === 'expired') throw new GatewayError('invalid_api_key', 'This API key has expired. Ask the Switchboard admin for a new one.', { refusedKey });
  if (result.reason === 'team_blocked') {
    // LiteLLM's wording (auth_checks.py common_checks), which its clients and scripts match on.
    throw new GatewayError('invalid_api_key', `Team=${result.teamId} is blocked. Update via \`/team/unblock\` if you're an admin.`, { refusedKey });
  }
  if (result.reason === 'blocked') throw new GatewayError('invalid_api_key', 'This API key is blocked. Unblock it with POST /key/unblock or in the dashboard.', { refusedKey });
  return undefined;
}

/** How a refusal names a team or a user: its alias or email, else its id. */
function teamName(team: { id: string; teamAlias: string | null }): string {
  return `team '${team.teamAlias ?? team.id}'`;
}

/**
 * The team's rate limits and the owner's model list, when there are any: a team key follows its
 * team's models (LiteLLM's can_team_access_model), a key with a user and no team its user's
 * (can_user_call_model). A user's list does not apply to a team key, as in LiteLLM.
 */
function addOwnerLimits(principal: Extract<Principal, { kind: 'virtual' }>, key: AdmissionKeyRecord): void {
  const { team, user } = key;
  if (team !== null) {
    if (team.rpmLimit !== null || team.tpmLimit !== null) principal.team = { id: team.id, name: teamName(team), rpmLimit: team.rpmLimit, tpmLimit: team.tpmLimit };
    if (team.models.length > 0) principal.ownerModels = { models: team.models, owner: teamName(team) };
  } else if (key.teamId === null && user !== null && user.models.length > 0) {
    principal.ownerModels = { models: user.models, owner: `user '${user.userEmail ?? user.id}'` };
  }
}
