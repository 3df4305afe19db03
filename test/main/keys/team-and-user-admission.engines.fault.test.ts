// What admission enforces of a key's team and user (issue 17 items 1 and 3), once per engine from
// one definition: the key lookup reads the team's `blocked`, limits and models and the user's
// models with the key; a blocked team refuses every key of it with LiteLLM's 401 until unblocked
// (the key cache hears of /team/block); a team key follows its team's models, a user's key without
// a team its user's, each as an intersection with the key's own list.
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../../main/core/gateway-error.js';
import type { Principal } from '../../../main/core/principal.js';
import { keyMayUseGroup, modelNotAllowed } from '../../../main/gateway/admit-attempt.js';
import { createKeyRepository } from '../../../main/keys/key-repository.js';
import { createTeamRepository } from '../../../main/keys/team-repository.js';
import { createUserRepository } from '../../../main/keys/user-repository.js';
import { createKeyVerifier } from '../../../main/keys/verify-key.js';
import { createVirtualKeyLookup } from '../../../main/keys/virtual-key-lookup.js';
import { hashKey } from '../../../main/keys/virtual-keys.js';
import { ENGINES, useStorageEngines, type EngineName } from '../storage/storage-engines-kit.js';

const engines = useStorageEngines();

async function setup(engine: EngineName) {
  const database = await engines.open(engine);
  const keys = createKeyRepository(database.connection, database.clock);
  const teams = createTeamRepository(database.connection, database.clock, { keys });
  const users = createUserRepository(database.connection, database.clock, { keys });
  const verifier = createKeyVerifier(keys as Parameters<typeof createKeyVerifier>[0], database.clock, { owners: { teams, users } });
  const lookup = createVirtualKeyLookup(verifier);
  const principal = async (key: string) => (await lookup.verify(key)) as Extract<Principal, { kind: 'virtual' }>;
  return { database, keys, teams, users, verifier, lookup, principal };
}

async function refusal(call: () => unknown): Promise<GatewayError> {
  try {
    await call();
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe.each(ENGINES)('team and user limits at key lookup on %s', (engine) => {
  it("reads the key's team and user limits in the lookup, and nothing for an ownerless key", async () => {
    const { keys, teams, users } = await setup(engine);
    const team = await teams.create({ team_id: 't-research', team_alias: 'research', models: ['m', 'anthropic/*'], rpm_limit: 5, tpm_limit: 1000 });
    await users.create({ user_id: 'ann', user_email: 'ann@example.com', models: ['m'] });
    const owned = await keys.create({ team_id: team.id, user_id: 'ann' });
    const plain = await keys.create({ key_alias: 'plain' });
    expect(await keys.findByHash(hashKey(owned.key))).toMatchObject({
      id: owned.record.id,
      team: { id: 't-research', teamAlias: 'research', models: ['m', 'anthropic/*'], rpmLimit: 5, tpmLimit: 1000, blocked: false },
      user: { id: 'ann', userEmail: 'ann@example.com', models: ['m'] },
    });
    expect(await keys.findByHash(hashKey(plain.key))).toMatchObject({ id: plain.record.id, team: null, user: null });
  });

  it("refuses every key of a blocked team with LiteLLM's 401 on the next request, and serves them again once unblocked", async () => {
    const { keys, teams, principal, verifier } = await setup(engine);
    const team = await teams.create({ team_id: 't-1', team_alias: 'research' });
    const service = await keys.create({ team_id: team.id, key_alias: 'service' });
    const other = await keys.create({ team_id: team.id });
    const outsider = await keys.create({ key_alias: 'outsider' });
    // Warm the cache: the block must reach keys already verified.
    expect((await principal(service.key)).keyId).toBe(service.record.id);
    expect((await principal(other.key)).keyId).toBe(other.record.id);
    expect((await principal(outsider.key)).keyId).toBe(outsider.record.id);
    expect(verifier.cacheSize()).toBe(3);

    await teams.block(team.id);
    // Only the team's keys are forgotten: the outsider stays cached.
    expect(verifier.cacheSize()).toBe(1);
    for (const key of [service, other]) {
      const refused = await refusal(() => principal(key.key));
      expect(refused).toMatchObject({ code: 'invalid_api_key', status: 401, message: "Team=t-1 is blocked. Update via `/team/unblock` if you're an admin." });
      expect(refused.refusedKey).toEqual({ id: key.record.id, alias: key.record.keyAlias });
    }
    expect((await principal(outsider.key)).keyId).toBe(outsider.record.id);

    await teams.unblock(team.id);
    expect((await principal(service.key)).keyId).toBe(service.record.id);
    expect((await principal(other.key)).keyId).toBe(other.record.id);
  });

  it("a blocked key of a blocked team is refused as a blocked key (the key's own state first, as LiteLLM)", async () => {
    const { keys, teams, verifier } = await setup(engine);
    const team = await teams.create({ team_id: 't-2', blocked: true });
    const key = await keys.create({ team_id: team.id });
    expect(await verifier.verify(key.key)).toEqual({ ok: false, reason: 'team_blocked', keyId: key.record.id, keyAlias: null, teamId: 't-2' });
    await keys.block(key.record.id);
    expect(await verifier.verify(key.key)).toMatchObject({ ok: false, reason: 'blocked' });
  });

  it("a team key follows its team's models, a user's key without a team its user's, and the key's own list still applies", async () => {
    const { keys, teams, users, principal } = await setup(engine);
    await teams.create({ team_id: 't-3', team_alias: 'research', models: ['m', 'anthropic/*'] });
    await users.create({ user_id: 'ann', user_email: 'ann@example.com', models: ['m', 'n'] });
    const teamKey = await principal((await keys.create({ team_id: 't-3', user_id: 'ann' })).key);
    const userKey = await principal((await keys.create({ user_id: 'ann' })).key);
    const narrowUserKey = await principal((await keys.create({ user_id: 'ann', models: ['n', 'o'] })).key);
    const plain = await principal((await keys.create({})).key);
    const may = (p: Principal, model: string) => keyMayUseGroup(p, model, model, model);

    // The team's list, not the user's: a member's key in a team is the team's (LiteLLM).
    expect([may(teamKey, 'm'), may(teamKey, 'anthropic/claude'), may(teamKey, 'n')]).toEqual([true, true, false]);
    expect([may(userKey, 'm'), may(userKey, 'n'), may(userKey, 'o')]).toEqual([true, true, false]);
    // Intersection: the key allows n and o, the user m and n.
    expect([may(narrowUserKey, 'm'), may(narrowUserKey, 'n'), may(narrowUserKey, 'o')]).toEqual([false, true, false]);
    expect(may(plain, 'anything')).toBe(true);
    expect(plain.ownerModels).toBeUndefined();
    expect(plain.team).toBeUndefined();

    expect(modelNotAllowed(teamKey, 'n')).toMatchObject({ code: 'model_not_allowed', status: 403, message: 'This key may not use model "n": team \'research\' allows only: m, anthropic/*' });
    expect(modelNotAllowed(userKey, 'o').message).toBe('This key may not use model "o": user \'ann@example.com\' allows only: m, n');
    expect(modelNotAllowed(narrowUserKey, 'm').message).toBe('This key may not use model "m". Allowed models: n, o');
  });

  it("follows a change of the team's models or the user's models on the next request", async () => {
    const { keys, teams, users, principal } = await setup(engine);
    await teams.create({ team_id: 't-4', team_alias: 'research' });
    await users.create({ user_id: 'bob', models: [] });
    const teamKey = (await keys.create({ team_id: 't-4' })).key;
    const userKey = (await keys.create({ user_id: 'bob' })).key;
    expect(keyMayUseGroup(await principal(teamKey), 'x', 'x', 'x')).toBe(true);
    expect(keyMayUseGroup(await principal(userKey), 'x', 'x', 'x')).toBe(true);
    await teams.update('t-4', { models: ['m'] });
    await users.update({ user_id: 'bob' }, { models: ['m'] });
    expect(keyMayUseGroup(await principal(teamKey), 'x', 'x', 'x')).toBe(false);
    expect(keyMayUseGroup(await principal(userKey), 'x', 'x', 'x')).toBe(false);
    expect((await principal(userKey)).ownerModels).toEqual({ models: ['m'], owner: "user 'bob'" });
  });

  it("carries the team's rpm/tpm limits on the principal, and follows /team/update", async () => {
    const { keys, teams, principal } = await setup(engine);
    await teams.create({ team_id: 't-5', team_alias: 'research', rpm_limit: 5 });
    const key = (await keys.create({ team_id: 't-5' })).key;
    expect((await principal(key)).team).toEqual({ id: 't-5', name: "team 'research'", rpmLimit: 5, tpmLimit: null });
    await teams.update('t-5', { rpm_limit: null, tpm_limit: 2000 });
    expect((await principal(key)).team).toEqual({ id: 't-5', name: "team 'research'", rpmLimit: null, tpmLimit: 2000 });
    await teams.update('t-5', { tpm_limit: null });
    expect((await principal(key)).team).toBeUndefined();
  });
});
