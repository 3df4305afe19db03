// Turns an error thrown while starting the gateway into a message a user can act on, plus the
// fix the app can apply for them (start on another port, open the config file). Pure; never
// includes secrets (config errors name file, line and problem, never a value).
import { ConfigError } from '../core/config-error.js';
import { isSecretStoreError } from '../secrets/secret-store.js';

export type StartFailureFix =
  | { kind: 'use-port'; port: number }
  | { kind: 'open-config'; file: string };

export type StartFailureKind = 'port-in-use' | 'port-not-allowed' | 'config' | 'keychain' | 'data-dir' | 'other';

export interface StartFailure {
  kind: StartFailureKind;
  message: string;
  fix: StartFailureFix | null;
}

const MAX_MESSAGE = 300;

/** The next port to offer after `port`: the one above, wrapping below the privileged range. */
export function nextPort(port: number): number {
  return port >= 65535 ? 1024 : port + 1;
}

export function describeStartFailure(error: unknown, context: { host: string; port: number; configFile: string | null }): StartFailure {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  const { host, port } = context;
  if (error instanceof ConfigError) {
    // The built-in default config is named '<default>': there is no file to open.
    const file = error.file.startsWith('<') ? context.configFile : error.file;
    return {
      kind: 'config',
      message: `The config file has a problem: ${clip(error.message)}`,
      fix: file === null ? null : { kind: 'open-config', file },
    };
  }
  if (isSecretStoreError(error)) {
    // Its message already says what to install or unlock, and never carries a value.
    return { kind: 'keychain', message: `The OS keychain could not provide the admin key: ${clip(error.message)}`, fix: null };
  }
  if (code === 'EADDRINUSE') {
    return {
      kind: 'port-in-use',
      message: `Port ${port} on ${host} is already in use (another Switchboard, or another program).`,
      fix: { kind: 'use-port', port: nextPort(port) },
    };
  }
  if (code === 'EACCES' && (error as NodeJS.ErrnoException).syscall === 'listen') {
    return { kind: 'port-not-allowed', message: `This user may not listen on port ${port}.`, fix: { kind: 'use-port', port: port < 1024 ? 4141 : nextPort(port) } };
  }
  if (code === 'EACCES' || code === 'EROFS' || code === 'ENOSPC' || code === 'EPERM') {
    return { kind: 'data-dir', message: `The data folder cannot be written (${code}).`, fix: null };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { kind: 'other', message: clip(message), fix: null };
}

function clip(text: string): string {
  return text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE - 1)}…` : text;
}
