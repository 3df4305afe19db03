// The dashboard session: from the Electron bridge when there is one, otherwise the key the user
// typed, kept in sessionStorage (this tab only, gone when it closes; never localStorage, never a
// cookie). A key is accepted only after the gateway answered with it: an admin-only call (the
// admin), else the caller's own /user/info (a member: a key made for a user). A key with no user
// (an app's key) is refused here, as it manages nothing.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { createApiClient, type ApiClient } from '../api/create-api-client.js';
import { isApiError } from '../api/api-error.js';
import { findDashboardBridge } from '../../../shared/dashboard-bridge.js';
import { ADMIN_VIEWER, memberViewer, type Viewer } from './viewer.js';

export const SESSION_STORAGE_KEY = 'switchboard.adminKey';

export type SessionState =
  | { status: 'checking' }
  | { status: 'signed-out'; error: string | null }
  /** `adminKey` is the key signed in with (the admin's or a member's own); null in open mode. */
  | { status: 'signed-in'; api: ApiClient; adminKey: string | null; desktop: boolean; viewer: Viewer };

export interface SessionOptions {
  storage?: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
  fetch?: typeof fetch;
  /** Where the Electron bridge would be (window); tests pass their own. */
  scope?: unknown;
}

export interface Session {
  state: SessionState;
  signIn(adminKey: string): Promise<void>;
  /**
   * The admin key "Require keys" or a rotation just created: this tab carries on signed in with
   * it; null after the key was removed (open mode: the tab carries on without one).
   */
  adoptAdminKey(adminKey: string | null): void;
  signOut(): void;
}

export function useSession(options: SessionOptions = {}): Session {
  const storage = options.storage ?? window.sessionStorage;
  const scope = options.scope ?? window;
  const fetchImpl = options.fetch;
  const [state, setState] = useState<SessionState>({ status: 'checking' });

  const open = useCallback(
    async (adminKey: string | null, desktop: boolean): Promise<SessionState> => {
      const api = createApiClient({ adminKey, ...(fetchImpl ? { fetch: fetchImpl } : {}) });
      try {
        // An admin-only call: a virtual key or a wrong key cannot pass it.
        await api.settings();
        return { status: 'signed-in', api, adminKey, desktop, viewer: ADMIN_VIEWER };
      } catch (error) {
        if (adminKey === null || !isApiError(error) || error.code !== 'admin_only') return { status: 'signed-out', error: signInError(error, adminKey) };
      }
      try {
        // A valid key that is not the admin's: a member's own key reads its own user.
        return { status: 'signed-in', api, adminKey, desktop, viewer: memberViewer(await api.ownUser()) };
      } catch (error) {
        return { status: 'signed-out', error: signInError(error, adminKey) };
      }
    },
    [fetchImpl],
  );

  useEffect(() => {
    let cancelled = false;
    void (async () => {
      const bridge = findDashboardBridge(scope);
      let next: SessionState;
      if (bridge) {
        const session = await bridge.adminSession();
        next = await open(session.adminKey, session.desktop);
      } else {
        const stored = storage.getItem(SESSION_STORAGE_KEY);
        next = await open(stored, false);
        // No stored key and a gateway that wants one: just ask, no error yet.
        if (next.status === 'signed-out' && stored === null) next = { status: 'signed-out', error: null };
        if (next.status === 'signed-out' && stored !== null) storage.removeItem(SESSION_STORAGE_KEY);
      }
      if (!cancelled) setState(next);
    })();
    return () => {
      cancelled = true;
    };
  }, [open, scope, storage]);

  const signIn = useCallback(
    async (adminKey: string) => {
      const key = adminKey.trim();
      const next = await open(key, false);
      if (next.status === 'signed-in') storage.setItem(SESSION_STORAGE_KEY, key);
      setState(next);
    },
    [open, storage],
  );

  const adoptAdminKey = useCallback(
    (adminKey: string | null) => {
      // The gateway answered this key as the one it now requires: no round trip to check it, and
      // no 'checking' state, so the page (and the key shown once on it) stays where it is.
      if (adminKey === null) storage.removeItem(SESSION_STORAGE_KEY);
      else storage.setItem(SESSION_STORAGE_KEY, adminKey);
      // Only the admin requires or rotates the admin key: the tab stays the admin's.
      setState({ status: 'signed-in', api: createApiClient({ adminKey, ...(fetchImpl ? { fetch: fetchImpl } : {}) }), adminKey, desktop: false, viewer: ADMIN_VIEWER });
    },
    [fetchImpl, storage],
  );

  const signOut = useCallback(() => {
    storage.removeItem(SESSION_STORAGE_KEY);
    setState({ status: 'signed-out', error: null });
  }, [storage]);

  return useMemo(() => ({ state, signIn, adoptAdminKey, signOut }), [state, signIn, adoptAdminKey, signOut]);
}

function signInError(error: unknown, adminKey: string | null): string {
  if (!isApiError(error)) return 'Something went wrong while signing in.';
  if (error.status === 401) return adminKey === null ? 'Enter the admin key or your own key to continue.' : 'That key was not accepted. Use the admin (master) key or a key made for your user.';
  if (error.code === 'admin_only') return 'That is an app key: it belongs to no user. Sign in with the admin (master) key or a key made for your user.';
  return error.message;
}
