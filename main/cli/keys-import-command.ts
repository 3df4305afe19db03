// `switchboard keys import --config FILE`: moves a config's plaintext keys into the OS keychain
// and says what moved where, keeping the original file as a backup the user is told to delete.
// A keychain that cannot take the keys leaves the config untouched; never prints a key.
import type { KeysImportOptions } from '../cli-args.js';
import { ConfigError } from '../core/config-error.js';
import { importConfigKeys } from '../secrets/import-config-keys.js';
import { isSecretStoreError, type SecretStore } from '../secrets/secret-store.js';

export async function keysImportCommand(options: KeysImportOptions, secrets: SecretStore): Promise<number> {
  try {
    const result = await importConfigKeys({ file: options.configFile, store: secrets });
    if (result.imported.length === 0) {
      process.stdout.write(`No plaintext keys in ${options.configFile}; nothing to do.\n`);
      return 0;
    }
    process.stdout.write(`Moved ${result.imported.length} key(s) from ${options.configFile} into the ${secrets.location}:\n`);
    for (const key of result.imported) process.stdout.write(`  line ${key.line}: ${key.path} -> keychain/${key.name}${key.alreadyStored ? ' (already there)' : ''}\n`);
    process.stdout.write(`The original file is kept as ${result.backup}; it still holds the keys in plaintext: delete it once Switchboard starts fine.\n`);
    return 0;
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`switchboard: config error: ${error.message}\n`);
      return 2;
    }
    if (isSecretStoreError(error)) {
      process.stderr.write(`switchboard: cannot move the keys into the OS keychain, so ${options.configFile} was not changed: ${error.message}\n`);
      return 1;
    }
    process.stderr.write(`switchboard: keys import failed, ${options.configFile} was not changed: ${(error as Error).message}\n`);
    return 1;
  }
}
