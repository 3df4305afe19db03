// The OS keychain through keytar 7.9.0: service "Switchboard", one account per credential
// (macOS Keychain, Windows Credential Manager, Linux Secret Service). keytar is imported on
// first use, so a machine without libsecret still starts and serves models that need no key.
// Every call has a deadline; failures say what to install or unlock; never a plaintext fallback.
import { createRequire } from 'node:module';
import { SecretStoreError, assertValidSecretName, type SecretOperation, type SecretStore } from './secret-store.js';
import { DEFAULT_SECRET_TIMEOUT_MS, withSecretTimeout, type ScheduleTimeout } from './with-secret-timeout.js';

export const KEYCHAIN_SERVICE = 'Switchboard';

/** The slice of keytar this store uses (tests inject fakes through `load`). */
export interface KeytarApi {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
  findCredentials(service: string): Promise<Array<{ account: string; password: string }>>;
}

export interface KeytarSecretStoreOptions {
  /** Defaults to "Switchboard"; tests may use their own service. */
  service?: string;
  timeoutMs?: number;
  schedule?: ScheduleTimeout;
  platform?: NodeJS.Platform;
  /** How to load keytar; defaults to a lazy `require('keytar')`. */
  load?: () => Promise<KeytarApi>;
}

export function createKeytarSecretStore(options: KeytarSecretStoreOptions = {}): SecretStore {
  const service = options.service ?? KEYCHAIN_SERVICE;
  const platform = options.platform ?? process.platform;
  const load = options.load ?? loadKeytar;
  let loaded: Promise<KeytarApi> | undefined;

  const keytar = (operation: SecretOperation): Promise<KeytarApi> => {
    loaded ??= load();
    return loaded.catch((error: unknown) => {
      // Not cached: installing the library and retrying must work without a restart.
      loaded = undefined;
      throw new SecretStoreError('unavailable', operation, describeLoadFailure(error, platform), { cause: error });
    });
  };
  const run = async <T>(operation: SecretOperation, call: (api: KeytarApi) => Promise<T>): Promise<T> => {
    const api = await keytar(operation);
    try {
      return await call(api);
    } catch (error) {
      throw explainKeychainError(error, operation, platform);
    }
  };

  const raw: SecretStore = {
    kind: 'keychain',
    location: `${keychainName(platform)}, service "${service}"`,
    async get(name) {
      assertValidSecretName(name, 'get');
      return (await run('get', (api) => api.getPassword(service, name))) ?? undefined;
    },
    async set(name, value) {
      assertValidSecretName(name, 'set');
      if (value.length === 0) throw new SecretStoreError('failed', 'set', 'Refusing to store an empty value');
      await run('set', (api) => api.setPassword(service, name, value));
    },
    async delete(name) {
      assertValidSecretName(name, 'delete');
      return run('delete', (api) => api.deletePassword(service, name));
    },
    async list() {
      const found = await run('list', (api) => api.findCredentials(service));
      return [...new Set(found.map((entry) => entry.account))].sort();
    },
  };
  return withSecretTimeout(raw, {
    timeoutMs: options.timeoutMs ?? DEFAULT_SECRET_TIMEOUT_MS,
    ...(options.schedule ? { schedule: options.schedule } : {}),
    hint: timeoutHint(platform),
  });
}

async function loadKeytar(): Promise<KeytarApi> {
  // require, not import(): `serve` runs the CLI bundle as a vm.Script with V8's code cache
  // (bin/load-cli-bundle.js), and an import() in a function V8 restored from that cache fails with
  // "A dynamic import callback was not specified", so the keychain could not be opened at all.
  // keytar is CommonJS with a native addon; require loads it the same way in every build.
  return createRequire(import.meta.url)('keytar') as KeytarApi;
}

export function keychainName(platform: NodeJS.Platform): string {
  if (platform === 'darwin') return 'macOS Keychain';
  if (platform === 'win32') return 'Windows Credential Manager';
  return 'Secret Service (GNOME Keyring or KWallet)';
}

function timeoutHint(platform: NodeJS.Platform): string {
  if (platform === 'darwin') return 'Is a Keychain prompt waiting for an answer? Allow it, or unlock the login keychain in Keychain Access, and try again.';
  if (platform === 'win32') return 'Windows Credential Manager is not responding; try again, or restart Windows Explorer.';
  return 'Is the keyring locked with an unlock prompt waiting? Unlock it (GNOME: Passwords and Keys; KDE: KWallet Manager) and try again. On a headless server, use environment variables (api_key: os.environ/NAME) instead.';
}

/** Only the first line, bounded: keychain messages are short and never contain the value. */
function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return (text.split('\n')[0] ?? '').slice(0, 200);
}

export function describeLoadFailure(error: unknown, platform: NodeJS.Platform): string {
  const detail = firstLine(error);
  if (/libsecret/i.test(detail)) {
    return `The OS keychain library could not be loaded (${detail}). Install libsecret (Debian/Ubuntu: apt install libsecret-1-0) and a Secret Service such as gnome-keyring, or on a headless server keep provider keys in environment variables (api_key: os.environ/NAME).`;
  }
  if (/NODE_MODULE_VERSION|was compiled against a different Node\.js version/i.test(detail)) {
    return `The OS keychain module (keytar) was built for another Node.js or Electron version (${detail}). Rebuild it: npm rebuild keytar.`;
  }
  const where = platform === 'linux' ? ' On Linux it needs libsecret (apt install libsecret-1-0).' : '';
  return `The OS keychain module (keytar) could not be loaded: ${detail}.${where}`;
}

/** Turns keytar's platform messages into what the user must install or unlock. */
export function explainKeychainError(error: unknown, operation: SecretOperation, platform: NodeJS.Platform): SecretStoreError {
  const detail = firstLine(error);
  const make = (kind: 'unavailable' | 'locked' | 'failed', message: string) => new SecretStoreError(kind, operation, message, { cause: error });
  if (platform === 'darwin') {
    if (/interaction is not allowed|-25308/i.test(detail)) return make('locked', `The macOS login keychain is locked (${detail}). Unlock it in Keychain Access and try again.`);
    if (/user canceled|-128/i.test(detail)) return make('locked', `Access to the macOS Keychain was denied at the prompt (${detail}). Try again and choose Allow.`);
    return make('failed', `The macOS Keychain refused: ${detail}`);
  }
  if (platform === 'win32') return make('failed', `Windows Credential Manager refused: ${detail}`);
  if (/autolaunch D-Bus|DBUS_SESSION_BUS_ADDRESS|Could not connect|Failed to connect to socket/i.test(detail)) {
    return make('unavailable', `No D-Bus session bus, so the OS keychain (Secret Service) cannot be reached (${detail}). Run Switchboard inside your desktop session, or on a headless server keep provider keys in environment variables (api_key: os.environ/NAME).`);
  }
  if (/org\.freedesktop\.secrets|ServiceUnknown|not provided by any \.service files/i.test(detail)) {
    return make('unavailable', `No Secret Service is running on the D-Bus session bus (${detail}). Install GNOME Keyring (apt install gnome-keyring) or KWallet, or on a headless server keep provider keys in environment variables (api_key: os.environ/NAME).`);
  }
  if (/collection\/login|locked collection|is locked|prompt|dismissed/i.test(detail)) {
    return make('locked', `The keyring is locked, or has no default "login" collection (${detail}). Unlock it (log in to the desktop session, or: gnome-keyring-daemon --unlock) and try again.`);
  }
  return make('failed', `The OS keychain refused: ${detail}`);
}
