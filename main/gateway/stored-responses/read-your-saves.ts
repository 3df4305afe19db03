// Read-your-writes for an asynchronous response store (team mode): response.completed is sent
// while the stored copy is still being written to PostgreSQL, and a client continuing at once
// (Codex sends the next turn the moment it reads response.completed) must find it. A chain lookup
// on this replica first waits for a save of the id it names still in flight here. A follow-up sent
// to another replica within those few milliseconds can still miss it (docs/storage-engines.md);
// clients keep one connection, so it reaches the same replica.
import type { ResponseChain, ResponseToStore, SaveOutcome } from '../../storage/response-store.js';
import type { ConversationStore } from './conversation-store.js';

export interface AsyncConversationStore {
  save(response: ResponseToStore): Promise<SaveOutcome>;
  chain(id: string, owner: string | null): Promise<ResponseChain | undefined>;
}

/** `store` with save and chain wrapped; its other methods (a plain object's own) as they are. */
export function readYourSaves<S extends AsyncConversationStore>(store: S): S & ConversationStore {
  const inFlight = new Map<string, Promise<unknown>>();
  return {
    ...store,
    save(response: ResponseToStore): Promise<SaveOutcome> {
      const saving = store.save(response);
      const settled = saving.catch(() => undefined);
      inFlight.set(response.id, settled);
      void settled.then(() => {
        if (inFlight.get(response.id) === settled) inFlight.delete(response.id);
      });
      return saving;
    },
    async chain(id: string, owner: string | null): Promise<ResponseChain | undefined> {
      const pending = inFlight.get(id);
      if (pending !== undefined) await pending;
      return store.chain(id, owner);
    },
  };
}
