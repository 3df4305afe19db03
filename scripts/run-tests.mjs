#!/usr/bin/env node
// `npm test`: runs `vitest run <args>` inside a private D-Bus session with a fresh, unlocked
// gnome-keyring (toolchain.md §2), so the keychain tests use a real Secret Service and never the
// developer's own keyring. Without dbus-run-session/gnome-keyring those tests skip, except under
// CI=true, where SWITCHBOARD_REQUIRE_KEYCHAIN=1 makes them fail. Never runs under a DISPLAY: a
// locked keyring with a display makes keytar wait forever on an invisible unlock prompt.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

const root = join(import.meta.dirname, '..');
const vitest = [process.execPath, join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', ...process.argv.slice(2)];

const env = { ...process.env };
delete env.DISPLAY;
delete env.WAYLAND_DISPLAY;
delete env.SWITCHBOARD_TEST_KEYCHAIN;
delete env.SWITCHBOARD_TEST_KEYCHAIN_SKIP_REASON;
if (/^(1|true|yes)$/i.test(env.CI ?? '')) env.SWITCHBOARD_REQUIRE_KEYCHAIN = '1';

const onPath = (command) => (env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && existsSync(join(dir, command)));
const missing = process.platform !== 'linux'
  ? [`a Linux Secret Service (this is ${process.platform}; the tests never touch your own keychain)`]
  : ['dbus-run-session', 'gnome-keyring-daemon'].filter((command) => !onPath(command));

let command = vitest;
let scratch;
if (missing.length > 0) {
  env.SWITCHBOARD_TEST_KEYCHAIN_SKIP_REASON = `no private keyring for the tests: missing ${missing.join(', ')} (Debian/Ubuntu: apt install dbus gnome-keyring)`;
  process.stderr.write(`run-tests: ${env.SWITCHBOARD_TEST_KEYCHAIN_SKIP_REASON}; the keychain tests ${env.SWITCHBOARD_REQUIRE_KEYCHAIN ? 'will FAIL (CI)' : 'will be skipped'}\n`);
} else {
  // A fresh keyring every run: a leftover one with another password would stay locked.
  scratch = mkdtempSync(join(tmpdir(), 'switchboard-test-keyring-'));
  for (const name of ['data', 'cache', 'runtime']) mkdirSync(join(scratch, name), { mode: 0o700 });
  env.XDG_DATA_HOME = join(scratch, 'data');
  env.XDG_CACHE_HOME = join(scratch, 'cache');
  env.XDG_RUNTIME_DIR = join(scratch, 'runtime');
  env.SWITCHBOARD_TEST_KEYRING_PASSWORD = randomBytes(18).toString('base64url');
  const script = [
    'if printf %s "$SWITCHBOARD_TEST_KEYRING_PASSWORD" | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>"$XDG_RUNTIME_DIR/keyring.err"; then',
    '  export SWITCHBOARD_TEST_KEYCHAIN=private',
    'else',
    '  export SWITCHBOARD_TEST_KEYCHAIN_SKIP_REASON="gnome-keyring-daemon --unlock failed: $(head -c 300 "$XDG_RUNTIME_DIR/keyring.err")"',
    'fi',
    'unset SWITCHBOARD_TEST_KEYRING_PASSWORD',
    'exec "$@"',
  ].join('\n');
  command = ['dbus-run-session', '--', 'sh', '-c', script, 'sh', ...vitest];
}

const child = spawn(command[0], command.slice(1), { cwd: root, env, stdio: 'inherit' });
const forward = (signal) => {
  if (child.exitCode === null && child.signalCode === null) child.kill(signal);
};
process.on('SIGINT', () => forward('SIGINT'));
process.on('SIGTERM', () => forward('SIGTERM'));
child.on('error', (error) => {
  process.stderr.write(`run-tests: cannot start ${command[0]}: ${error.message}\n`);
  process.exitCode = 1;
});
child.on('close', (code, signal) => {
  // The bus is gone, and gnome-keyring-daemon with it; only its files remain.
  if (scratch) rmSync(scratch, { recursive: true, force: true });
  process.exitCode = code ?? (signal ? 1 : 0);
});
