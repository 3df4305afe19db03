// Which model groups a user's key may call, for its read-only view of /model/info: those its own
// `models` admit and, when its team restricts models, the team's `models` admit too (an empty key
// list means "the team's models"). Composes the one allow-list rule (keyAllowsModel); never a copy.
import { keyAllowsModel } from '../../keys/key-allows-model.js';

export interface KeyModelScope {
  /** The key's allow-list; empty = every model (within its team's). */
  keyModels: readonly string[];
  /** The key's team's allow-list; null when the key has no team. Empty = every model. */
  teamModels: readonly string[] | null;
}

/** Looks up a key's scope by id; null when the key is gone. A Promise on PostgreSQL. */
export type KeyModelScopeLookup = (keyId: string) => KeyModelScope | null | Promise<KeyModelScope | null>;

export function keyMayCallModel(scope: KeyModelScope, modelGroup: string): boolean {
  return keyAllowsModel(scope.keyModels, modelGroup) && (scope.teamModels === null || keyAllowsModel(scope.teamModels, modelGroup));
}
