// A Switchboard gateway as a bench target, started the way a user starts it: the real CLI
// (`node bin/switchboard.js serve`) in its own process, with a generated config.yaml pointing at
// the mock upstream and auth on (SWITCHBOARD_MASTER_KEY). Variants (virtual keys, routing
// groups) are new calls of gatewayTarget with their own config and client headers.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { profileFlags, slugOf, type BenchContext, type BenchTarget } from './bench-target.js';
import { chatRequest, BENCH_MODEL } from './chat-request.js';

export interface GatewayTargetOptions {
  name: string;
  /** config.yaml text for a given mock upstream origin (e.g. http://127.0.0.1:PORT). */
  configYaml(mockOrigin: string): string;
  masterKey: string;
  /** The model the client asks for. */
  model?: string;
  /** The auth headers the load generator sends; by default the master key as a Bearer token. */
  clientHeaders?(gateway: { origin: string; masterKey: string; dataDir: string }): Promise<Record<string, string>>;
  /** Extra environment for the gateway process. */
  env?: Record<string, string>;
}

export const BENCH_MASTER_KEY = 'sk-bench-master-key-0123456789';

/** One deployment of the mock under BENCH_MODEL: the plain single-deployment gateway. */
export function singleDeploymentConfig(mockOrigin: string): string {
  return `model_list:
  - model_name: ${BENCH_MODEL}
    litellm_params:
      model: openai/${BENCH_MODEL}
      api_base: "${mockOrigin}/v1"
      api_key: "sk-bench-upstream"
`;
}

export function gatewayTarget(options: GatewayTargetOptions): BenchTarget {
  return {
    name: options.name,
    role: 'gateway',
    async start(context: BenchContext) {
      const root = join(context.workDir, slugOf(options.name));
      mkdirSync(root, { recursive: true });
      const configFile = join(root, 'config.yaml');
      writeFileSync(configFile, options.configYaml(context.mockOrigin));
      const cli = join(context.repoRoot, 'bin', 'switchboard.js');
      const env = gatewayEnv(options);
      const dataDir = join(root, 'data');

      // Tethered to the bench over IPC (see exit-with-parent.ts); the startup probes below are not,
      // so that what they time is the CLI alone.
      const tether = ['--import', pathToFileURL(join(context.benchDir, 'exit-with-parent.js')).href];
      const server = await context.registry.spawnServer(options.name, {
        args: [...tether, ...profileFlags(context, options.name), cli, 'serve', '--config', configFile, '--port', '0', '--data-dir', dataDir],
        env,
        ipc: true,
        cwd: context.repoRoot,
        readyPattern: /Switchboard listening on (http:\/\/\S+)/,
        timeoutMs: 15_000,
      });
      const headers = options.clientHeaders
        ? await options.clientHeaders({ origin: server.origin, masterKey: options.masterKey, dataDir })
        : { authorization: `Bearer ${options.masterKey}` };
      const startupDataDir = join(root, 'startup-data');
      return {
        origin: server.origin,
        pid: server.pid,
        buildRequest: (kind) => chatRequest(kind, headers, options.model ?? BENCH_MODEL),
        sampleHeader: 'x-switchboard-overhead-ms',
        startup: {
          path: '/health/liveliness',
          spawnFor: (port) => ({
            args: [cli, 'serve', '--config', configFile, '--port', String(port), '--data-dir', startupDataDir],
            env,
            cwd: context.repoRoot,
          }),
        },
        stop: () => context.registry.stop(server.process, 10_000),
      };
    },
  };
}

/** The parent's environment minus any Switchboard/LiteLLM settings, plus the bench's own. */
function gatewayEnv(options: GatewayTargetOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('SWITCHBOARD_') && !name.startsWith('LITELLM_')) env[name] = value;
  }
  return { ...env, SWITCHBOARD_MASTER_KEY: options.masterKey, ...options.env };
}
