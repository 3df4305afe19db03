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
      /** Allowed model groups; empty means all. */
      models: readonly string[];
    };
