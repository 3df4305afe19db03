// Whether the real-keychain tests may run here: only inside the private, unlocked gnome-keyring
// that scripts/run-tests.mjs (`npm test`) sets up, never against the developer's own keychain.
// In CI (SWITCHBOARD_REQUIRE_KEYCHAIN=1) a missing keychain is a failure, not a skip.

export interface KeychainTestEnv {
  /** A private unlocked keyring is on this process's D-Bus session. */
  ready: boolean;
  /** CI: the keychain tests must run, so not being ready fails them. */
  required: boolean;
  /** Why they cannot run (empty when ready). */
  reason: string;
  /** Run the describe block: ready, or required (so it fails loudly). */
  run: boolean;
  /** The describe title, with the reason when skipped. */
  title(name: string): string;
}

export function keychainTestEnv(env: NodeJS.ProcessEnv = process.env): KeychainTestEnv {
  const ready = env.SWITCHBOARD_TEST_KEYCHAIN === 'private';
  const required = env.SWITCHBOARD_REQUIRE_KEYCHAIN === '1';
  const reason = ready
    ? ''
    : env.SWITCHBOARD_TEST_KEYCHAIN_SKIP_REASON ??
      'not run through `npm test` (scripts/run-tests.mjs), which gives these tests a private gnome-keyring; they never touch your own keychain';
  return {
    ready,
    required,
    reason,
    run: ready || required,
    title: (name) => (ready ? name : required ? `${name} (REQUIRED in CI, but ${reason})` : `${name} (skipped: ${reason})`),
  };
}

/** Call first in beforeAll of a keychain block: throws in CI when the keychain is missing. */
export function assertKeychainReady(kc: KeychainTestEnv): void {
  if (!kc.ready) throw new Error(`The keychain tests are required here (SWITCHBOARD_REQUIRE_KEYCHAIN=1) but cannot run: ${kc.reason}`);
}
