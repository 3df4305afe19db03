// Runs one client command (status, models, keys list|create|revoke, usage, logs) against the
// gateway it locates, and turns failures into one line on stderr: 1 when the gateway is not
// running or refused, 2 for a bad --config (a usage problem, as for serve). Never prints a key.
import type { SecretStore } from '../secrets/secret-store.js';
import type { CommandIO } from './command-io.js';
import { CliConfigError, connectToGateway } from './connect-to-gateway.js';
import { CliFailure } from './gateway-client.js';
import { createKeyCommand, listKeysCommand, revokeKeyCommand } from './keys-command.js';
import { logsCommand } from './logs-command.js';
import { listModelsCommand, testModelCommand } from './models-command.js';
import type { ClientArgs } from './parse-client-args.js';
import { statusCommand } from './status-command.js';
import { usageCommand } from './usage-command.js';

export async function runClientCommand(args: ClientArgs, env: NodeJS.ProcessEnv, secrets: SecretStore, io: CommandIO): Promise<number> {
  try {
    const connection = await connectToGateway(args.location, env, secrets);
    const { action } = args;
    switch (action.command) {
      case 'status': return await statusCommand(connection, io);
      case 'models': return await listModelsCommand(connection, io);
      case 'models-test': return await testModelCommand(connection, action.model, io);
      case 'keys-list': return await listKeysCommand(connection, io);
      case 'keys-create': return await createKeyCommand(connection, action, io);
      case 'keys-revoke': return await revokeKeyCommand(connection, action.ref, io);
      case 'usage': return await usageCommand(connection, io);
      case 'logs': return await logsCommand(connection, action, io);
    }
  } catch (error) {
    if (error instanceof CliConfigError) {
      io.err(`switchboard: ${error.message}\n`);
      return 2;
    }
    if (error instanceof CliFailure) {
      io.err(`switchboard: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}
