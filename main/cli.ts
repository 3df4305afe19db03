// `switchboard`: parses the command line and hands it to its command: `serve` (serve-command.ts),
// `keys import` (keys-import-command.ts), `db copy` (db-copy-command.ts) or one of the commands for
// a running gateway (run-client-command.ts). Wires those to the process (stdout, stderr, signals) and does
// nothing else: each command lives in main/cli/, one per file.
import { parseArgs, USAGE } from './cli-args.js';
import { keysImportCommand } from './cli/keys-import-command.js';
import type { ClientArgs } from './cli/parse-client-args.js';
import { readVersion } from './cli/read-version.js';
import { runClientCommand } from './cli/run-client-command.js';
import { serveCommand } from './cli/serve-command.js';
import { createKeytarSecretStore } from './secrets/keytar-secret-store.js';
import type { SecretStore } from './secrets/secret-store.js';

export interface CliDeps {
  /** The OS keychain (keytar, loaded on first use) unless a test passes another store. */
  secrets?: SecretStore;
}

export async function main(argv: readonly string[], env: NodeJS.ProcessEnv, deps: CliDeps = {}): Promise<number> {
  if (argv[0] === 'db') {
    // Imported on demand: `db copy` loads pg, which the SQLite path (serve, the desktop) must not.
    const { dbCopyCommand } = await import('./cli/db-copy-command.js');
    return dbCopyCommand(argv.slice(1), env, { out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text) });
  }
  const parsed = parseArgs(argv, env);
  if (parsed.command === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (parsed.command === 'version') {
    process.stdout.write(`switchboard ${readVersion()}\n`);
    return 0;
  }
  if (parsed.command === 'error') {
    process.stderr.write(`switchboard: ${parsed.message}\nsee \`switchboard --help\`\n`);
    return 2;
  }
  // Creating the store loads nothing: keytar is imported on the first keychain call, so a machine
  // without libsecret still serves every model that needs no keychain key.
  const secrets = deps.secrets ?? createKeytarSecretStore();
  if (parsed.command === 'keys-import') return keysImportCommand(parsed, secrets);
  if (parsed.command === 'client') return runClient(parsed, env, secrets);
  return serveCommand(parsed, env, secrets);
}

async function runClient(args: ClientArgs, env: NodeJS.ProcessEnv, secrets: SecretStore): Promise<number> {
  // `logs -f` runs until interrupted; Ctrl-C ends it with 0 like any other finished command.
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await runClientCommand(args, env, secrets, {
      out: (text) => process.stdout.write(text),
      err: (text) => process.stderr.write(text),
      stdoutIsTerminal: process.stdout.isTTY === true,
      stop: stop.signal,
    });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
